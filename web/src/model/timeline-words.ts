import type { Actor, CaseStatus, TimelineEvent, TimelineEventType } from '../../../functions/src/domain/case-model.js';
import type { Role } from './records.js';
import { APPROACH_SHORT, STATUS_WORDS, statusWords } from './words.js';

/** Who did it, as the timeline names them. */
export function actorWords(actor: Actor, viewer: Role | null): string {
  if (actor.kind === 'system') return 'Tandem';
  if (viewer === 'customer' && actor.kind === 'engineer') return actor.name ? `${actor.name} (Customer Care)` : 'Customer Care';
  return actor.name ?? (actor.kind === 'partner' ? `Partner ${actor.id}` : actor.id);
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);

const TITLES: Record<TimelineEventType, (e: TimelineEvent, who: string, viewer: Role | null) => string> = {
  case_received: (_e, who) => `${who} opened the case`,
  case_classified: (e) => `Triage chose ${APPROACH_SHORT[e.data.approach as keyof typeof APPROACH_SHORT]?.toLowerCase() ?? 'an approach'} support`,
  case_prioritized: (e) => `Priority confirmed as ${text(e.data.priority) ?? text(e.data.to) ?? 'given'}`,
  // Who moved it, unless Tandem did: "Waiting for the customer — Grace Hopper".
  status_changed: (e, who, viewer) =>
    // A reply that answers a question moves the case on; it reads as the reply it is.
    e.data.reason === 'customer_replied' ? `${who} replied` :
    (typeof e.data.to === 'string' && e.data.to in STATUS_WORDS ? statusWords(e.data.to as CaseStatus, viewer) : 'The status changed') + (e.actor.kind === 'system' ? '' : ` — ${who}`),
  escalation_requested: (_e, who) => `${who} asked for the partner to be engaged`,
  partner_notified: (e) => `The partner was asked${typeof e.data.level === 'number' && e.data.level > 0 ? ` (ladder rung ${e.data.level})` : ''}`,
  partner_notification_refused: () => 'The partner’s system refused the request',
  escalation_level_raised: (e) => `No acknowledgement in time: rung ${String(e.data.level ?? '')} of the partner’s ladder was asked`,
  partner_updated: (_e, who) => `${who} sent an update`,
  note_added: (_e, who) => `${who} wrote a note`,
  reply_posted: (_e, who) => `${who} replied`,
  case_assigned: (e) => `Assigned to ${text((e.data.assignee as { name?: string } | undefined)?.name) ?? 'an engineer'}`,
  priority_changed: (e, who) => `${who} changed the priority from ${String(e.data.from)} to ${String(e.data.to)}`,
  sla_warning: () => 'The first-response clock passed 75 %',
  sla_breached: () => 'The first-response target was missed',
  customer_reminded: () => 'Tandem reminded the customer',
  partner_nudged: () => 'Tandem reminded the partner',
  partner_nudge_refused: () => 'The reminder to the partner was refused',
  step_redriven: () => 'A triage step was started again',
  notification_failed: (e) => `A ${String(e.data.channel ?? '')} message could not be delivered`,
};

export interface EntryWords {
  title: string;
  who: string;
  /** What someone wrote, or what the customer was told. */
  message: string | null;
  /** Other facts worth a line: a partner's ticket, a vendor's contact. */
  details: string[];
}

export function entryWords(e: TimelineEvent, viewer: Role | null): EntryWords {
  const who = actorWords(e.actor, viewer);
  const details: string[] = [];
  const ticket = text(e.data.partnerTicketId);
  if (ticket) details.push(`Partner ticket ${ticket}`);
  const vendor = e.data.vendorContact as { name?: string; url?: string; email?: string; phone?: string } | undefined;
  if (vendor?.name) details.push(['Vendor: ' + vendor.name, vendor.url, vendor.email, vendor.phone].filter(Boolean).join(' · '));
  if (e.type === 'notification_failed' && text(e.data.reason)) details.push(String(e.data.reason));
  return { title: TITLES[e.type](e, who, viewer), who, message: text(e.data.message), details };
}
