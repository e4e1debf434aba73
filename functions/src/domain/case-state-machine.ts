import type { CaseDraft } from './case-change.js';
import type { Actor, Case, CaseStatus, Sla, TimelineEvent } from './case-model.js';
import { domainError, fail, ok, type Result } from './result.js';

/**
 * Every status change of DESIGN.md, and nothing else. `awaiting_customer` may also go back to the
 * status it came from (kept on the case as `resumeStatus`), and any open status may be closed
 * (the customer withdraws): both are handled in {@link allowedTargets}.
 */
export const TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  received: ['triaged'],
  triaged: ['awaiting_partner', 'in_progress'],
  awaiting_partner: ['partner_engaged', 'in_progress'],
  partner_engaged: ['awaiting_customer', 'resolved', 'in_progress'],
  in_progress: ['awaiting_customer', 'resolved', 'referred_to_vendor', 'awaiting_partner'],
  awaiting_customer: ['closed'],
  resolved: ['closed', 'in_progress'],
  referred_to_vendor: ['closed'],
  closed: [],
};

export const isOpen = (status: CaseStatus): boolean => status !== 'closed';

/**
 * Reaching one of these is a response the customer hears: a partner engaged on their case, a
 * question for them, a resolution, or a referral to the vendor. The first time a case reaches one,
 * `sla.firstRespondedAt` is set and the first-response clock stops (no warning or breach after it).
 * Moving to `in_progress` is not one: routing does it before anyone has answered.
 */
export const FIRST_RESPONSE_STATUSES: readonly CaseStatus[] = ['partner_engaged', 'awaiting_customer', 'resolved', 'referred_to_vendor'];

/** The statuses `current` may move to, given where an `awaiting_customer` case came from. */
export function allowedTargets(current: CaseStatus, resumeStatus: CaseStatus | null): CaseStatus[] {
  const targets = new Set(TRANSITIONS[current]);
  if (current === 'awaiting_customer' && resumeStatus) targets.add(resumeStatus);
  if (isOpen(current)) targets.add('closed');
  return [...targets];
}

export interface StatusChangeContext {
  at: Date;
  actor: Actor;
  /** Why, in a word or two (`partner_acknowledged`, `customer_withdrew` …); shown on the timeline. */
  reason: string;
  data?: Record<string, unknown>;
  internal?: boolean;
}

export interface StatusChange {
  /** Fields to write on the case (the store adds `version`, `updatedAt` and `nextActionAt`). */
  patch: Partial<CaseDraft> & Pick<Case, 'status' | 'statusChangedAt'>;
  event: TimelineEvent;
}

/**
 * Decides whether `current` may move to `to` and, if so, what to write: the new status, the
 * clock bookkeeping (time in `awaiting_customer` pauses the SLA clock by moving its due time; the
 * first response stops it, see {@link FIRST_RESPONSE_STATUSES}) and the timeline event. Pure: the caller applies the patch in a transaction.
 */
export function changeStatus(current: Case, to: CaseStatus, ctx: StatusChangeContext): Result<StatusChange> {
  const from = current.status;
  if (!allowedTargets(from, current.resumeStatus).includes(to)) {
    return fail(
      domainError('invalid_transition', `A case that is ${from} cannot become ${to}.`, {
        details: { status: from, requested: to },
      }),
    );
  }
  const at = ctx.at.toISOString();
  const patch: StatusChange['patch'] = { status: to, statusChangedAt: at };
  let sla = current.sla;
  if (to === 'awaiting_customer') {
    patch.resumeStatus = from;
    if (sla) sla = pauseSla(sla, ctx.at);
  } else if (from === 'awaiting_customer') {
    patch.resumeStatus = null;
    if (sla) sla = resumeSla(sla, ctx.at);
  }
  if (sla && !sla.firstRespondedAt && FIRST_RESPONSE_STATUSES.includes(to)) sla = { ...sla, firstRespondedAt: at };
  if (sla !== current.sla) patch.sla = sla;
  const event: TimelineEvent = {
    type: 'status_changed',
    at,
    actor: ctx.actor,
    data: { from, to, reason: ctx.reason, ...ctx.data },
    internal: ctx.internal ?? false,
  };
  return ok({ patch, event });
}

function pauseSla(sla: Sla, at: Date): Sla {
  return sla.pausedSince ? sla : { ...sla, pausedSince: at.toISOString() };
}

/** Resuming pushes the due time back by the time spent waiting on the customer. */
function resumeSla(sla: Sla, at: Date): Sla {
  if (!sla.pausedSince) return sla;
  const pausedMs = Math.max(0, at.getTime() - Date.parse(sla.pausedSince));
  return {
    ...sla,
    pausedSince: null,
    pausedMinutes: sla.pausedMinutes + pausedMs / 60_000,
    firstResponseDueAt: new Date(Date.parse(sla.firstResponseDueAt) + pausedMs).toISOString(),
  };
}
