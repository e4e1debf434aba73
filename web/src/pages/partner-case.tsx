import { availableActions } from '../../../functions/src/domain/action-availability.js';
import type { Person } from '../firebase.js';
import { useApp } from '../app-context.js';
import { useNow } from '../live.js';
import { statusWords } from '../model/words.js';
import { ActionForm } from '../ui/action-form.js';
import { PageHeading, Shell } from '../ui/shell.js';
import { Timeline } from '../ui/timeline.js';
import { useCasePage } from './case-page-data.js';

/** Placeholder case page; the role's own page replaces it. */
export function PartnerCasePage(props: { person: Person; onSignOut: () => void; caseId: string }) {
  const { person } = useApp();
  const now = useNow();
  const { caseRecord, timeline } = useCasePage(props.caseId);
  if (caseRecord.state !== 'ready') return <Shell {...props} title="Case"><p>{caseRecord.state === 'failed' ? caseRecord.message : 'Loading…'}</p></Shell>;
  const c = caseRecord.value;
  if (!c) return <Shell {...props} title="No such case"><PageHeading>No such case</PageHeading></Shell>;
  return (
    <Shell {...props} title={c.subject}>
      <PageHeading>{c.subject}</PageHeading>
      <p>{statusWords(c.status, person.role)}</p>
      {availableActions(person.role!, c.status).map((action) => (
        <ActionForm key={action} caseRecord={c} action={action} title={action} submitLabel={action} fields={[{ name: 'message', label: 'Message', kind: 'textarea', optional: true }]} />
      ))}
      {timeline.state === 'ready' && <Timeline entries={timeline.value} viewer={person.role} now={now} />}
    </Shell>
  );
}
