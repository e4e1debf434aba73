import { z } from 'zod';
import { SupportPlan } from './support-plans.js';
import { Outbox } from './outbox.js';

/**
 * The shapes of Tandem's records. Timestamps are ISO-8601 strings in UTC: they sort as text, so the
 * follow-up query on `nextActionAt` is a plain range over strings, and the domain stays free of SDK types.
 */
export const IsoTime = z.iso.datetime();

/**
 * IDs that name Firestore documents (orgs, cases, partners): letters, digits, `-` and `_`. A `/`
 * would name another path, and other characters have no business in an ID.
 */
export const DOCUMENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
export const DocumentId = z.string({ error: 'An ID is 1–128 letters, digits, - or _' }).regex(DOCUMENT_ID_PATTERN, 'An ID is 1–128 letters, digits, - or _');

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const Priority = z.enum(PRIORITIES, { error: 'Choose a priority: P1, P2, P3 or P4' });
export type Priority = z.infer<typeof Priority>;

export const Environment = z.enum(['production', 'non_production'], { error: 'Choose production or not production' });
export type Environment = z.infer<typeof Environment>;

export const CASE_STATUSES = [
  'received',
  'triaged',
  'awaiting_partner',
  'partner_engaged',
  'in_progress',
  'awaiting_customer',
  'resolved',
  'referred_to_vendor',
  'closed',
] as const;
export const CaseStatus = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof CaseStatus>;

export const Approach = z.enum(['collaborative', 'workload', 'third_party_vendor']);
export type Approach = z.infer<typeof Approach>;

/**
 * Text a person must give, with the same words whether it is missing, empty or not text at all: a
 * form shows the message beside its field, so it says what to do, never what the schema expected.
 */
export const requiredText = (message: string, max: number, tooLong = `Keep it to ${max.toLocaleString('en')} characters`) =>
  z.string({ error: message }).trim().min(1, message).max(max, tooLong);

export const Contact = z.object({
  name: requiredText('Enter the contact name', 200),
  email: z.email({ error: 'Enter an email address, like name@example.com' }).max(320, 'Keep the email address to 320 characters'),
}, { error: 'Give the contact a name and an email address' });
export type Contact = z.infer<typeof Contact>;

/** What a customer submits through `POST /cases` (after the HTML form's flat fields are mapped). */
export const CaseSubmission = z.object({
  orgId: z
    .string({ error: 'Enter your organization ID' })
    .trim()
    .min(1, { message: 'Enter your organization ID', abort: true })
    .regex(DOCUMENT_ID_PATTERN, 'An organization ID is letters, digits, - or _'),
  contact: Contact,
  subject: requiredText('Enter a subject', 200, 'Keep the subject to 200 characters'),
  description: requiredText('Describe the problem', 10_000, 'Keep the description to 10,000 characters'),
  product: requiredText('Name the product', 200),
  vendor: requiredText("Name the product's vendor", 200),
  priority: Priority,
  environment: Environment,
  googleCloudProjectId: z
    .string({ error: 'A Google Cloud project ID is text, like my-project-123' })
    .trim()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'A Google Cloud project ID is 6–30 lowercase letters, digits or hyphens')
    .optional(),
});
export type CaseSubmission = z.infer<typeof CaseSubmission>;

export const Org = z.object({ name: z.string(), supportPlan: SupportPlan });
export type Org = z.infer<typeof Org>;

export const EscalationContact = z.object({ name: z.string(), email: z.email(), role: z.string().optional() });

export const Partner = z.object({
  name: z.string(),
  vendors: z.array(z.string()),
  products: z.array(z.string()),
  webhookUrl: z.url(),
  ackTargetsMinutes: z.partialRecord(Priority, z.number().int().positive()).default({}),
  escalationLadder: z.array(EscalationContact).default([]),
});
export type Partner = z.infer<typeof Partner>;

export const WorkloadTechnology = z.object({
  name: z.string(),
  aliases: z.array(z.string()).default([]),
  vendor: z.string().optional(),
  queue: z.string(),
});
export type WorkloadTechnology = z.infer<typeof WorkloadTechnology>;

/**
 * A support queue (`queues/{queueId}`): where triage puts a case (`partner-<partnerId>`, a workload
 * queue of the catalog, `workload-general`, `third-party-vendor`) and the team that works it, whom
 * notify emails.
 */
export const Queue = z.object({ name: z.string().min(1), email: z.email() });
export type Queue = z.infer<typeof Queue>;

/** Who did something: a person by role, or one of Tandem's own steps. */
export const Actor = z.object({
  kind: z.enum(['customer', 'engineer', 'partner', 'system']),
  id: z.string(),
  /** A person's name as it was when they acted (the timeline shows it). */
  name: z.string().optional(),
});
export type Actor = z.infer<typeof Actor>;

export const TriageMatch = z.object({ kind: z.enum(['partner', 'workload']), id: z.string(), name: z.string() });

export const Triage = z.object({
  rule: z.string(),
  matched: TriageMatch.nullable(),
});
export type Triage = z.infer<typeof Triage>;

export const Sla = z.object({
  /** The first-response target for this case's plan and priority. */
  targetMinutes: z.number().positive(),
  firstResponseDueAt: IsoTime,
  firstRespondedAt: IsoTime.nullable(),
  pausedMinutes: z.number().nonnegative(),
  pausedSince: IsoTime.nullable(),
  warned: z.boolean(),
  breached: z.boolean(),
});
export type Sla = z.infer<typeof Sla>;

/** How an escalation's acknowledgement window ended. */
export const EscalationOutcome = z.enum(['acknowledged', 'info_requested', 'declined', 'ladder_exhausted']);
export type EscalationOutcome = z.infer<typeof EscalationOutcome>;

export const Escalation = z.object({
  /** Whoever claimed the escalation (one `escalate` delivery) starts its one workflow execution. */
  claimId: z.string(),
  claimedAt: IsoTime,
  executionId: z.string().nullable(),
  /** Where a verified partner callback is forwarded while the workflow waits. */
  callbackUrl: z.string().nullable(),
  /** 0: the partner was asked; n: the n-th rung of the partner's escalation ladder was reached. */
  level: z.number().int().nonnegative(),
  ackDueAt: IsoTime.nullable(),
  partnerTicketId: z.string().nullable(),
  requestedAt: IsoTime,
  acknowledgedAt: IsoTime.nullable(),
  lastPartnerUpdateAt: IsoTime.nullable(),
  /** The last reminder sent to a partner that went quiet while engaged (follow-ups). */
  lastNudgedAt: IsoTime.nullable(),
  outcome: EscalationOutcome.nullable(),
  endedAt: IsoTime.nullable(),
});
export type Escalation = z.infer<typeof Escalation>;

export const VendorContact = z.object({
  name: requiredText("Enter the vendor's name for the customer", 200),
  // Only web addresses: the portal links to it, and a `javascript:` or `data:` URL would run in the customer's page.
  url: z.url({ protocol: /^https?$/, hostname: z.regexes.domain, error: 'Enter the vendor support page as a full address, https://…' }).max(2000, 'Keep the address to 2,000 characters').optional(),
  email: z.email("Enter the vendor's support email address").max(320).optional(),
  phone: z.string({ error: 'Enter a phone number' }).trim().min(3, 'Enter a phone number with at least 3 digits').max(50, 'Keep the phone number to 50 characters').optional(),
}, { error: 'Say who the vendor is: a name, and a support page, email or phone' });
export type VendorContact = z.infer<typeof VendorContact>;

/**
 * A referral as stored: its vendor page is whatever text was accepted when it was written, so a
 * record from before web addresses were required still reads (readers link only web addresses).
 */
export const Referral = z.object({ vendorContact: VendorContact.extend({ url: z.string().optional() }), message: z.string(), referredAt: IsoTime });

export const EscalationRequest = z.object({ partnerId: z.string(), requestedAt: IsoTime, requestedBy: Actor });

export const Case = z.object({
  orgId: z.string(),
  /** The org's plan when the case was raised: the SLA follows it, and later steps need no org read. */
  plan: SupportPlan,
  contact: Contact,
  subject: z.string(),
  description: z.string(),
  product: z.string(),
  vendor: z.string(),
  priority: Priority,
  requestedPriority: Priority,
  environment: Environment,
  googleCloudProjectId: z.string().nullable(),
  status: CaseStatus,
  /** Where a case in `awaiting_customer` goes back to when the customer replies. */
  resumeStatus: CaseStatus.nullable(),
  approach: Approach.nullable(),
  triage: Triage.nullable(),
  partnerId: z.string().nullable(),
  queue: z.string().nullable(),
  sla: Sla.nullable(),
  escalation: Escalation.nullable(),
  /**
   * When the customer was last reminded of a case awaiting their reply (follow-ups). A reminder
   * before the case's latest move to `awaiting_customer` belongs to an earlier wait.
   */
  customerRemindedAt: IsoTime.nullable().optional(),
  /** An engineer asked for this case to be escalated to a partner; `escalate` takes it up (case-actions.ts). */
  escalationRequest: EscalationRequest.nullable().default(null),
  /** The referral to the product's vendor: who to contact, and what the customer was told. */
  referral: Referral.nullable().default(null),
  /**
   * The partner that may read the case now (firestore.rules and the case API): the one it is escalated
   * to, until it declines or the case is taken back. Written by the store (case-visibility.ts).
   */
  partnerAccess: z.string().nullable().default(null),
  /** When the follow-up sweep next has something to do: always `nextActionAt()` of the case (followup-policy.ts). */
  nextActionAt: IsoTime.nullable(),
  /** Messages committed but not yet taken up by their consumer (domain/outbox.ts). Written by the store. */
  outbox: Outbox.default({}),
  statusChangedAt: IsoTime,
  createdAt: IsoTime,
  updatedAt: IsoTime,
  version: z.number().int().positive(),
});
export type Case = z.infer<typeof Case>;

/**
 * Every kind of timeline entry, and what it records. The set is closed: a step cannot invent a type,
 * and readers (the web app, notify, the case API) can rely on knowing each one. Whatever the customer
 * is told travels as `data.message` on the public entry of what happened (a `status_changed`, a
 * `customer_reminded`), so telling the customer is never an entry of its own.
 */
export const TIMELINE_EVENT_TYPES = {
  case_received: 'The customer opened the case (public).',
  case_classified: 'Triage chose the support approach: `approach`, `rule`, `matched` (public).',
  case_prioritized: 'Triage confirmed or lowered the priority and started the first-response clock (public).',
  status_changed: 'The status moved `from` → `to` for a `reason`; `message` is what the customer is told, if anything.',
  escalation_requested: 'An escalation to the partner was claimed, before its workflow starts (internal).',
  partner_notified: 'The signed webhook reached the partner at a ladder `level` (internal).',
  partner_notification_refused: 'The partner refused the webhook, or it could not be delivered (internal).',
  escalation_level_raised: 'The acknowledgement window passed: the next rung of the partner’s ladder was asked (internal).',
  partner_updated: 'The partner sent an update that does not change the status (public).',
  note_added: 'An engineer wrote a note for Customer Care only (internal: never shown to customers or partners).',
  reply_posted: 'A public reply on the case, by the customer or an engineer: `message` (public).',
  case_assigned: 'An engineer took the case or gave it to another: `assignee` (internal).',
  priority_changed: 'An engineer changed the priority: `from`, `to`, `message` (the reason), the new first-response due time (public).',
  sla_warning: 'The first-response clock passed its warning fraction (internal).',
  sla_breached: 'The first-response target passed with no response: the duty manager is told (internal).',
  customer_reminded: 'The customer was reminded that the case waits for their reply; `message` says until when (public).',
  partner_nudged: 'An engaged partner that went quiet was reminded (internal).',
  partner_nudge_refused: 'The reminder to a quiet partner was refused (internal).',
  step_redriven: 'A pipeline step that did not happen in time was started again (internal).',
  notification_failed: 'An email or chat message could not be delivered and will not be retried: `audience`, `kind`, `channel`, `reason` (internal).',
} as const;
export type TimelineEventType = keyof typeof TIMELINE_EVENT_TYPES;
export const TimelineEventType = z.enum(Object.keys(TIMELINE_EVENT_TYPES) as [TimelineEventType, ...TimelineEventType[]]);

/** One entry of a case's append-only timeline. `internal` entries are hidden from customers. */
export const TimelineEvent = z.object({
  type: TimelineEventType,
  at: IsoTime,
  actor: Actor,
  data: z.record(z.string(), z.unknown()),
  internal: z.boolean(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;

export const SYSTEM: Actor = { kind: 'system', id: 'tandem' };
