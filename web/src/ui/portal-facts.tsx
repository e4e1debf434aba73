import type { ComponentChildren } from 'preact';
import type { CaseRecord, TimelineEntry } from '../firebase.js';
import { PRIORITY_WORDS, timeWords } from '../model/words.js';

/** A case's facts as a list of terms and what they are; rows without a value are left out. */
export function Facts(props: { title: string; id: string; rows: readonly (readonly [string, ComponentChildren])[] }) {
  const rows = props.rows.filter(([, value]) => value !== null && value !== undefined && value !== '');
  return (
    <section class="facts" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      <dl>
        {rows.map(([term, value]) => (
          <div class="facts__row" key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** What both the customer and the partner are shown about what the case is. */
export function caseRows(c: CaseRecord, now: Date): [string, ComponentChildren][] {
  return [
    ['Product', c.product],
    ['Vendor', c.vendor],
    ['Priority', PRIORITY_WORDS[c.priority]],
    ['Environment', c.environment === 'production' ? 'Production' : 'Not production'],
    ['Google Cloud project ID', c.googleCloudProjectId ? <code>{c.googleCloudProjectId}</code> : 'Not given'],
    ['Opened', <time dateTime={c.createdAt}>{timeWords(c.createdAt, now)}</time>],
    ['Case reference', <code>{c.id}</code>],
  ];
}

/**
 * A partner's callbacks name only the partner's ID (`{kind: 'partner', id: 'netapp'}`); the reader is
 * shown its name instead, which the page knows (triage's match for a customer, the partner's own
 * record for the partner).
 */
export function withPartnerName(entries: readonly TimelineEntry[], partnerName: string | null): TimelineEntry[] {
  if (!partnerName) return [...entries];
  return entries.map((e) => (e.actor.kind === 'partner' && !e.actor.name ? { ...e, actor: { ...e.actor, name: partnerName } } : e));
}
