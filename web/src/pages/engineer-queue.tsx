import type { Queue } from '../../../functions/src/domain/case-model.js';
import { useApp } from '../app-context.js';
import type { CaseRecord, Person } from '../firebase.js';
import { useLive, useNow } from '../live.js';
import { compareRisk, firstResponseClock } from '../model/sla-clock.js';
import { APPROACH_SHORT, STATUS_WORDS } from '../model/words.js';
import { useLocation } from '../router.js';
import { CaseTable } from '../ui/case-list.js';
import { ClockBadge } from '../ui/engineer-clock-badge.js';
import { engineeringPath, queueName, useDocument, useDocuments, type Assignee } from '../ui/engineer-data.js';
import { casesWords, filtersOf, matches, QueueFilterBar, statusesOf, type QueueFilters } from '../ui/engineer-queue-filters.js';
import { PageHeading, Shell } from '../ui/shell.js';

/**
 * The engineer console's home: every case (open ones unless the filters say otherwise), live, the
 * most at risk of missing its first-response target first, each with its clock in words, shape and
 * colour, its queue, approach and assignee.
 */
/** How many cases the queue reads at most: enough for a team's day, few enough for one live query. */
const QUEUE_MAX = 500;

export function EngineerQueue(props: { person: Person; onSignOut: () => void }) {
  const { backend, person } = useApp();
  // Clocks move by the minute; a 15-second tick keeps "3 min left" within a quarter of a minute.
  const now = useNow(15_000);
  const { search } = useLocation();
  const filters = filtersOf(search);
  const statuses = statusesOf(filters.status);
  // The list is the most recently updated open cases, sorted by risk here; past QUEUE_MAX the oldest
  // ones (often the riskiest) are not read, and the page says so rather than count wrong.
  const cases = useLive<CaseRecord[]>((w) => backend.watchCases({ statuses, max: QUEUE_MAX }, w), `status:${filters.status}`);
  const all = cases.state === 'ready' ? cases.value : [];
  const queueIds = [...new Set(all.map((c) => c.queue).filter((q): q is string => Boolean(q)))];
  if (filters.queue && filters.queue !== 'none' && !queueIds.includes(filters.queue)) queueIds.push(filters.queue);
  const queues = useDocuments<Queue>(queueIds.map((id) => `queues/${id}`));

  const at = now.getTime();
  const rows = all
    .filter((c) => matches(c, filters))
    .map((c) => ({ c, clock: firstResponseClock(c, at) }))
    .sort((a, b) => compareRisk(a.clock, b.clock));
  const clocks = new Map(rows.map((r) => [r.c.id, r.clock]));
  const queueOptions = queueIds.map((id) => ({ value: id, label: queueName(id, queues) })).sort((a, b) => a.label.localeCompare(b.label));

  return (
    <Shell {...props} title="Cases">
      <PageHeading>Cases</PageHeading>
      <QueueFilterBar filters={filters} queues={queueOptions} />
      {cases.state === 'loading' && <p class="loading">Loading the cases…</p>}
      {cases.state === 'failed' && <p role="alert">{cases.message}</p>}
      {cases.state === 'ready' && (
        <>
          <p class="queue__count" role="status">
            {rows.length === all.length ? casesWords(all.length, filters.status) : `Showing ${rows.length} of ${casesWords(all.length, filters.status)}`}
            {rows.length > 1 && ', the most at risk of missing the first-response target first.'}
          </p>
          {all.length >= QUEUE_MAX && (
            <p class="queue__truncated" role="note">
              More than {QUEUE_MAX} cases match: these are the {QUEUE_MAX} updated most recently, and cases not updated for longer are not shown. Choose a status to see the rest.
            </p>
          )}
          <CaseTable
            cases={rows.map((r) => r.c)}
            viewer={person.role ?? 'engineer'}
            now={now}
            caption="Cases, the most at risk of missing the first-response target first"
            empty={emptyWords(filters, all.length > 0)}
            extra={[
              { header: 'First response', cell: (c) => <ClockBadge clock={clocks.get(c.id) ?? { state: 'none' }} /> },
              { header: 'Queue', cell: (c) => (c.queue ? queueName(c.queue, queues) : <span class="quiet">Not routed yet</span>) },
              { header: 'Approach', cell: (c) => (c.approach ? APPROACH_SHORT[c.approach] : <span class="quiet">Not triaged yet</span>) },
              { header: 'Assigned to', cell: (c) => <AssigneeName caseId={c.id} me={person.uid} /> },
            ]}
          />
        </>
      )}
    </Shell>
  );
}

/** What an empty queue says: nothing read at all, or nothing that passes the filters. */
function emptyWords(f: QueueFilters, anyRead: boolean): string {
  if (anyRead) return 'No case matches these filters. Change them, or clear them to see every open case.';
  if (f.status === 'open') return 'No open cases. New cases appear here as soon as customers open them.';
  if (f.status === 'all') return 'No cases yet.';
  return `No case is “${STATUS_WORDS[f.status]}” right now.`;
}

/** The row's assignee, from the case's engineering-only document (each row reads its own, live). */
function AssigneeName(props: { caseId: string; me: string }) {
  const doc = useDocument<{ assignee?: Assignee | null }>(engineeringPath(props.caseId));
  const assignee = doc.state === 'ready' ? doc.value?.assignee : null;
  if (!assignee) return <span class="quiet">{doc.state === 'loading' ? '…' : 'Nobody yet'}</span>;
  return <>{assignee.uid === props.me ? `You (${assignee.name})` : assignee.name}</>;
}
