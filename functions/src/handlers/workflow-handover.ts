import type { Logger } from '../ports/logger.js';
import type { WorkflowCallbacks } from '../ports/workflow-starter.js';

/** Attempts and first delay for handing a partner's answer to the workflow after a transient failure. */
export interface HandoverRetry {
  attempts: number;
  initialDelayMs: number;
}

export const DEFAULT_HANDOVER_RETRY: HandoverRetry = { attempts: 3, initialDelayMs: 100 };

/**
 * Hands the partner's answer to the escalation workflow. The service keeps a callback that arrives
 * before the execution waits, so only a transient failure is retried (briefly: the partner is
 * waiting for our answer); a 404 means the execution has ended. If the hand-over still fails,
 * nothing is lost: the state change is committed, a replay of the same webhook-id hands it over
 * again, and otherwise the acknowledgement timeout finds the partner engaged and stops.
 */
export async function forwardToWorkflow(
  callbacks: WorkflowCallbacks,
  callbackUrl: string,
  body: Record<string, unknown>,
  retry: HandoverRetry = DEFAULT_HANDOVER_RETRY,
  log: Logger,
): Promise<void> {
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    try {
      if (!(await callbacks.deliver(callbackUrl, body)).accepted) log.info('the escalation workflow has already ended');
      return;
    } catch (error) {
      log.warn('handing the answer to the escalation workflow failed', { attempt, error });
    }
    if (attempt < retry.attempts) await new Promise((r) => setTimeout(r, retry.initialDelayMs * 2 ** (attempt - 1)));
  }
}
