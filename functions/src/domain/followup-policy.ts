import { z } from 'zod';
import { applyPatch, type CaseChange, type CaseDraft, type StatusMove } from './case-change.js';
import { SYSTEM, type Case, type Escalation, type Sla, type TimelineEvent, type TimelineEventType } from './case-model.js';
import { earliest, outboxDueAt } from './outbox.js';
import { closeMessage, PARTNER_UNRESPONSIVE_MESSAGE, reminderMessage, type CloseReason } from './customer-messages.js';
import { PIPELINE_STEP_TIMEOUT_MINUTES } from './case-intake.js';
import { changeStatus } from './case-state-machine.js';
import { awaitsEscalation, ESCALATION_CLAIM_LEASE_MINUTES, PARTNER_QUIET_NUDGE_MINUTES, partnerWebhookBody, type PartnerWebhookBody } from './partner-escalation.js';
import { addMinutes, SLA_WARNING_FRACTION, slaWarningAt } from './sla-policy.js';

/**
 * What the follow-up sweep does, as pure decisions on one case. Every follow-up has a due time that
 * follows from the case alone, so `nextActionAt` is simply the earliest of them ({@link nextActionAt}),
 * and a follow-up is due when its time has come ({@link dueFollowups}). Applying one changes the case
 * so that it is no longer pending (a flag, a timestamp, a status), which is what makes a second,
 * overlapping tick find nothing to do.
 */

const Minutes = z.number().positive().max(366 * 24 * 60);

const PeriodsShape = z.strictObject({
  /** `awaiting_customer`: remind the customer after this long without a reply. */
  customerReminderMinutes: Minutes,
  /** `awaiting_customer`: close the case after this long without a reply, and tell the customer. */
  customerCloseMinutes: Minutes,
  /** `resolved`: close after this long unless the customer reopens or confirms first. */
  resolvedCloseMinutes: Minutes,
  /** `referred_to_vendor`: close after this long. */
  referredCloseMinutes: Minutes,
  /** `partner_engaged`: nudge a partner that has said nothing for this long (and again after each such period). */
  partnerNudgeMinutes: Minutes,
  /** `received`/`triaged`: a pipeline step that has not happened within this long is re-driven. */
  stepTimeoutMinutes: Minutes,
  /** A case that stays stuck is re-driven with a doubling interval, at most this long. */
  redriveMaxIntervalMinutes: Minutes,
});

/** The follow-up periods, as data. Defaults: {@link DEFAULT_FOLLOWUP_PERIODS}; overridable through config. */
export const FollowupPeriods = PeriodsShape.refine((p) => p.customerReminderMinutes < p.customerCloseMinutes, {
  message: 'the reminder must come before the closure',
  path: ['customerReminderMinutes'],
}).refine((p) => p.redriveMaxIntervalMinutes >= p.stepTimeoutMinutes, {
  message: 'the longest re-drive interval cannot be shorter than the step timeout',
  path: ['redriveMaxIntervalMinutes'],
});
export type FollowupPeriods = z.infer<typeof FollowupPeriods>;

/** A partial override (`TANDEM_FOLLOWUP_PERIODS`): unknown keys are refused, so a typo fails at cold start. */
export const FollowupPeriodsOverride = PeriodsShape.partial();

const DAY = 24 * 60;

/** DESIGN.md's periods. */
export const DEFAULT_FOLLOWUP_PERIODS: FollowupPeriods = {
  customerReminderMinutes: 3 * DAY,
  customerCloseMinutes: 7 * DAY,
  resolvedCloseMinutes: 3 * DAY,
  referredCloseMinutes: 3 * DAY,
  partnerNudgeMinutes: PARTNER_QUIET_NUDGE_MINUTES,
  stepTimeoutMinutes: PIPELINE_STEP_TIMEOUT_MINUTES,
  redriveMaxIntervalMinutes: 60,
};

/** The event a stuck case's step is waiting for; re-publishing it re-drives the step (steps are idempotent). */
export type RedriveTopic = 'case-received' | 'case-classified' | 'case-prioritized' | 'escalation-requested';

/** How long past the acknowledgement deadline an escalation with no workflow activity is given up. */
export const ESCALATION_LOST_GRACE_MINUTES = 30;

/**
 * A follow-up that records an entry of its own is named after it (`sla_breached` is applied as an
 * `sla_breached` event); the others name what they do (a closure and a lost escalation are status changes).
 */
export type Followup =
  | { kind: 'sla_warning' | 'sla_breached' | 'customer_reminded' | 'partner_nudged' | 'escalation_lost'; dueAt: Date }
  | { kind: 'auto_close'; dueAt: Date; reason: CloseReason }
  | { kind: 'redrive'; dueAt: Date; topic: RedriveTopic };
export type FollowupKind = Followup['kind'];

const at = (iso: string): Date => new Date(iso);
const latest = (...isos: (string | null | undefined)[]): string => isos.filter((x): x is string => !!x).sort().at(-1)!;

/** Every follow-up the case has ahead of it (or overdue), with its due time. */
export function pendingFollowups(c: Case, periods: FollowupPeriods): Followup[] {
  if (c.status === 'closed') return [];
  const pending: Followup[] = [...slaFollowups(c.sla)];
  const since = at(c.statusChangedAt);
  switch (c.status) {
    case 'awaiting_customer': {
      const reminded = !!c.customerRemindedAt && c.customerRemindedAt >= c.statusChangedAt;
      if (!reminded) pending.push({ kind: 'customer_reminded', dueAt: addMinutes(since, periods.customerReminderMinutes) });
      pending.push({ kind: 'auto_close', dueAt: addMinutes(since, periods.customerCloseMinutes), reason: 'no_customer_reply' });
      break;
    }
    case 'resolved':
      pending.push({ kind: 'auto_close', dueAt: addMinutes(since, periods.resolvedCloseMinutes), reason: 'closed_after_resolution' });
      break;
    case 'referred_to_vendor':
      pending.push({ kind: 'auto_close', dueAt: addMinutes(since, periods.referredCloseMinutes), reason: 'closed_after_referral' });
      break;
    case 'awaiting_partner':
      // The workflow answers every acknowledgement deadline itself; one this far past it has died
      // (a step failed for good): Customer Care takes the case back rather than leave it waiting.
      if (c.escalation?.ackDueAt) pending.push({ kind: 'escalation_lost', dueAt: addMinutes(at(c.escalation.ackDueAt), ESCALATION_LOST_GRACE_MINUTES) });
      break;
    case 'partner_engaged':
      if (c.escalation) pending.push({ kind: 'partner_nudged', dueAt: addMinutes(at(partnerQuietSince(c, c.escalation)), periods.partnerNudgeMinutes) });
      break;
    case 'received':
    case 'triaged':
    case 'in_progress': {
      const redrive = stuckStep(c, periods);
      if (redrive) pending.push(redrive);
      break;
    }
    default:
      break;
  }
  return pending;
}

/**
 * The first-response clock, only while nobody has responded and the case is not waiting on the
 * customer (a paused clock has no due time: resuming moves it by the time spent waiting).
 */
function slaFollowups(sla: Sla | null): Followup[] {
  if (!sla || sla.firstRespondedAt || sla.pausedSince || sla.breached) return [];
  const breach: Followup = { kind: 'sla_breached', dueAt: at(sla.firstResponseDueAt) };
  return sla.warned ? [breach] : [{ kind: 'sla_warning', dueAt: slaWarningAt(sla) }, breach];
}

/** A partner is quiet since the latest of: being engaged, its last update, our last nudge. */
function partnerQuietSince(c: Case, escalation: Escalation): string {
  return latest(c.statusChangedAt, escalation.acknowledgedAt, escalation.lastPartnerUpdateAt, escalation.lastNudgedAt);
}

/**
 * A case in an automatic step longer than the step should take: its step's event is re-published.
 * The wait since the case last moved (`updatedAt`: a step, or the last re-drive) doubles with how long
 * the case has been stuck, from the step timeout up to `redriveMaxIntervalMinutes`, so a case that
 * cannot progress is retried a few times an hour, not every minute.
 */
function stuckStep(c: Case, periods: FollowupPeriods): Followup | null {
  // Stuck since the step became due: the status change, or an engineer's escalation request.
  const since = c.status === 'in_progress' && c.escalationRequest ? c.escalationRequest.requestedAt : c.statusChangedAt;
  const redrive = (topic: RedriveTopic, lastMove: string, minMinutes: number): Followup => {
    const stuckMinutes = (Date.parse(lastMove) - Date.parse(since)) / 60_000;
    const wait = Math.min(Math.max(stuckMinutes, minMinutes), Math.max(periods.redriveMaxIntervalMinutes, minMinutes));
    return { kind: 'redrive', dueAt: addMinutes(at(lastMove), wait), topic };
  };
  if (c.status === 'received') {
    const topic: RedriveTopic = !c.triage ? 'case-received' : !c.sla ? 'case-classified' : 'case-prioritized';
    return redrive(topic, c.updatedAt, periods.stepTimeoutMinutes);
  }
  // Only a collaborative case rests in `triaged` (route moves the others on in the same transaction),
  // and only an engineer's escalation request keeps an in-progress case waiting on a step.
  if (!awaitsEscalation(c)) return null;
  const held = c.escalation?.outcome ? null : c.escalation;
  if (!held) return redrive('escalation-requested', c.updatedAt, periods.stepTimeoutMinutes);
  // A claim may be taken over once its lease has passed; one with an execution is the workflow's to finish.
  if (!held.executionId) return redrive('escalation-requested', latest(held.claimedAt, c.updatedAt), Math.max(periods.stepTimeoutMinutes, ESCALATION_CLAIM_LEASE_MINUTES));
  return null;
}

/**
 * When the follow-up sweep should next look at the case: the earliest pending follow-up or outbox
 * entry not taken up in time (outbox.ts), or `null` when there is none (a closed case, or one whose
 * clocks have all run). The store sets it on every write from the case as written, so no step can
 * leave a case without its follow-ups.
 */
export function nextActionAt(c: Case, periods: FollowupPeriods): string | null {
  const times = pendingFollowups(c, periods).map((f) => f.dueAt.getTime());
  return earliest(times.length ? new Date(Math.min(...times)).toISOString() : null, outboxDueAt(c.outbox));
}

/**
 * The follow-ups due at `now`. When a tick comes late enough for two to be due at once, the later
 * one stands for both: a breach needs no warning before it, and a closure (which tells the customer)
 * no reminder.
 */
export function dueFollowups(c: Case, now: Date, periods: FollowupPeriods): Followup[] {
  const due = pendingFollowups(c, periods).filter((f) => f.dueAt.getTime() <= now.getTime());
  const has = (kind: FollowupKind) => due.some((f) => f.kind === kind);
  return due.filter((f) => !(f.kind === 'sla_warning' && has('sla_breached')) && !(f.kind === 'customer_reminded' && has('auto_close')));
}

/** How the partner answered a nudge webhook, sent before the decision (so a failure is retried next tick). */
export interface NudgeDelivery {
  webhookId: string;
  /** The partner's HTTP status, or 0 for no answer. */
  status: number;
  /** 0, 429 and 5xx: the nudge stays due and the next tick tries again. */
  retryable: boolean;
  /** Why no request went out (an unknown partner); recorded as refused. */
  reason?: string;
}

/**
 * The partner nudge: the outbound webhook of DESIGN.md with type `collaboration.reminder` (an addition
 * to `requested` and `escalated`), `quietSince` (the partner's last word, or its engagement) and
 * `respondBy` (when the next reminder would go). The ID is the same for every attempt at one nudge,
 * so a partner that receives it twice (a retry, or two overlapping ticks) can drop the copy.
 */
export function partnerNudge(current: Case, caseId: string, orgName: string, callbackUrl: string, now: Date, periods: FollowupPeriods): { webhookId: string; body: PartnerWebhookBody } | null {
  const nudge = pendingFollowups(current, periods).find((f) => f.kind === 'partner_nudged');
  if (!nudge || !current.escalation) return null;
  const dueAt = nudge.dueAt.toISOString();
  return {
    webhookId: `${caseId}.reminder-${dueAt.replace(/[-:.]/g, '')}`,
    body: {
      ...partnerWebhookBody(current, caseId, orgName, callbackUrl),
      type: 'collaboration.reminder',
      quietSince: partnerQuietSince(current, current.escalation),
      respondBy: addMinutes(now, periods.partnerNudgeMinutes).toISOString(),
    },
  };
}

/** A `case-updated` notification other than a status change. */
export type FollowupNotice = 'sla_warning' | 'sla_breached' | 'customer_reminded';

export interface FollowupDecision {
  change: CaseChange;
  /** The follow-ups applied, in order; empty when only `nextActionAt` was brought up to date. */
  applied: FollowupKind[];
  moves: StatusMove[];
  notices: FollowupNotice[];
  redrive: RedriveTopic | null;
}

const event = (type: TimelineEventType, when: string, data: Record<string, unknown>, internal: boolean): TimelineEvent => ({ type, at: when, actor: SYSTEM, data, internal });

/** The period after which each automatic closure comes, which its message names. */
const CLOSE_AFTER_MINUTES: Record<CloseReason, (p: FollowupPeriods) => number> = {
  no_customer_reply: (p) => p.customerCloseMinutes,
  closed_after_resolution: (p) => p.resolvedCloseMinutes,
  closed_after_referral: (p) => p.referredCloseMinutes,
};

/**
 * Applies whatever is due on the case as one change: one version, one event per follow-up. `null`
 * when nothing is due and `nextActionAt` is already right (another tick got here first). Runs inside
 * the store's transaction, on the case as it is now, so it acts only on what is still due.
 */
export function decideFollowups(current: Case, now: Date, periods: FollowupPeriods, options: { nudge?: NudgeDelivery } = {}): FollowupDecision | null {
  const when = now.toISOString();
  const events: TimelineEvent[] = [];
  const applied: FollowupKind[] = [];
  const moves: StatusMove[] = [];
  const notices: FollowupNotice[] = [];
  let redrive: RedriveTopic | null = null;
  let working: Case = current;
  let patch: CaseChange['patch'] = {};
  const apply = (fields: Partial<CaseDraft>) => {
    working = applyPatch(working, fields);
    patch = { ...patch, ...fields };
  };

  for (const due of dueFollowups(current, now, periods)) {
    const sla = working.sla;
    const eventsBefore = events.length;
    switch (due.kind) {
      case 'sla_warning':
        if (!sla) break;
        apply({ sla: { ...sla, warned: true } });
        events.push(event('sla_warning', when, { firstResponseDueAt: sla.firstResponseDueAt, targetMinutes: sla.targetMinutes, fraction: SLA_WARNING_FRACTION, priority: current.priority, queue: current.queue }, true));
        notices.push('sla_warning');
        break;
      case 'sla_breached':
        if (!sla) break;
        apply({ sla: { ...sla, warned: true, breached: true } });
        // The internal escalation: the duty manager is told through `case-updated` (notify).
        events.push(event('sla_breached', when, { firstResponseDueAt: sla.firstResponseDueAt, targetMinutes: sla.targetMinutes, pausedMinutes: sla.pausedMinutes, priority: current.priority, queue: current.queue, escalatedTo: 'duty_manager' }, true));
        notices.push('sla_breached');
        break;
      case 'customer_reminded':
        apply({ customerRemindedAt: when });
        {
          const closesAt = addMinutes(new Date(current.statusChangedAt), periods.customerCloseMinutes).toISOString();
          events.push(event('customer_reminded', when, { message: reminderMessage(closesAt), awaitingSince: current.statusChangedAt, closesAt }, false));
        }
        notices.push('customer_reminded');
        break;
      case 'auto_close': {
        // The customer is told by the public status change, which carries the message, and its `case-updated`
        // notification: one event, not two, as a whole case has a budget of 30 writes.
        const message = closeMessage(due.reason, CLOSE_AFTER_MINUTES[due.reason](periods));
        const moved = changeStatus(working, 'closed', { at: now, actor: SYSTEM, reason: due.reason, data: { since: current.statusChangedAt, message } });
        if (!moved.ok) break;
        apply(moved.value.patch);
        events.push(moved.value.event);
        moves.push({ from: current.status, to: 'closed' });
        break;
      }
      case 'partner_nudged': {
        const nudge = options.nudge;
        const held = working.escalation;
        // Not sent, or the partner is unavailable: it stays due, and the next tick tries again.
        if (!nudge || nudge.retryable || !held) break;
        const delivered = nudge.status >= 200 && nudge.status < 300;
        apply({ escalation: { ...held, lastNudgedAt: when } });
        events.push(
          event(delivered ? 'partner_nudged' : 'partner_nudge_refused', when, {
            webhookId: nudge.webhookId,
            status: nudge.status,
            quietSince: partnerQuietSince(current, held),
            ...(nudge.reason ? { reason: nudge.reason } : {}),
          }, true),
        );
        break;
      }
      case 'escalation_lost': {
        const held = working.escalation;
        const moved = changeStatus(working, 'in_progress', {
          at: now,
          actor: SYSTEM,
          reason: 'escalation_lost',
          data: { partnerId: current.partnerId, ackDueAt: held?.ackDueAt, message: PARTNER_UNRESPONSIVE_MESSAGE },
        });
        if (!moved.ok || !held) break;
        apply({ ...moved.value.patch, escalation: { ...held, outcome: 'ladder_exhausted', endedAt: when, ackDueAt: null } });
        events.push(moved.value.event);
        moves.push({ from: current.status, to: 'in_progress' });
        break;
      }
      case 'redrive':
        redrive = due.topic;
        events.push(event('step_redriven', when, { topic: due.topic, status: current.status, stuckSince: current.statusChangedAt, lastMoved: current.updatedAt }, true));
        break;
    }
    if (events.length > eventsBefore) applied.push(due.kind);
  }

  // Nothing due, but the schedule is stale (the periods changed, or the case was written before the
  // store scheduled it): an empty change, on which the store writes the right `nextActionAt`.
  if (applied.length === 0 && nextActionAt(working, periods) === current.nextActionAt) return null;
  return { change: { patch, events }, applied, moves, notices, redrive };
}
