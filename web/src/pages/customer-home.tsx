import type { CaseStatus, Org } from '../../../functions/src/domain/case-model.js';
import type { CaseRecord, Person } from '../firebase.js';
import { useApp } from '../app-context.js';
import { useLive, useNow } from '../live.js';
import { BASE, Link } from '../router.js';
import { CaseTable } from '../ui/case-list.js';
import { PageHeading, Shell } from '../ui/shell.js';

/** What needs the customer first: a question for them, then a resolution to confirm, then the rest. */
const ATTENTION: Partial<Record<CaseStatus, number>> = { awaiting_customer: 0, resolved: 1 };
const byAttention = (a: CaseRecord, b: CaseRecord) => (ATTENTION[a.status] ?? 2) - (ATTENTION[b.status] ?? 2);

/**
 * The customer portal's home: the org's cases, live, open ones first (those waiting for the
 * customer at the top), closed ones below, and the way to open a new one.
 */
export function CustomerHome(props: { person: Person; onSignOut: () => void }) {
  const { backend, person } = useApp();
  const now = useNow();
  const orgId = person.orgId ?? '';
  const org = useLive<Org | null>((w) => backend.watchDocument<Org>(`orgs/${orgId}`, w), `org:${orgId}`);
  const cases = useLive<CaseRecord[]>((w) => backend.watchCases({ orgId }, w), `cases:${orgId}`);
  const orgName = org.state === 'ready' && org.value ? org.value.name : null;
  const all = cases.state === 'ready' ? cases.value : [];
  // The query gives them most recently updated first; a stable sort keeps that order within each rank.
  const open = all.filter((c) => c.status !== 'closed').sort(byAttention);
  const closed = all.filter((c) => c.status === 'closed');
  const extra = [{ header: 'Opened by', cell: (c: CaseRecord) => c.contact.name }];

  return (
    <Shell {...props} title="Your cases">
      <div class="page-head">
        <div>
          <PageHeading>{orgName ? `${orgName}’s cases` : 'Your organization’s cases'}</PageHeading>
          <p class="page-head__lead">Support for third-party technology you run on Google Cloud. Cases update here as they move on.</p>
        </div>
        <Link href={`${BASE}/cases/new`} class="button button--large">
          Open a case
        </Link>
      </div>
      {cases.state === 'loading' && <p class="loading">Loading your cases…</p>}
      {cases.state === 'failed' && <p role="alert">{cases.message}</p>}
      {cases.state === 'ready' && (
        <div class="case-lists">
          <section aria-labelledby="open-cases-title">
            <h2 id="open-cases-title">Open cases ({open.length})</h2>
            <CaseTable cases={open} viewer="customer" now={now} caption="Open cases, those waiting for you first" empty="No open cases. When something goes wrong, open a case." extra={extra} />
          </section>
          {closed.length > 0 && (
            <section aria-labelledby="closed-cases-title">
              <h2 id="closed-cases-title">Closed cases ({closed.length})</h2>
              <CaseTable cases={closed} viewer="customer" now={now} caption="Closed cases, most recently updated first" empty="" extra={extra} />
            </section>
          )}
        </div>
      )}
    </Shell>
  );
}
