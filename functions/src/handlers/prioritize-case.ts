import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { decided, publishing } from '../domain/case-change.js';
import { prioritizeStep } from '../domain/triage-steps.js';
import { pubsubStep } from './pubsub-step.js';
import type { StepDeps } from './step-deps.js';

/** `case-classified` → confirm or lower the priority, start the first-response clock → `case-prioritized`. */
export function prioritizeHandler(deps: StepDeps): CloudEventFunction {
  return pubsubStep('prioritize', deps.log, async ({ caseId, trace, outboxId }) => {
    const at = deps.clock.now();
    const prioritized = { topic: 'case-prioritized', type: 'case.prioritized', data: { caseId }, trace };
    const result = await deps.store.updateCase(
      caseId,
      (current) => {
        const decision = decided(prioritizeStep(current, deps.config.firstResponseMinutes, at));
        return { ...decision, change: publishing(decision.change, prioritized) };
      },
      { consumes: outboxId },
    );
    if (!result.found) return { kind: 'unknown_case' };
    if (!result.result.ok) return { kind: 'skipped', reason: result.result.error.message };
    if (!result.case.sla) return { kind: 'skipped', reason: `the case is ${result.case.status}` };
    if (!result.changed) {
      await deps.bus.publish('case-prioritized', prioritized);
      return { kind: 'already_applied' };
    }
    return { kind: 'applied', detail: { priority: result.case.priority, firstResponseDueAt: result.case.sla.firstResponseDueAt } };
  });
}
