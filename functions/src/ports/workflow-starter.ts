/** Starts workflow executions (Cloud Workflows in production, the local runner in development). */
export interface WorkflowStarter {
  /** Starts one `partner-escalation` execution; resolves to its full name (`projects/…/executions/ID`). */
  startEscalation(argument: { caseId: string; claimId: string; partnerId: string }): Promise<{ executionName: string }>;
}

/** Resumes a waiting execution by calling the callback URL it created. */
export interface WorkflowCallbacks {
  /**
   * Delivers `body` to the callback. The service keeps a request that arrives before the execution
   * waits (the callback's `availablePayloads`), so `accepted: false` (its 404) means the execution
   * has ended or the callback is gone. Throws on anything else (a transient failure).
   */
  deliver(callbackUrl: string, body: Record<string, unknown>): Promise<{ accepted: boolean }>;
}
