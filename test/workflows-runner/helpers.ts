/**
 * Shared test helpers: a clock that jumps to each timer as soon as it is set (so sleeps and
 * back-offs cost no real time), deploying through the REST API, and running through the
 * official ExecutionsClient.
 */
import type { CancelTimer, TimerClock } from '../../dev/controllable-clock.js';
import type { ExecutionsClient } from '@google-cloud/workflows';

/** Virtual time that leaps forward to every timer at once: for tests that only need the outcome. */
export class JumpingClock implements TimerClock {
  private t = Date.parse('2025-01-01T00:00:00Z');

  now(): Date {
    return new Date(this.t);
  }

  setTimer(at: Date, callback: () => void): CancelTimer {
    let cancelled = false;
    setImmediate(() => {
      if (cancelled) return;
      this.t = Math.max(this.t, at.getTime());
      callback();
    });
    return () => {
      cancelled = true;
    };
  }
}

export const PARENT = 'projects/demo-tandem/locations/us-central1';

/** Deploys a workflow through the REST API; returns the HTTP status and body. */
export async function deploy(baseUrl: string, id: string, sourceContents: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/v1/${PARENT}/workflows?workflowId=${encodeURIComponent(id)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sourceContents }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Starts an execution with the official client and polls it to its end. */
export async function runToEnd(
  client: ExecutionsClient,
  workflowId: string,
  argument?: unknown,
  timeoutMs = 10_000,
): Promise<{ state: string; result?: unknown; error?: { payload: unknown; context: string } }> {
  const [exec] = await client.createExecution({
    parent: `${PARENT}/workflows/${workflowId}`,
    execution: argument === undefined ? {} : { argument: JSON.stringify(argument) },
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [got] = await client.getExecution({ name: exec.name as string });
    if (got.state !== 'ACTIVE') {
      return {
        state: String(got.state),
        result: got.result ? (JSON.parse(got.result) as unknown) : undefined,
        error: got.error ? { payload: JSON.parse(got.error.payload as string) as unknown, context: String(got.error.context) } : undefined,
      };
    }
    if (Date.now() > deadline) throw new Error(`execution of ${workflowId} still ACTIVE after ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
