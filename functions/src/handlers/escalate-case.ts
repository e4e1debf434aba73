import { randomUUID } from 'node:crypto';
import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { justChange } from '../domain/case-change.js';
import { claimEscalation, releaseClaim } from '../domain/partner-escalation.js';
import type { WorkflowStarter } from '../ports/workflow-starter.js';
import { pubsubStep } from './pubsub-step.js';
import type { StepDeps } from './step-deps.js';

export interface EscalateDeps extends StepDeps {
  workflows: WorkflowStarter;
}

/**
 * `escalation-requested` → one `partner-escalation` execution per escalation. A transaction claims
 * the escalation first, so of two concurrent deliveries only one starts an execution; the other
 * (and any redelivery) finds the claim and stops. If the start fails, the claim is released and the
 * error thrown, so Pub/Sub redelivers and the next delivery claims again. If the claimant crashes
 * after starting the execution, the execution still records itself through its claim ID.
 */
export function escalateHandler(deps: EscalateDeps): CloudEventFunction {
  return pubsubStep('escalate', deps.log, async ({ caseId, outboxId }) => {
    const claimId = randomUUID();
    // The claim discharges the message's outbox entry: from here Pub/Sub's redelivery owns the retry.
    const claimed = await deps.store.updateCase(caseId, (current) => justChange(claimEscalation(current, claimId, deps.clock.now())), { consumes: outboxId });
    if (!claimed.found) return { kind: 'unknown_case' };
    if (!claimed.changed) {
      const held = claimed.case.escalation;
      if (held?.executionId) return { kind: 'already_applied' };
      if (held) return { kind: 'skipped', reason: 'another delivery holds the claim and is starting the execution' };
      return { kind: 'skipped', reason: `the case is ${claimed.case.status} (${claimed.case.approach ?? 'unclassified'})` };
    }
    try {
      const { executionName } = await deps.workflows.startEscalation({ caseId, claimId, partnerId: claimed.case.partnerId! });
      // The execution records itself on the case in its first step (escalationSteps `start`, a transaction):
      // recording it here as well would only contend with that transaction on the same document.
      return { kind: 'applied', detail: { executionName, partnerId: claimed.case.partnerId } };
    } catch (error) {
      await deps.store.updateCase(caseId, (current) => justChange(releaseClaim(current, claimId)));
      throw error;
    }
  });
}
