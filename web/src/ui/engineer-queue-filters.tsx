import type { Approach, CaseStatus, Priority } from '../../../functions/src/domain/case-model.js';
import type { CaseRecord } from '../firebase.js';
import { APPROACH_SHORT, PRIORITY_WORDS, priorityShort, STATUS_WORDS } from '../model/words.js';
import { setSearch } from '../router.js';

/**
 * The queue's filters, kept in the query string (`?status=in_progress&priority=P1`) so a filtered
 * queue can be bookmarked, shared and reloaded. Status is asked of Firestore; queue, approach and
 * priority are applied to the cases read, so they need no index of their own.
 */

export type StatusFilter = 'open' | 'all' | CaseStatus;

export interface QueueFilters {
  status: StatusFilter;
  /** A queue ID, `none` (not routed yet), or '' for every queue; likewise approach and priority. */
  queue: string;
  approach: string;
  priority: string;
}

const STATUSES = Object.keys(STATUS_WORDS) as CaseStatus[];
export const OPEN_STATUSES: readonly CaseStatus[] = STATUSES.filter((s) => s !== 'closed');
const APPROACHES = Object.keys(APPROACH_SHORT) as Approach[];
const PRIORITIES = Object.keys(PRIORITY_WORDS) as Priority[];
const NONE = 'none';

export function filtersOf(search: URLSearchParams): QueueFilters {
  const status = search.get('status') ?? 'open';
  return {
    status: status === 'all' || (STATUSES as string[]).includes(status) ? (status as StatusFilter) : 'open',
    queue: search.get('queue') ?? '',
    approach: search.get('approach') ?? '',
    priority: search.get('priority') ?? '',
  };
}

/** The statuses to ask Firestore for; undefined: all of them. */
export const statusesOf = (filter: StatusFilter): readonly CaseStatus[] | undefined => (filter === 'open' ? OPEN_STATUSES : filter === 'all' ? undefined : [filter]);

export function matches(c: CaseRecord, f: QueueFilters): boolean {
  const is = (wanted: string, value: string | null) => !wanted || (wanted === NONE ? value === null : value === wanted);
  return is(f.queue, c.queue) && is(f.approach, c.approach) && is(f.priority, c.priority);
}

export const filtered = (f: QueueFilters): boolean => f.status !== 'open' || Boolean(f.queue || f.approach || f.priority);

/** "12 open cases", "1 case with the status “In progress”": how the count names what was read. */
export function casesWords(count: number, filter: StatusFilter): string {
  const cases = count === 1 ? 'case' : 'cases';
  if (filter === 'open') return `${count} open ${cases}`;
  if (filter === 'all') return `${count} ${cases} of any status`;
  return `${count} ${cases} with the status “${STATUS_WORDS[filter]}”`;
}

function change(name: keyof QueueFilters, value: string) {
  const params = new URLSearchParams(location.search);
  const fallback = name === 'status' ? 'open' : '';
  if (value === fallback) params.delete(name);
  else params.set(name, value);
  setSearch(params);
}

export function QueueFilterBar(props: { filters: QueueFilters; queues: readonly { value: string; label: string }[] }) {
  const { filters } = props;
  const select = (name: keyof QueueFilters, label: string, options: readonly { value: string; label: string }[]) => (
    <div class="filters__field">
      <label for={`filter-${name}`}>{label}</label>
      <select id={`filter-${name}`} value={filters[name]} onChange={(e) => change(name, e.currentTarget.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <form class="filters" role="search" aria-label="Filter the cases" onSubmit={(e) => e.preventDefault()}>
      {select('status', 'Status', [
        { value: 'open', label: 'Open (all but closed)' },
        ...STATUSES.map((s) => ({ value: s, label: STATUS_WORDS[s] })),
        { value: 'all', label: 'Any status' },
      ])}
      {select('queue', 'Queue', [{ value: '', label: 'Every queue' }, ...props.queues, { value: NONE, label: 'Not routed yet' }])}
      {select('approach', 'Approach', [{ value: '', label: 'Every approach' }, ...APPROACHES.map((a) => ({ value: a, label: APPROACH_SHORT[a] })), { value: NONE, label: 'Not triaged yet' }])}
      {select('priority', 'Priority', [{ value: '', label: 'Every priority' }, ...PRIORITIES.map((p) => ({ value: p, label: priorityShort(p) }))])}
      {filtered(filters) && (
        <button type="button" class="button button--secondary filters__clear" onClick={() => setSearch(new URLSearchParams())}>
          Clear the filters
        </button>
      )}
    </form>
  );
}
