import type { Person } from '../firebase.js';
import { useApp } from '../app-context.js';
import { useLive, useNow } from '../live.js';
import type { CaseRecord } from '../firebase.js';
import { CaseTable } from '../ui/case-list.js';
import { PageHeading, Shell } from '../ui/shell.js';

/** Placeholder list; the role's own page replaces it. */
export function EngineerQueue(props: { person: Person; onSignOut: () => void }) {
  const { backend, person } = useApp();
  const now = useNow();
  const filter = person.role === 'customer' ? { orgId: person.orgId ?? '' } : person.role === 'partner' ? { partnerId: person.partnerId ?? '' } : {};
  const cases = useLive<CaseRecord[]>((w) => backend.watchCases(filter, w), JSON.stringify(filter));
  return (
    <Shell {...props} title="Cases">
      <PageHeading>Cases</PageHeading>
      {cases.state === 'ready' && <CaseTable cases={cases.value} viewer={person.role!} now={now} caption="Cases" empty="No cases." />}
      {cases.state === 'failed' && <p role="alert">{cases.message}</p>}
    </Shell>
  );
}
