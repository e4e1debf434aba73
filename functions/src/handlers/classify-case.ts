import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { justChange } from '../domain/case-change.js';
import { classifyCase } from '../domain/triage-classification.js';
import { classifyStep } from '../domain/triage-steps.js';
import { pubsubStep } from './pubsub-step.js';
import type { StepDeps } from './step-deps.js';

/** `case-received` → decide the approach from the partner registry and the workload catalog → `case-classified`. */
export function classifyHandler(deps: StepDeps): CloudEventFunction {
  return pubsubStep('classify', deps.log, async ({ caseId, trace }) => {
    const [partners, workloads] = await Promise.all([deps.registry.partners(), deps.registry.workloads()]);
    const at = deps.clock.now();
    const result = await deps.store.updateCase(caseId, (current) => justChange(classifyStep(current, classifyCase(current, partners, workloads), at)));
    if (!result.found) return { kind: 'unknown_case' };
    if (!result.case.triage) return { kind: 'skipped', reason: `the case is ${result.case.status}` };
    // Published also when already applied: a crash after the commit must not strand the case.
    await deps.bus.publish('case-classified', { type: 'case.classified', data: { caseId }, trace });
    if (!result.changed) return { kind: 'already_applied' };
    return { kind: 'applied', detail: { approach: result.case.approach, rule: result.case.triage.rule, matched: result.case.triage.matched } };
  });
}
