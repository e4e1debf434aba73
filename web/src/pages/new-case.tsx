import type { Org, Priority } from '../../../functions/src/domain/case-model.js';
import type { AcceptedCase, ApiError } from '../api.js';
import type { Person } from '../firebase.js';
import { useApp } from '../app-context.js';
import { useLive } from '../live.js';
import { PRIORITY_WORDS } from '../model/words.js';
import { BASE, casePath, Link, navigate } from '../router.js';
import { Form, type FieldSpec } from '../ui/form.js';
import { PageHeading, Shell } from '../ui/shell.js';

/**
 * Opening a case: the intake form, with the retired HTML form's qualities (ui/form.tsx: labels tied
 * to fields, hints, every problem from the server beside its field and in a summary that takes the
 * focus, one Idempotency-Key per filled-in form so a double click or a resend opens one case). The
 * org and the contact are the signed-in customer's, which intake takes from their token.
 */
const FIELDS: readonly FieldSpec[] = [
  { name: 'subject', label: 'Subject', kind: 'text', hint: 'One line that sums up the problem, like “Volumes go read-only after failover”.' },
  { name: 'product', label: 'Product', kind: 'text', hint: 'The third-party product, for example: NetApp Cloud Volumes ONTAP.' },
  { name: 'vendor', label: 'Vendor', kind: 'text', hint: 'Who makes the product, for example: NetApp.' },
  {
    name: 'priority',
    label: 'Priority',
    kind: 'select',
    hint: 'How badly it affects you. Customer Care may lower a P1 that is not in production.',
    options: (Object.keys(PRIORITY_WORDS) as Priority[]).map((p) => ({ value: p, label: PRIORITY_WORDS[p] })),
  },
  {
    name: 'environment',
    label: 'Environment',
    kind: 'select',
    options: [
      { value: 'production', label: 'Production' },
      { value: 'non_production', label: 'Not production (test, staging, development)' },
    ],
  },
  {
    name: 'googleCloudProjectId',
    label: 'Google Cloud project ID',
    kind: 'text',
    optional: true,
    hint: 'The project the product runs in, like my-project-123. Leave it empty if you do not know it.',
  },
  {
    name: 'description',
    label: 'What is happening?',
    kind: 'textarea',
    rows: 8,
    hint: 'What you expected, what happened instead, since when, and what you have tried.',
  },
];

/** Refusals about the request as a whole, in words (the field problems speak for themselves). */
function explain(error: ApiError): string | undefined {
  if (error.code === 'not_entitled') {
    return `Your organization’s support plan does not include help with third-party technology, so this case cannot be opened. ${error.message} To change plans, contact your Google Cloud account team.`;
  }
  if (error.code === 'unknown_org') return 'Your sign-in names an organization Tandem does not know. Ask your Tandem administrator to check your account.';
  return undefined;
}

export function NewCasePage(props: { person: Person; onSignOut: () => void }) {
  const { api, backend, person } = useApp();
  const orgId = person.orgId ?? '';
  const org = useLive<Org | null>((w) => backend.watchDocument<Org>(`orgs/${orgId}`, w), `org:${orgId}`);
  const orgName = org.state === 'ready' && org.value ? org.value.name : 'your organization';
  const you = person.email && person.email !== person.name ? `${person.name} (${person.email})` : person.name;

  return (
    <Shell {...props} title="Open a case">
      <p class="back">
        <Link href={`${BASE}/`}>← Your organization’s cases</Link>
      </p>
      <div class="narrow-wide">
        <PageHeading>Open a case</PageHeading>
        <p class="page-head__lead">For problems with third-party technology running on Google Cloud: a database, a storage appliance, another vendor’s product.</p>
        <p class="who-for" data-testid="who-for">
          You are opening this case for <strong>{orgName}</strong> as <strong>{you}</strong>. Customer Care will write to you at that address.
        </p>
        <Form<AcceptedCase>
          id="new-case"
          title="About the problem"
          fields={FIELDS}
          submitLabel="Open the case"
          send={(body, key) => api.openCase(body, key)}
          explain={explain}
          onAccepted={(accepted) => {
            navigate(casePath(accepted.caseId));
            return 'The case is open.';
          }}
        />
      </div>
    </Shell>
  );
}
