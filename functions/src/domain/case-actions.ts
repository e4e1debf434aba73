import { z } from 'zod';
import { applyPatch, type CaseChange, type StatusMove } from './case-change.js';
import { actorOf, type Caller, type Role } from './caller.js';
import { DocumentId, Priority, requiredText, VendorContact, type Actor, type Case, type CaseStatus, type TimelineEvent, type TimelineEventType } from './case-model.js';
import { ACTION_ROLES, actionApplies } from './action-availability.js';
import { changeStatus } from './case-state-machine.js';
import { applyPartnerEvent, type PartnerEventType } from './partner-escalation.js';
import { domainError, fail, ok, type Result } from './result.js';
import { startSla, type SlaTable } from './sla-policy.js';

/**
 * What people do to a case (`POST /cases/{caseId}/actions`), as pure decisions. Each action is one
 * change through the state machine with one timeline event whose actor is the person; the partner's
 * actions are the signed callbacks' own decisions (partner-escalation.ts), so a partner at the desk
 * and a partner's integration cannot disagree.
 */

const Message = requiredText('Write a message', 10_000, 'Keep the message to 10,000 characters');
const OptionalMessage = Message.optional();
const PartnerTicketId = requiredText('Enter your ticket number, or leave it out', 200, 'Keep the ticket number to 200 characters').optional();
const ExpectedVersion = z.number().int().positive('A version is a positive whole number').optional();

const action = <A extends string, S extends z.ZodRawShape>(name: A, shape: S) =>
  z.strictObject({ action: z.literal(name), expectedVersion: ExpectedVersion, ...shape });

/** Every action with what it takes. Unknown fields are refused, so a typo is an error, not ignored. */
export const CaseActionRequest = z.discriminatedUnion('action', [
  action('reply', { message: Message }),
  action('add_note', { message: Message }),
  action('assign', {
    // The address notify tells the assignee at; without it their notices go to the case's queue.
    assignee: z.strictObject({ uid: z.string().min(1).max(128), name: requiredText('Enter the name of the engineer to assign', 200), email: z.email('Enter a valid email address').max(320).optional() }).optional(),
  }),
  action('set_priority', { priority: Priority, message: Message }),
  action('request_info', { message: Message }),
  action('resolve', { message: Message }),
  action('refer_to_vendor', { vendorContact: VendorContact, message: Message }),
  action('escalate_to_partner', { partnerId: DocumentId.optional(), message: OptionalMessage }),
  action('acknowledge', { partnerTicketId: PartnerTicketId, message: OptionalMessage }),
  action('update', { message: Message, partnerTicketId: PartnerTicketId }),
  action('decline', { message: Message }),
  action('withdraw', { message: OptionalMessage }),
  action('confirm_resolution', { message: OptionalMessage }),
  action('reopen', { message: Message }),
]);
export type CaseActionRequest = z.infer<typeof CaseActionRequest>;
export type CaseActionName = CaseActionRequest['action'];
export const CASE_ACTIONS = CaseActionRequest.options.map((o) => o.shape.action.value) as CaseActionName[];


/** The partner callback each partner action is. */
const PARTNER_EVENTS: Partial<Record<CaseActionName, PartnerEventType>> = {
  acknowledge: 'collaboration.acknowledged',
  update: 'collaboration.updated',
  decline: 'collaboration.declined',
  request_info: 'collaboration.info_requested',
  resolve: 'collaboration.resolved',
};

export interface ActionContext {
  caller: Caller & { role: Role };
  at: Date;
  /** The first-response table (set_priority recomputes the due time). */
  firstResponseMinutes: SlaTable;
  /** Whether a partner is registered (escalate_to_partner). */
  partnerExists: (partnerId: string) => boolean;
  /** A stable ID for the action's partner event (the Idempotency-Key's receipt, or a fresh one). */
  actionId: string;
}

export interface ActionDecision {
  change: CaseChange;
  moves: StatusMove[];
  /** escalate_to_partner: the partner to publish `escalation-requested` for. */
  escalateTo: string | null;
  /** A partner's answer the waiting escalation workflow must be handed (acknowledge, decline, …). */
  resumesWorkflow: boolean;
  /** A partner's action: the callback type it is, which a waiting workflow is handed. */
  partnerEvent: PartnerEventType | null;
}

const refusedStatus = (c: Case, name: CaseActionName) =>
  fail(domainError('invalid_transition', `A case that is ${c.status.replaceAll('_', ' ')} cannot take ${name.replaceAll('_', ' ')}.`, { details: { status: c.status } }));

const entry = (type: TimelineEventType, actor: Actor, at: Date, data: Record<string, unknown>, internal: boolean): TimelineEvent => ({
  type,
  at: at.toISOString(),
  actor,
  data,
  internal,
});

const only = (change: CaseChange, moves: StatusMove[] = []): Result<ActionDecision> => ok({ change, moves, escalateTo: null, resumesWorkflow: false, partnerEvent: null });

/**
 * Decides one action on the case as it is. The caller has already been found able to see the case;
 * here it is checked that its role may take the action, that the case's status allows it, and that
 * the console was not stale (`expectedVersion`).
 */
export function decideAction(current: Case, request: CaseActionRequest, ctx: ActionContext): Result<ActionDecision> {
  const { caller, at } = ctx;
  if (!ACTION_ROLES[request.action].includes(caller.role)) {
    return fail(domainError('forbidden', `A ${caller.role} cannot ${request.action.replaceAll('_', ' ')} a case.`, { details: { action: request.action } }));
  }
  if (request.expectedVersion !== undefined && request.expectedVersion !== current.version) {
    return fail(
      domainError('version_conflict', 'The case has changed since you loaded it. Reload it and try again.', {
        details: { version: current.version, expectedVersion: request.expectedVersion, status: current.status },
      }),
    );
  }
  const actor = actorOf(caller);
  const partnerEvent = PARTNER_EVENTS[request.action];
  if (caller.role === 'partner' && partnerEvent) return partnerAction(current, request, partnerEvent, ctx);
  if (!actionApplies(caller.role, request.action, current.status)) return refusedStatus(current, request.action);

  const move = (to: CaseStatus, reason: string, data: Record<string, unknown>) => {
    const moved = changeStatus(current, to, { at, actor, reason, data });
    if (!moved.ok) return moved;
    return only({ patch: moved.value.patch, events: [moved.value.event] }, [{ from: current.status, to }]);
  };

  switch (request.action) {
    case 'reply': {
      // The customer's answer to a question resumes the case where it was.
      if (caller.role === 'customer' && current.status === 'awaiting_customer' && current.resumeStatus) {
        return move(current.resumeStatus, 'customer_replied', { message: request.message });
      }
      const patch: CaseChange['patch'] = {};
      // An engineer's public reply is the first response.
      if (caller.role === 'engineer' && current.sla && !current.sla.firstRespondedAt) patch.sla = { ...current.sla, firstRespondedAt: at.toISOString() };
      return only({ patch, events: [entry('reply_posted', actor, at, { message: request.message }, false)] });
    }
    case 'add_note':
      return only({ patch: {}, events: [entry('note_added', actor, at, { message: request.message }, true)] });
    case 'assign': {
      const assignee = request.assignee ?? { uid: caller.uid, name: caller.name, ...(caller.email ? { email: caller.email } : {}) };
      return only({ patch: {}, events: [entry('case_assigned', actor, at, { assignee }, true)], internal: { assignee } });
    }
    case 'set_priority': {
      const sla = current.sla ? resetClock(current, request.priority, ctx) : null;
      if (current.sla && !sla) return fail(domainError('invalid_request', `There is no first-response target for ${request.priority} on this plan.`, { issues: [{ path: 'priority', message: 'Choose a priority this plan has a target for' }] }));
      return only({
        patch: { priority: request.priority, ...(sla ? { sla } : {}) },
        events: [entry('priority_changed', actor, at, { from: current.priority, to: request.priority, message: request.message, firstResponseDueAt: sla?.firstResponseDueAt ?? null }, false)],
      });
    }
    case 'request_info':
      return move('awaiting_customer', 'information_requested', { message: request.message });
    case 'resolve':
      return move('resolved', 'engineer_resolved', { message: request.message });
    case 'refer_to_vendor': {
      const moved = changeStatus(current, 'referred_to_vendor', {
        at,
        actor,
        reason: 'referred_to_vendor',
        data: { vendorContact: request.vendorContact, message: request.message },
      });
      if (!moved.ok) return moved;
      const referral = { vendorContact: request.vendorContact, message: request.message, referredAt: at.toISOString() };
      return only({ patch: { ...moved.value.patch, referral }, events: [moved.value.event] }, [{ from: current.status, to: 'referred_to_vendor' }]);
    }
    case 'escalate_to_partner': {
      if (current.escalationRequest) return fail(domainError('invalid_transition', 'An escalation to a partner is already on its way.', { details: { status: current.status } }));
      const matched = current.triage?.matched?.kind === 'partner' ? current.triage.matched.id : null;
      const partnerId = request.partnerId ?? matched;
      if (!partnerId) {
        return fail(domainError('invalid_request', 'Name the partner to escalate to: triage matched none.', { issues: [{ path: 'partnerId', message: 'Choose the technology partner' }] }));
      }
      if (!ctx.partnerExists(partnerId)) {
        return fail(domainError('invalid_request', `No technology partner ${partnerId} is registered.`, { issues: [{ path: 'partnerId', message: 'Choose a registered technology partner' }] }));
      }
      const escalationRequest = { partnerId, requestedAt: at.toISOString(), requestedBy: actor };
      return ok({
        change: {
          // An earlier collaboration (a partner that resolved before the customer reopened) is over: its
          // story stays on the timeline, and no partner reads the case until the new escalation is claimed.
          patch: { partnerId, escalationRequest, escalation: null },
          events: [entry('escalation_requested', actor, at, { partnerId, ...(request.message ? { message: request.message } : {}) }, true)],
        },
        moves: [],
        escalateTo: partnerId,
        resumesWorkflow: false,
        partnerEvent: null,
      });
    }
    case 'withdraw':
      return move('closed', 'customer_withdrew', request.message ? { message: request.message } : {});
    case 'confirm_resolution':
      return move('closed', 'customer_confirmed_resolution', request.message ? { message: request.message } : {});
    case 'reopen':
      return move('in_progress', 'customer_reopened', { message: request.message });
    case 'acknowledge':
    case 'update':
    case 'decline':
      // Only partners reach these (ACTION_ROLES), through partnerAction above.
      return fail(domainError('forbidden', 'Only the partner can answer for itself.'));
  }
}

/** A partner at the desk: exactly what the matching signed callback does. */
function partnerAction(current: Case, request: CaseActionRequest, type: PartnerEventType, ctx: ActionContext): Result<ActionDecision> {
  if (current.partnerAccess !== ctx.caller.partnerId || !ctx.caller.partnerId) return fail(domainError('unknown_case', 'No such case is escalated to you.'));
  const message = 'message' in request ? request.message : undefined;
  const partnerTicketId = 'partnerTicketId' in request ? request.partnerTicketId : undefined;
  const decided = applyPartnerEvent(current, ctx.caller.partnerId, { type, message, partnerTicketId, occurredAt: ctx.at.toISOString(), webhookId: ctx.actionId }, ctx.at);
  if (!decided.ok) return decided;
  const actor = actorOf(ctx.caller);
  // The desk's user is named on the timeline (a callback names only the partner).
  const events = decided.value.change.events.map((e) => ({ ...e, actor }));
  return ok({ change: { ...decided.value.change, events }, moves: decided.value.moves, escalateTo: null, resumesWorkflow: decided.value.resumesWorkflow, partnerEvent: type });
}

/**
 * The first-response clock for a new priority, counted from when the customer raised the case, with
 * the time already spent waiting on the customer added. A clock that has stopped (a first response
 * was given) stays stopped; warnings and breaches start again only if the new due time is ahead.
 */
function resetClock(current: Case, priority: Case['priority'], ctx: ActionContext): Case['sla'] {
  const sla = current.sla!;
  const fresh = startSla(ctx.firstResponseMinutes, current.plan, priority, new Date(current.createdAt));
  if (!fresh) return null;
  const dueAt = new Date(Date.parse(fresh.firstResponseDueAt) + sla.pausedMinutes * 60_000);
  // Only a running clock starts over: once stopped, its warning and breach stay on record.
  const restarts = !sla.firstRespondedAt && dueAt.getTime() > ctx.at.getTime();
  return {
    ...sla,
    targetMinutes: fresh.targetMinutes,
    firstResponseDueAt: dueAt.toISOString(),
    warned: restarts ? false : sla.warned,
    breached: restarts ? false : sla.breached,
  };
}

/** The case as the decision leaves it (before the store's fields): for tests and for chaining. */
export const afterAction = (current: Case, decision: ActionDecision): Case => applyPatch(current, decision.change.patch);
