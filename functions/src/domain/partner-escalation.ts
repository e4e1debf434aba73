import { applyPatch, type CaseChange, type StatusMove } from './case-change.js';
import { z } from 'zod';
import { EscalationContact, IsoTime, Priority, SYSTEM, type Actor, type Case, type Escalation, type Partner, type TimelineEvent, type TimelineEventType } from './case-model.js';
import { PARTNER_UNRESPONSIVE_MESSAGE } from './customer-messages.js';
import { PIPELINE_STEP_TIMEOUT_MINUTES } from './case-intake.js';
import { changeStatus } from './case-state-machine.js';
import { domainError, fail, ok, type Result } from './result.js';
import { addMinutes, partnerAckMinutes } from './sla-policy.js';

/**
 * The partner escalation as pure decisions. One `escalate` delivery claims the escalation and starts
 * the one workflow execution; the workflow then calls back into Tandem (start, notify, ack-timeout,
 * ack-timeout), and each call lands here. The workflow covers the acknowledgement window only: partner
 * updates after that are applied by the callback function directly (DESIGN.md, "Workflows").
 * The store owns `version`, `updatedAt` and `nextActionAt`: these decisions write neither.
 */

/** A claim whose execution never reported back within this time may be taken over. */
export const ESCALATION_CLAIM_LEASE_MINUTES = PIPELINE_STEP_TIMEOUT_MINUTES;

/** What the workflow is told to do next. */
export type WorkflowInstruction =
  | { action: 'wait'; level: number; ackTimeoutSeconds: number; ackDueAt: string }
  | { action: 'stop'; reason: string; status: Case['status'] };

const event = (type: TimelineEventType, at: Date, data: Record<string, unknown>, internal = true, actor: Actor = SYSTEM): TimelineEvent => ({
  type,
  at: at.toISOString(),
  actor,
  data,
  internal,
});

/**
 * Claims the escalation for one delivery of `escalation-requested`. `null` when there is nothing to
 * claim: not a triaged collaborative case, or already claimed (an execution recorded, or a claim
 * whose lease still runs). A claim left by a delivery that crashed before starting the execution
 * can be taken over once its lease has passed.
 */
export function claimEscalation(current: Case, claimId: string, at: Date): CaseChange | null {
  if (!awaitsEscalation(current) || !current.partnerId) return null;
  // An escalation that ended (declined, taken back) is history: an engineer's new request starts afresh.
  const held = current.escalation?.outcome ? null : current.escalation;
  if (held && (held.executionId || addMinutes(new Date(held.claimedAt), ESCALATION_CLAIM_LEASE_MINUTES) > at)) return null;
  const now = at.toISOString();
  const escalation: Escalation = {
    claimId,
    claimedAt: now,
    executionId: null,
    callbackUrl: null,
    level: 0,
    ackDueAt: null,
    partnerTicketId: null,
    requestedAt: held?.requestedAt ?? now,
    acknowledgedAt: null,
    lastPartnerUpdateAt: null,
    lastNudgedAt: null,
    outcome: null,
    endedAt: null,
  };
  // An engineer's request is already on the timeline, with the engineer; a triaged case's is recorded here.
  const recorded = current.escalationRequest && !held;
  return {
    patch: { escalation },
    events: recorded ? [] : [event('escalation_requested', at, { partnerId: current.partnerId, takeover: held ? held.claimId : undefined })],
  };
}

/**
 * A case waiting for its escalation to start: a collaborative case triage left in `triaged`, or a
 * case in progress an engineer asked to escalate (case-actions.ts `escalate_to_partner`).
 */
export function awaitsEscalation(c: Pick<Case, 'status' | 'approach' | 'escalationRequest'>): boolean {
  return (c.status === 'triaged' && c.approach === 'collaborative') || (c.status === 'in_progress' && c.escalationRequest !== null);
}

/** Undoes a claim whose execution could not be started, so the redelivery can claim again at once. */
export function releaseClaim(current: Case, claimId: string): CaseChange | null {
  if (current.escalation?.claimId !== claimId || current.escalation.executionId) return null;
  return { patch: { escalation: null }, events: [] };
}

export const ackTimeoutSeconds = (ackDueAt: string, at: Date) => Math.max(0, Math.ceil((Date.parse(ackDueAt) - at.getTime()) / 1000));

export interface StepDecision {
  change: CaseChange | null;
  moves: StatusMove[];
  instruction: WorkflowInstruction;
}

/**
 * The workflow's first call: the case goes to `awaiting_partner` and the acknowledgement clock
 * starts. Idempotent for the same execution (a retried call gets the same deadline back); an
 * execution whose claim was taken over is told to stop.
 */
export function beginAwaitingPartner(
  current: Case,
  request: { claimId: string; executionId: string; callbackUrl: string },
  partner: Pick<Partner, 'ackTargetsMinutes'>,
  at: Date,
): Result<StepDecision> {
  const held = current.escalation;
  if (!held || held.claimId !== request.claimId || (held.executionId && held.executionId !== request.executionId)) {
    return ok({ change: null, moves: [], instruction: { action: 'stop', reason: 'superseded', status: current.status } });
  }
  if (current.status === 'awaiting_partner' && held.ackDueAt) {
    return ok({ change: null, moves: [], instruction: wait(held.level, held.ackDueAt, at) });
  }
  if (!awaitsEscalation(current)) {
    return ok({ change: null, moves: [], instruction: { action: 'stop', reason: `case is ${current.status}`, status: current.status } });
  }
  const ackDueAt = addMinutes(at, partnerAckMinutes(current.priority, partner.ackTargetsMinutes)).toISOString();
  const moved = changeStatus(current, 'awaiting_partner', { at, actor: SYSTEM, reason: 'escalated_to_partner', data: { partnerId: current.partnerId, ackDueAt } });
  if (!moved.ok) return moved;
  const escalation: Escalation = { ...held, executionId: request.executionId, callbackUrl: request.callbackUrl, level: 0, ackDueAt };
  return ok({
    change: { patch: { ...moved.value.patch, escalation, escalationRequest: null }, events: [moved.value.event] },
    moves: [{ from: current.status, to: 'awaiting_partner' }],
    instruction: wait(0, ackDueAt, at),
  });
}

const wait = (level: number, ackDueAt: string, at: Date): WorkflowInstruction => ({ action: 'wait', level, ackDueAt, ackTimeoutSeconds: ackTimeoutSeconds(ackDueAt, at) });

/**
 * What Tandem sends to a partner's webhook URL: a collaboration request (level 0), an escalation to
 * a rung of the partner's ladder (level n, with that contact), or a reminder to an engaged partner
 * that went quiet (with `quietSince`).
 */
export const PartnerWebhookBody = z.object({
  type: z.enum(['collaboration.requested', 'collaboration.escalated', 'collaboration.reminder']),
  caseRef: z.string().describe('The case ID; partner callbacks name it as caseRef.'),
  level: z.number().int().nonnegative(),
  escalationContact: EscalationContact.optional().describe('The rung of the ladder this escalation is addressed to.'),
  priority: Priority,
  summary: z.string(),
  product: z.string(),
  customer: z.object({ org: z.string(), contactName: z.string() }),
  respondBy: IsoTime.nullable().describe('When Tandem expects the acknowledgement (or the next word, for a reminder).'),
  quietSince: IsoTime.optional().describe("A reminder's: the partner's last word, or its engagement."),
  callbackUrl: z.url(),
});
export type PartnerWebhookBody = z.infer<typeof PartnerWebhookBody>;

/** The outbound webhook body, for the partner at the case's current level. */
export function partnerWebhookBody(
  current: Case,
  caseId: string,
  orgName: string,
  callbackUrl: string,
  ladder: Partner['escalationLadder'] = [],
): PartnerWebhookBody {
  const level = current.escalation?.level ?? 0;
  // Level n is addressed to the n-th rung of the partner's ladder: the partner routes it there.
  const escalationContact = level > 0 ? ladder[level - 1] : undefined;
  return {
    type: level === 0 ? 'collaboration.requested' : 'collaboration.escalated',
    ...(escalationContact ? { escalationContact } : {}),
    caseRef: caseId,
    level,
    priority: current.priority,
    summary: current.subject,
    product: current.product,
    customer: { org: orgName, contactName: current.contact.name },
    respondBy: current.escalation?.ackDueAt ?? null,
    callbackUrl,
  };
}

/** Records a delivered (or refused) notification on the timeline. */
export function recordNotification(current: Case, delivery: { level: number; webhookId: string; status: number; delivered: boolean }, at: Date): CaseChange {
  return {
    patch: {},
    events: [event(delivery.delivered ? 'partner_notified' : 'partner_notification_refused', at, delivery)],
  };
}

/**
 * The acknowledgement window for `level` passed with no answer: climb one rung of the ladder, or,
 * when the ladder is exhausted, handle the case in house and tell the customer. A stale call (the
 * partner answered meanwhile, or another call already climbed) changes nothing and stops the workflow.
 */
export function ackWindowPassed(current: Case, level: number, partner: Pick<Partner, 'ackTargetsMinutes' | 'escalationLadder'>, at: Date): Result<StepDecision> {
  const held = current.escalation;
  if (current.status !== 'awaiting_partner' || !held) {
    return ok({ change: null, moves: [], instruction: { action: 'stop', reason: `case is ${current.status}`, status: current.status } });
  }
  if (held.level !== level) {
    return ok({ change: null, moves: [], instruction: held.level > level && held.ackDueAt ? wait(held.level, held.ackDueAt, at) : { action: 'stop', reason: 'stale', status: current.status } });
  }
  if (level < partner.escalationLadder.length) {
    const next = level + 1;
    const contact = partner.escalationLadder[level];
    const ackDueAt = addMinutes(at, partnerAckMinutes(current.priority, partner.ackTargetsMinutes)).toISOString();
    return ok({
      change: {
        patch: { escalation: { ...held, level: next, ackDueAt } },
        // Internal: the partner's escalation contacts are not for the customer's eyes.
        events: [event('escalation_level_raised', at, { level: next, contact, ackDueAt })],
      },
      moves: [],
      instruction: wait(next, ackDueAt, at),
    });
  }
  const moved = changeStatus(current, 'in_progress', {
    at,
    actor: SYSTEM,
    reason: 'partner_unresponsive',
    // The customer is told on the public status change itself (DESIGN.md: each message once).
    data: { partnerId: current.partnerId, levelsTried: level + 1, message: PARTNER_UNRESPONSIVE_MESSAGE },
  });
  if (!moved.ok) return moved;
  const now = at.toISOString();
  return ok({
    change: {
      patch: { ...moved.value.patch, escalation: { ...held, outcome: 'ladder_exhausted', endedAt: now, ackDueAt: null } },
      events: [moved.value.event],
    },
    moves: [{ from: 'awaiting_partner', to: 'in_progress' }],
    instruction: { action: 'stop', reason: 'ladder_exhausted', status: 'in_progress' },
  });
}

export const PARTNER_EVENT_TYPES = [
  'collaboration.acknowledged',
  'collaboration.info_requested',
  'collaboration.updated',
  'collaboration.resolved',
  'collaboration.declined',
] as const;
export type PartnerEventType = (typeof PARTNER_EVENT_TYPES)[number];

export interface PartnerEvent {
  type: PartnerEventType;
  partnerTicketId?: string;
  message?: string;
  occurredAt: string;
  webhookId: string;
}

export interface CallbackDecision {
  change: CaseChange;
  moves: StatusMove[];
  /** The escalation workflow is waiting for this answer and must be resumed. */
  resumesWorkflow: boolean;
}

/**
 * What a verified partner callback does to the case. Acknowledging (or asking for information,
 * which implies it) ends the acknowledgement window; declining hands the case back to Customer
 * Care with the partner's reason on the timeline; updates and resolutions need an engaged partner.
 */
export function applyPartnerEvent(current: Case, partnerId: string, partnerEvent: PartnerEvent, at: Date): Result<CallbackDecision> {
  const held = current.escalation;
  if (!held) return fail(domainError('unknown_case', 'No such case is escalated to this partner.'));
  const actor: Actor = { kind: 'partner', id: partnerId };
  const now = at.toISOString();
  const escalation: Escalation = {
    ...held,
    lastPartnerUpdateAt: now,
    partnerTicketId: partnerEvent.partnerTicketId ?? held.partnerTicketId,
  };
  const details = { message: partnerEvent.message, partnerTicketId: partnerEvent.partnerTicketId, occurredAt: partnerEvent.occurredAt, webhookId: partnerEvent.webhookId };
  const waiting = current.status === 'awaiting_partner';
  const endWindow = (outcome: Escalation['outcome']): Partial<Escalation> =>
    waiting ? { outcome, endedAt: now, ackDueAt: null, acknowledgedAt: outcome === 'declined' ? null : now } : {};

  const path = transitionsFor(partnerEvent.type, current.status);
  if (!path) {
    return fail(
      domainError('invalid_transition', `A ${partnerEvent.type} callback does not apply to a case that is ${current.status}.`, {
        details: { status: current.status },
      }),
    );
  }
  let working = current;
  const events: TimelineEvent[] = [];
  const moves: StatusMove[] = [];
  let patch: CaseChange['patch'] = {};
  for (const to of path) {
    const moved = changeStatus(working, to, { at, actor, reason: REASONS[partnerEvent.type], data: details });
    if (!moved.ok) return moved;
    moves.push({ from: working.status, to });
    events.push(moved.value.event);
    patch = { ...patch, ...moved.value.patch };
    working = applyPatch(working, moved.value.patch);
  }
  if (path.length === 0) events.push(event('partner_updated', at, details, false, actor));
  const outcome = partnerEvent.type === 'collaboration.declined' ? 'declined' : partnerEvent.type === 'collaboration.info_requested' ? 'info_requested' : 'acknowledged';
  patch = { ...patch, escalation: { ...escalation, ...endWindow(outcome) } };
  return ok({ change: { patch, events }, moves, resumesWorkflow: waiting && path.length > 0 });
}

/** A partner engaged on a case that has said nothing for this long gets a reminder. */
export const PARTNER_QUIET_NUDGE_MINUTES = 24 * 60;

const REASONS: Record<PartnerEventType, string> = {
  'collaboration.acknowledged': 'partner_acknowledged',
  'collaboration.info_requested': 'partner_requested_information',
  'collaboration.updated': 'partner_updated',
  'collaboration.resolved': 'partner_resolved',
  'collaboration.declined': 'partner_declined',
};

/** The statuses a partner event moves the case through; `[]` records it without a move; `null` refuses it. */
function transitionsFor(type: PartnerEventType, status: Case['status']): Case['status'][] | null {
  switch (type) {
    case 'collaboration.acknowledged':
      return status === 'awaiting_partner' ? ['partner_engaged'] : null;
    case 'collaboration.info_requested':
      if (status === 'awaiting_partner') return ['partner_engaged', 'awaiting_customer'];
      return status === 'partner_engaged' ? ['awaiting_customer'] : null;
    case 'collaboration.updated':
      return status === 'partner_engaged' || status === 'awaiting_customer' ? [] : null;
    case 'collaboration.resolved':
      return status === 'partner_engaged' ? ['resolved'] : null;
    case 'collaboration.declined':
      return status === 'awaiting_partner' || status === 'partner_engaged' ? ['in_progress'] : null;
  }
}
