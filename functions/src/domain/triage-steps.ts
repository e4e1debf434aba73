import { applyPatch, type CaseChange, type StatusMove } from './case-change.js';
import { SYSTEM, type Case, type Priority } from './case-model.js';
import { changeStatus } from './case-state-machine.js';
import { domainError, fail, ok, type Result } from './result.js';
import { startSla, type SlaTable } from './sla-policy.js';
import type { Classification } from './triage-classification.js';

/**
 * The three triage steps as pure decisions on the current case. Each returns `null` when it finds
 * itself already applied (its marker is on the case), so a redelivered message changes nothing:
 * classify's marker is `triage`, prioritize's is `sla`, route's is a status past `received`.
 * The store schedules what comes next (`nextActionAt`) from the case each step leaves behind.
 */

export function classifyStep(current: Case, classification: Classification, at: Date): CaseChange | null {
  if (current.triage || current.status !== 'received') return null;
  const now = at.toISOString();
  return {
    patch: { approach: classification.approach, triage: classification.triage, partnerId: classification.partnerId },
    events: [
      {
        type: 'case_classified',
        at: now,
        actor: SYSTEM,
        data: { approach: classification.approach, rule: classification.triage.rule, matched: classification.triage.matched },
        internal: false,
      },
    ],
  };
}

/** Why the priority is what it is; shown on the timeline. */
export type PriorityReason = 'as_requested' | 'p1_outside_production';

export function decidePriority(requested: Priority, environment: Case['environment']): { priority: Priority; reason: PriorityReason } {
  // P1 means production is unusable; outside production the same symptoms are severe, not critical.
  if (requested === 'P1' && environment !== 'production') return { priority: 'P2', reason: 'p1_outside_production' };
  return { priority: requested, reason: 'as_requested' };
}

export function prioritizeStep(current: Case, table: SlaTable, at: Date): Result<{ change: CaseChange | null }> {
  if (current.sla || current.status !== 'received') return ok({ change: null });
  if (!current.triage) return fail(domainError('not_ready', 'The case has not been classified yet.'));
  const { priority, reason } = decidePriority(current.requestedPriority, current.environment);
  // The clock starts when the customer raised the case, not when triage got to it.
  const sla = startSla(table, current.plan, priority, new Date(current.createdAt));
  if (!sla) return fail(domainError('no_sla_target', `The SLA table has no first-response target for ${current.plan} ${priority}.`));
  const now = at.toISOString();
  return ok({ change: {
    patch: { priority, sla },
    events: [
      {
        type: 'case_prioritized',
        at: now,
        actor: SYSTEM,
        data: { priority, requestedPriority: current.requestedPriority, reason, targetMinutes: sla.targetMinutes, firstResponseDueAt: sla.firstResponseDueAt },
        internal: false,
      },
    ],
  } });
}

/** The queue a case waits in: the partner's desk, the technology's in-house queue, or the vendor-support queue. */
export function queueFor(current: Pick<Case, 'approach' | 'partnerId'>, workloadQueue: string | null): string {
  if (current.approach === 'collaborative') return `partner-${current.partnerId}`;
  if (current.approach === 'workload' && workloadQueue) return workloadQueue;
  if (current.approach === 'workload') return 'workload-general';
  return 'third-party-vendor';
}

export interface Routing {
  change: CaseChange | null;
  moves: StatusMove[];
  /** Collaborative cases go on to the partner escalation. */
  escalate: boolean;
}

export function routeStep(current: Case, queue: string, at: Date): Result<Routing> {
  if (current.status !== 'received') return ok({ change: null, moves: [], escalate: false });
  if (!current.sla || !current.approach) return fail(domainError('not_ready', 'The case has not been prioritized yet.'));
  const toTriaged = changeStatus(current, 'triaged', {
    at,
    actor: SYSTEM,
    reason: 'triage_complete',
    data: { approach: current.approach, queue },
  });
  if (!toTriaged.ok) return toTriaged;
  const triaged = applyPatch(current, toTriaged.value.patch);
  const moves: StatusMove[] = [{ from: current.status, to: 'triaged' }];
  const events = [toTriaged.value.event];
  let patch: CaseChange['patch'] = { ...toTriaged.value.patch, queue };

  // A collaborative case waits in `triaged` for its escalation to start (re-driven if it does not);
  // the others go on to `in_progress`, where the SLA warning is the next thing due.
  const escalate = current.approach === 'collaborative';
  if (!escalate) {
    const reason = current.approach === 'workload' ? 'handled_by_workload_experts' : 'third_party_vendor_support';
    const toWork = changeStatus(triaged, 'in_progress', { at, actor: SYSTEM, reason, data: { queue } });
    if (!toWork.ok) return toWork;
    patch = { ...patch, ...toWork.value.patch };
    events.push(toWork.value.event);
    moves.push({ from: 'triaged', to: 'in_progress' });
  }
  return ok({ change: { patch, events }, moves, escalate });
}
