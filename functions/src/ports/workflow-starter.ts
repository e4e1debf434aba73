/** Starts workflow executions (Cloud Workflows in production, the local runner in development). */
export interface WorkflowStarter {
  /** Starts one `partner-escalation` execution; resolves to its full name (`projects/…/executions/ID`). */
  startEscalation(argument: { caseId: string; claimId: string; partnerId: string }): Promise<{ executionName: string }>;
}

/** Resumes a waiting execution by calling the callback URL it created. */
export interface WorkflowCallbacks {
  /**
   * Delivers `body` to the callback. `waiting: false` when the execution is not waiting on it (it
   * has not reached its wait yet, or has moved on): the service answers 404 then.
   */
  deliver(callbackUrl: string, body: Record<string, unknown>): Promise<{ waiting: boolean }>;
}
