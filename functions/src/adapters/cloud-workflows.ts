import type { ExecutionsClient } from '@google-cloud/workflows';
import type { WorkflowCallbacks, WorkflowStarter } from '../ports/workflow-starter.js';

/**
 * Starts executions through the official `ExecutionsClient`. Production passes a default client;
 * the local stack and tests pass one pointed at the local runner (dev/workflows-runner/client.ts).
 */
export class CloudWorkflowsStarter implements WorkflowStarter {
  constructor(
    private readonly client: ExecutionsClient,
    private readonly workflow: { projectId: string; location: string; name: string },
    /** Base URL of the `escalationSteps` function the workflow calls back. */
    private readonly stepsUrl: string,
  ) {}

  async startEscalation(argument: { caseId: string; claimId: string; partnerId: string }): Promise<{ executionName: string }> {
    const parent = this.client.workflowPath(this.workflow.projectId, this.workflow.location, this.workflow.name);
    const [execution] = await this.client.createExecution({
      parent,
      execution: { argument: JSON.stringify({ ...argument, stepsUrl: this.stepsUrl }) },
    });
    if (!execution.name) throw new Error('Cloud Workflows returned an execution without a name');
    return { executionName: execution.name };
  }
}

/**
 * Calls workflow callback URLs. Cloud Workflows wants an OAuth access token of an identity allowed
 * to send callbacks; `accessToken` supplies it in production (the metadata server) and is absent locally.
 */
export class HttpWorkflowCallbacks implements WorkflowCallbacks {
  constructor(private readonly accessToken?: () => Promise<string>) {}

  async deliver(callbackUrl: string, body: Record<string, unknown>): Promise<{ accepted: boolean }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.accessToken) headers.authorization = `Bearer ${await this.accessToken()}`;
    const res = await fetch(callbackUrl, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    if (res.status === 404) return { accepted: false };
    if (!res.ok) throw new Error(`workflow callback answered ${res.status}`);
    return { accepted: true };
  }
}
