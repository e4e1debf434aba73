import type { Case } from '../../../functions/src/domain/case-model.js';
import { durationWords, timeWords } from './words.js';

/**
 * Where a collaborative case stands with its technology partner, in words: the customer's case page
 * says it ("With NetApp since 10:42 — acknowledged, their ticket NA-1234; Customer Care is following
 * up"), and the partner's desk says when its acknowledgement is due. Pure: everything comes from the
 * case as firestore.rules let its reader see it, so the words change the moment the case does.
 */

export type PartnerFacts = Pick<Case, 'status' | 'approach' | 'partnerId' | 'triage' | 'escalation' | 'escalationRequest' | 'statusChangedAt'>;

/**
 * The partner's name as a customer may know it. Customers cannot read `partners/{id}`: triage's
 * match names the partner it found, and is the partner's name only while the case is still with that
 * partner (an engineer may have escalated it to another).
 */
export function partnerNameOf(c: Pick<Case, 'partnerId' | 'triage'>): string | null {
  const matched = c.triage?.matched;
  if (matched?.kind !== 'partner') return null;
  return !c.partnerId || c.partnerId === matched.id ? matched.name : null;
}

const FOLLOWING = 'Customer Care is following up';
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * One line, or null when no partner is involved. `partnerName` null: "the technology partner".
 * Who moved the case last is read from the escalation: a partner's answer sets
 * `lastPartnerUpdateAt` to the same moment as the status change it makes, so a question or a
 * resolution at that moment is the partner's, and anything else is Customer Care's.
 */
export function partnerStatusWords(c: PartnerFacts, partnerName: string | null, now: Date): string | null {
  const name = partnerName ?? 'the technology partner';
  const Name = capitalised(name);
  const at = (iso: string | null | undefined) => (iso ? timeWords(iso, now) : '');
  const open = c.status !== 'closed';
  const e = c.escalation;

  // An engineer asked for the case to go (back) to a partner; the escalation starts shortly.
  const asking = `Asking ${name} to work on this with us — ${FOLLOWING}`;
  if (c.escalationRequest && c.status === 'in_progress') return asking;
  // Triaged as collaborative: the escalation is claimed and the partner asked within moments.
  if (c.status === 'triaged' && c.approach === 'collaborative' && !e?.outcome) return asking;
  if (!e) return null;

  if (e.outcome === 'declined') return `Declined by ${name} at ${at(e.endedAt)} — Customer Care ${open ? 'is handling it directly' : 'handled it directly'}`;
  if (e.outcome === 'ladder_exhausted') return `${Name} did not take it up in time — Customer Care ${open ? 'is handling it directly' : 'handled it directly'}`;
  if (!e.outcome) return `Asked ${name} at ${at(e.requestedAt)} — waiting for them to acknowledge; ${FOLLOWING}`;

  // Engaged: acknowledged, or asked a question (which acknowledges too).
  const since = at(e.acknowledgedAt ?? e.endedAt ?? e.requestedAt);
  const ticket = e.partnerTicketId;
  const byPartner = e.lastPartnerUpdateAt !== null && e.lastPartnerUpdateAt === c.statusChangedAt;
  switch (c.status) {
    case 'partner_engaged':
      return `With ${name} since ${since} — acknowledged${ticket ? `, their ticket ${ticket}` : ''}; ${FOLLOWING}`;
    case 'awaiting_customer':
      if (byPartner) return `${Name} asked you a question at ${at(c.statusChangedAt)}${ticket ? ` (their ticket ${ticket})` : ''} — waiting for your reply; ${FOLLOWING}`;
      return `With ${name} since ${since}${ticket ? `, their ticket ${ticket}` : ''} — waiting for your reply; ${FOLLOWING}`;
    case 'resolved':
      if (byPartner) return `Resolved by ${name} at ${at(c.statusChangedAt)}${ticket ? ` (their ticket ${ticket})` : ''} — tell us below whether it is solved`;
      return `${Name} worked on this with us${ticket ? ` (their ticket ${ticket})` : ''} — the case is resolved`;
    case 'closed':
      return `${Name} worked on this with us${ticket ? ` (their ticket ${ticket})` : ''}`;
    default:
      return `${Name} worked on this with us${ticket ? ` (their ticket ${ticket})` : ''}; ${FOLLOWING}`;
  }
}

/** "By 10:42 — in 35 min", "Overdue — was due by 10:42, 12 min ago": the partner's acknowledgement deadline. */
export function ackDeadlineWords(ackDueAt: string | null | undefined, now: Date): string | null {
  if (!ackDueAt) return null;
  const left = Date.parse(ackDueAt) - now.getTime();
  const by = timeWords(ackDueAt, now);
  return left >= 0 ? `By ${by} — in ${durationWords(left)}` : `Overdue — was due by ${by}, ${durationWords(left)} ago`;
}
