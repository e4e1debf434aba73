import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { decided, publishing } from '../domain/case-change.js';
import { queueFor, routeStep } from '../domain/triage-steps.js';
import { pubsubStep } from './pubsub-step.js';
import type { StepDeps } from './step-deps.js';

/**
 * `case-prioritized` → assign the queue and move the case to `triaged`, then to `in_progress`
 * (workload, third-party vendor) or on to the partner escalation (`escalation-requested`).
 */
export function routeHandler(deps: StepDeps): CloudEventFunction {
  return pubsubStep('route', deps.log, async ({ caseId, trace, outboxId }) => {
    const workloads = await deps.registry.workloads();
    const at = deps.clock.now();
    const escalation = (partnerId: string | null) => ({ topic: 'escalation-requested', type: 'escalation.requested', data: { caseId, partnerId }, trace });
    const result = await deps.store.updateCase(
      caseId,
      (current) => {
        const workloadQueue = workloads.find((w) => w.id === current.triage?.matched?.id)?.record.queue ?? null;
        const decision = decided(routeStep(current, queueFor(current, workloadQueue), at));
        const escalate = decision.result.ok && decision.result.value.escalate;
        return escalate ? { ...decision, change: publishing(decision.change, escalation(current.partnerId)) } : decision;
      },
      { consumes: outboxId },
    );
    if (!result.found) return { kind: 'unknown_case' };
    if (!result.result.ok) return { kind: 'skipped', reason: result.result.error.message };
    const routed = result.case;
    if (routed.status === 'received') return { kind: 'skipped', reason: 'the case is still received' };
    if (!result.changed) {
      // Re-published while the case still waits for its escalation to start; escalate is idempotent.
      if (routed.approach === 'collaborative' && routed.status === 'triaged') await deps.bus.publish('escalation-requested', escalation(routed.partnerId));
      return { kind: 'already_applied' };
    }
    return { kind: 'applied', detail: { status: routed.status, queue: routed.queue } };
  });
}
