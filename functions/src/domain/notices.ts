import type { Case, TimelineEvent } from './case-model.js';

/**
 * Who is told what (the notification policy's vocabulary). A notice is one message to one audience
 * about one timeline event; notify sends each at most once, keyed by {@link Notice.id}.
 */
export type Audience = 'customer' | 'engineer' | 'duty';

export const NOTICE_KINDS = {
  // The case contact, by email.
  case_received: 'customer: we received your case',
  question_for_customer: 'customer: the case needs their answer (awaiting_customer), with the question',
  partner_engaged: 'customer: the technology partner has taken the case up',
  public_reply: 'customer: an engineer (or the partner) replied on the case',
  resolved: 'customer: the case is resolved',
  referred_to_vendor: "customer: the case is referred to the product's vendor, with the vendor's contact",
  reminder: 'customer: the case still waits for their reply, and the day it closes without one',
  closed: 'customer: the case is closed',
  continuing_without_partner: 'customer: the partner did not take the case up; our engineers carry on with it directly',
  // The assigned engineer, else the case's queue, by email.
  customer_replied: 'engineer: the customer replied',
  partner_updated: 'engineer: the partner sent an update',
  partner_declined: 'engineer: the partner declined the case',
  sla_warning: 'engineer: the first-response clock passed its warning point',
  // The duty channel, by chat.
  sla_breached: 'duty: the first-response target passed with no response',
  partner_unresponsive: 'duty: the partner never acknowledged (its ladder is exhausted)',
  message_dead_lettered: 'duty: a message failed five deliveries and was dead-lettered',
} as const;
export type NoticeKind = keyof typeof NOTICE_KINDS;

/** Who each kind of notice is for: the prefix of its {@link NOTICE_KINDS} description. */
export const NOTICE_AUDIENCE: Readonly<Record<NoticeKind, Audience>> = Object.fromEntries(
  Object.entries(NOTICE_KINDS).map(([kind, description]) => [kind, description.slice(0, description.indexOf(':')) as Audience]),
) as Record<NoticeKind, Audience>;

/** The notice kinds for one audience, in {@link NOTICE_KINDS} order. */
export const noticeKindsFor = (audience: Audience): NoticeKind[] =>
  (Object.keys(NOTICE_KINDS) as NoticeKind[]).filter((kind) => NOTICE_AUDIENCE[kind] === audience);

export interface Notice {
  /** `${eventId}.${audience}`: one per (event, recipient), the key of its delivery record. */
  id: string;
  eventId: string;
  audience: Audience;
  kind: NoticeKind;
}

/** A timeline event as `case-updated` carries it: with its ID. */
export type IdentifiedEvent = TimelineEvent & { id: string };

/** What one commit did to a case, as `case-updated` carries it (the events that commit appended). */
export interface CaseUpdate {
  caseId: string;
  version: number;
  events: IdentifiedEvent[];
}

/** Everything a template may show about the case: the facts a customer may see, resolved by notify. */
export interface NoticeContext {
  caseId: string;
  /** `${publicUrl}/app/cases/${caseId}`. */
  caseUrl: string;
  case: Case;
  event: IdentifiedEvent;
  /** The partner's display name, when the case is collaborative. */
  partnerName?: string;
  /** Who the email is addressed to (the contact, the engineer, the queue), for the greeting. */
  recipientName?: string;
}

/**
 * A Pub/Sub message that failed its deliveries and was dead-lettered: raised outside any case update
 * (notify's dead-letter subscription), so it has no timeline event; the duty channel gets a card.
 */
export interface DeadLetter {
  topic: string;
  messageId: string;
  /** The case the message was about, when its payload names one. */
  caseId?: string;
  caseUrl?: string;
  /** How many deliveries were attempted. */
  attempts: number;
}

export const noticeId = (eventId: string, audience: Audience): string => `${eventId}.${audience}`;
