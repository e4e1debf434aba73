import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { justChange, publishing } from '../domain/case-change.js';
import { classifyCase } from '../domain/triage-classification.js';
import { classifyStep } from '../domain/triage-steps.js';
import { pubsubStep } from './pubsub-step.js';
import type { StepDeps } from './step-deps.js';

/** `case-received` → decide the approach from the partner registry and the workload catalog → `case-classified`. */
export function classifyHandler(deps: StepDeps): CloudEventFunction {
  return pubsubStep('classify', deps.log, async ({ caseId, trace, outboxId }) => {
    const [partners, workloads] = await Promise.all([deps.registry.partners(), deps.registry.workloads()]);
    const at = deps.clock.now();
    const classified = { topic: 'case-classified', type: 'case.classified', data: { caseId }, trace };
    const result = await deps.store.updateCase(
      caseId,
      (current) => justChange(publishing(classifyStep(current, classifyCase(current, partners, workloads), at), classified)),
      { consumes: outboxId },
    );
    if (!result.found) return { kind: 'unknown_case' };
    if (!result.case.triage) return { kind: 'skipped', reason: `the case is ${result.case.status}` };
    if (!result.changed) {
      // Published again when already applied, as every step does: the redelivery may be the repair of a lost publish.
      await deps.bus.publish('case-classified', classified);
      return { kind: 'already_applied' };
    }
    return { kind: 'applied', detail: { approach: result.case.approach, rule: result.case.triage.rule, matched: result.case.triage.matched } };
  });
}
