import type { Case, TimelineEventType } from './case-model.js';
import { noticeId, type Audience, type CaseUpdate, type IdentifiedEvent, type Notice, type NoticeKind } from './notices.js';

/**
 * Who is told what when a commit appends events to a case: a pure table from timeline events to
 * notices. notify sends each notice once (keyed by its ID), so the table's one job is to be right and
 * deterministic: the same update gives the same notices, in the same order, every time it is delivered.
 *
 * Rules the table keeps:
 * - Customers hear only of public events (`internal: false`), and never of their own replies.
 * - Each event gives at most one notice per audience.
 * - One commit is one moment for its audience: where two of its events would tell the same audience
 *   the same thing, one notice stands for both (see {@link COVERS} and {@link noticesFor}).
 * - `message_dead_lettered` is never a case's event: notify raises it from its dead-letter
 *   subscription (notification-templates.ts `renderDeadLetterCard`).
 */

/** One row of the policy: which events (`when`) give which notice, to whom. */
export interface PolicyRow {
  event: TimelineEventType;
  /** The condition, in words (the docs' table). */
  when: string;
  audience: Audience;
  kind: NoticeKind;
  matches: (event: IdentifiedEvent, current: Case) => boolean;
}

/** The reasons a status change hands the case back because the partner never acknowledged. */
export const PARTNER_UNRESPONSIVE_REASONS: readonly string[] = [
  'partner_unresponsive', // the escalation ladder ran out (partner-escalation.ts ackWindowPassed)
  'escalation_lost', // the workflow died past its deadline; handled as the same outcome (followup-policy.ts)
];

/** The status changes that carry the customer's own words for the engineer. */
export const CUSTOMER_REPLY_REASONS: readonly string[] = [
  'customer_replied', // their answer moves awaiting_customer back
  'customer_reopened', // their reason for reopening a resolved case
];

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const to = (e: IdentifiedEvent) => str(e.data.to);
const reason = (e: IdentifiedEvent) => str(e.data.reason);
const isPublic = (e: IdentifiedEvent) => !e.internal;
const byStaff = (e: IdentifiedEvent) => e.actor.kind === 'engineer' || e.actor.kind === 'partner';
const statusTo = (status: Case['status']) => (e: IdentifiedEvent) => isPublic(e) && to(e) === status;

/** The table, in the order notices come out for one event. */
export const NOTIFICATION_POLICY: readonly PolicyRow[] = [
  { event: 'case_received', when: 'public', audience: 'customer', kind: 'case_received', matches: isPublic },
  {
    event: 'status_changed',
    when: 'public, to awaiting_customer (an engineer\'s or the partner\'s question, in `message`)',
    audience: 'customer',
    kind: 'question_for_customer',
    matches: statusTo('awaiting_customer'),
  },
  { event: 'status_changed', when: 'public, to partner_engaged', audience: 'customer', kind: 'partner_engaged', matches: statusTo('partner_engaged') },
  { event: 'status_changed', when: 'public, to resolved', audience: 'customer', kind: 'resolved', matches: statusTo('resolved') },
  { event: 'status_changed', when: 'public, to referred_to_vendor', audience: 'customer', kind: 'referred_to_vendor', matches: statusTo('referred_to_vendor') },
  { event: 'status_changed', when: 'public, to closed (any reason, the customer\'s own included)', audience: 'customer', kind: 'closed', matches: statusTo('closed') },
  {
    event: 'status_changed',
    when: `public, reason ${PARTNER_UNRESPONSIVE_REASONS.join(' or ')} (its \`message\` is written for the customer)`,
    audience: 'customer',
    kind: 'continuing_without_partner',
    matches: (e) => isPublic(e) && PARTNER_UNRESPONSIVE_REASONS.includes(reason(e) ?? ''),
  },
  {
    event: 'status_changed',
    when: `reason ${CUSTOMER_REPLY_REASONS.join(' or ')}, by the customer`,
    audience: 'engineer',
    kind: 'customer_replied',
    matches: (e) => e.actor.kind === 'customer' && CUSTOMER_REPLY_REASONS.includes(reason(e) ?? ''),
  },
  { event: 'status_changed', when: 'reason partner_declined', audience: 'engineer', kind: 'partner_declined', matches: (e) => reason(e) === 'partner_declined' },
  {
    event: 'status_changed',
    when: `reason ${PARTNER_UNRESPONSIVE_REASONS.join(' or ')} (escalation outcome ladder_exhausted)`,
    audience: 'duty',
    kind: 'partner_unresponsive',
    matches: (e) => PARTNER_UNRESPONSIVE_REASONS.includes(reason(e) ?? ''),
  },
  { event: 'reply_posted', when: 'public, by an engineer or the partner', audience: 'customer', kind: 'public_reply', matches: (e) => isPublic(e) && byStaff(e) },
  { event: 'reply_posted', when: 'by the customer', audience: 'engineer', kind: 'customer_replied', matches: (e) => e.actor.kind === 'customer' },
  { event: 'partner_updated', when: 'always', audience: 'engineer', kind: 'partner_updated', matches: () => true },
  { event: 'customer_reminded', when: 'public', audience: 'customer', kind: 'reminder', matches: isPublic },
  { event: 'sla_warning', when: 'always', audience: 'engineer', kind: 'sla_warning', matches: () => true },
  { event: 'sla_breached', when: 'always', audience: 'duty', kind: 'sla_breached', matches: () => true },
];

/**
 * Within one commit, a notice of the key's kind stands for the notices of the listed kinds to the
 * same audience: a partner's question that engages it and asks the customer in one callback is one
 * email (the question), and a closure is news enough without a reminder that it is coming.
 */
export const COVERS: Readonly<Partial<Record<NoticeKind, readonly NoticeKind[]>>> = {
  question_for_customer: ['partner_engaged'],
  closed: ['reminder'],
};

const messageOf = (e: IdentifiedEvent): string | undefined => str(e.data.message)?.trim() || undefined;

/**
 * The notices one commit's events give: at most one per (event, audience), in event order, then in
 * {@link NOTIFICATION_POLICY} order. A commit that would tell one audience the same thing twice tells
 * it once: {@link COVERS} drops the notices another one stands for, and a reply whose text another
 * notice of the commit already carries to that audience (a status change with the same message) is
 * not sent again. `current` is the case as that commit left it.
 */
export function noticesFor(update: CaseUpdate, current: Case): Notice[] {
  const candidates: (Notice & { message: string | undefined; reply: boolean })[] = [];
  const seen = new Set<string>();
  for (const event of update.events) {
    for (const row of NOTIFICATION_POLICY) {
      if (row.event !== event.type || !row.matches(event, current)) continue;
      const id = noticeId(event.id, row.audience);
      if (seen.has(id)) continue;
      seen.add(id);
      candidates.push({ id, eventId: event.id, audience: row.audience, kind: row.kind, message: messageOf(event), reply: event.type === 'reply_posted' });
    }
  }
  const kept = candidates.filter((notice, index) =>
    !candidates.some((other, otherIndex) => {
      if (otherIndex === index || other.audience !== notice.audience) return false;
      if (COVERS[other.kind]?.includes(notice.kind)) return true;
      // A reply repeating words the commit already carries: kept only once, by the status change if there is one.
      const sameWords = notice.reply && notice.message !== undefined && other.message === notice.message;
      return sameWords && (!other.reply || otherIndex < index);
    }),
  );
  return kept.map(({ id, eventId, audience, kind }) => ({ id, eventId, audience, kind }));
}

/** The policy as a Markdown table (for docs): event, condition, audience, notice. */
export function describeNotificationPolicy(): string {
  const rows = NOTIFICATION_POLICY.map((r) => `| \`${r.event}\` | ${r.when} | ${r.audience} | \`${r.kind}\` |`);
  const covers = Object.entries(COVERS).map(([kind, covered]) => `- In one commit, \`${kind}\` stands for ${covered.map((c) => `\`${c}\``).join(', ')} to the same audience.`);
  return [
    '| event | when | audience | notice |',
    '|---|---|---|---|',
    ...rows,
    '',
    ...covers,
    '- A reply whose text another notice of the same commit already carries to that audience is not sent again.',
    '- `message_dead_lettered` (duty) is raised by notify from the dead-letter subscription, never by a case event.',
  ].join('\n');
}
