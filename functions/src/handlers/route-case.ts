import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { decided } from '../domain/case-change.js';
import { queueFor, routeStep } from '../domain/triage-steps.js';
import { pubsubStep } from './pubsub-step.js';
import { publishCaseUpdated, type StepDeps } from './step-deps.js';

/**
 * `case-prioritized` → assign the queue and move the case to `triaged`, then to `in_progress`
 * (workload, third-party vendor) or on to the partner escalation (`escalation-requested`).
 */
export function routeHandler(deps: StepDeps): CloudEventFunction {
  return pubsubStep('route', deps.log, async ({ caseId, trace }) => {
    const workloads = await deps.registry.workloads();
    const at = deps.clock.now();
    const result = await deps.store.updateCase(caseId, (current) => {
      const workloadQueue = workloads.find((w) => w.id === current.triage?.matched?.id)?.record.queue ?? null;
      return decided(routeStep(current, queueFor(current, workloadQueue), at));
    });
    if (!result.found) return { kind: 'unknown_case' };
    if (!result.result.ok) return { kind: 'skipped', reason: result.result.error.message };
    const { moves, escalate } = result.result.value;
    const routed = result.case;
    if (routed.status === 'received') return { kind: 'skipped', reason: 'the case is still received' };

    const updates = result.changed
      ? moves.map((move) => ({ status: move.to, version: routed.version, from: move.from }))
      : [{ status: routed.status, version: routed.version, from: undefined }];
    // Re-published while the case still waits for its escalation to start; escalate is idempotent.
    const requestEscalation = escalate || (!result.changed && routed.approach === 'collaborative' && routed.status === 'triaged');
    await Promise.all([
      ...updates.map((u) => publishCaseUpdated(deps.bus, u, caseId, trace, u.from)),
      requestEscalation
        ? deps.bus.publish('escalation-requested', { type: 'escalation.requested', data: { caseId, partnerId: routed.partnerId }, trace })
        : undefined,
    ]);
    if (!result.changed) return { kind: 'already_applied' };
    return { kind: 'applied', detail: { status: routed.status, queue: routed.queue } };
  });
}
