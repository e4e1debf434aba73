/**
 * The REST surface and time: workflow resources, execution states, cancel, list, callbacks
 * (a request before the wait is kept for it; 404 once the execution ends) and timers driven by a frozen
 * ControllableClock, all through the official ExecutionsClient where it has the method.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionsClient } from '@google-cloud/workflows';
import { ControllableClock } from '../../functions/src/adapters/clock.js';
import { startWorkflowsRunner, type WorkflowsRunner } from '../../dev/workflows-runner/api-server.js';
import { createLocalExecutionsClient } from '../../dev/workflows-runner/client.js';
import { PARENT, deploy } from './helpers.js';

const HOUR = 3600 * 1000;

describe('workflows runner API', () => {
  let clock: ControllableClock;
  let runner: WorkflowsRunner;
  let client: ExecutionsClient;
  let logs: { payload: unknown; execution: string }[];

  beforeEach(async () => {
    clock = new ControllableClock({ frozen: true });
    logs = [];
    runner = await startWorkflowsRunner({ clock, log: (entry) => logs.push(entry) });
    client = createLocalExecutionsClient(runner.url);
  });
  afterEach(async () => {
    await client.close();
    await runner.close();
  });

  const start = async (workflowId: string, argument?: unknown): Promise<string> => {
    const [exec] = await client.createExecution({
      parent: `${PARENT}/workflows/${workflowId}`,
      execution: argument === undefined ? {} : { argument: JSON.stringify(argument) },
    });
    return exec.name as string;
  };
  const get = async (name: string) => (await client.getExecution({ name }))[0];

  describe('workflows', () => {
    it('create returns a done Operation holding the workflow; get, list and delete work', async () => {
      const created = await deploy(runner.url, 'hello', '- r:\n    return: hi\n');
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ done: true, response: { name: `${PARENT}/workflows/hello`, state: 'ACTIVE' } });

      const got = await fetch(`${runner.url}/v1/${PARENT}/workflows/hello`);
      expect(await got.json()).toMatchObject({ name: `${PARENT}/workflows/hello`, sourceContents: '- r:\n    return: hi\n' });
      const list = (await (await fetch(`${runner.url}/v1/${PARENT}/workflows`)).json()) as { workflows: unknown[] };
      expect(list.workflows).toHaveLength(1);

      expect((await fetch(`${runner.url}/v1/${PARENT}/workflows/hello`, { method: 'DELETE' })).status).toBe(200);
      const gone = await fetch(`${runner.url}/v1/${PARENT}/workflows/hello`);
      expect(gone.status).toBe(404);
      expect(await gone.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
    });

    it('creating the same workflow id twice is ALREADY_EXISTS; PATCH updates the source and revision', async () => {
      await deploy(runner.url, 'w', '- r:\n    return: 1\n');
      const again = await deploy(runner.url, 'w', '- r:\n    return: 1\n');
      expect(again.status).toBe(409);
      const patched = await fetch(`${runner.url}/v1/${PARENT}/workflows/w`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sourceContents: '- r:\n    return: 2\n' }),
      });
      expect(((await patched.json()) as { response: { revisionId: string } }).response.revisionId).toMatch(/^000002-/);
      const name = await start('w');
      await runner.waitForIdle();
      expect((await get(name)).result).toBe('2');
    });
  });

  describe('executions', () => {
    it('a successful execution is SUCCEEDED with the result as a JSON string', async () => {
      await deploy(runner.url, 'echo', 'main:\n  params: [a]\n  steps:\n    - r:\n        return: ${a}\n');
      const name = await start('echo', { x: [1, 'two'] });
      await runner.waitForIdle();
      const e = await get(name);
      expect(e.state).toBe('SUCCEEDED');
      expect(JSON.parse(e.result as string)).toEqual({ x: [1, 'two'] });
      expect(e.argument).toBe(JSON.stringify({ x: [1, 'two'] }));
    });

    it('a failed execution is FAILED with error.payload and error.context naming the step', async () => {
      await deploy(runner.url, 'boom', '- explode:\n    raise:\n      message: no\n      code: 7\n');
      const name = await start('boom');
      await runner.waitForIdle();
      const e = await get(name);
      expect(e.state).toBe('FAILED');
      expect(JSON.parse(e.error?.payload as string)).toEqual({ message: 'no', code: 7 });
      expect(e.error?.context).toContain('explode');
    });

    it('an execution waiting on a timer is ACTIVE; cancel makes it CANCELLED; cancelling again fails', async () => {
      await deploy(runner.url, 'sleepy', '- s:\n    call: sys.sleep\n    args:\n      seconds: 3600\n- r:\n    return: woke\n');
      const name = await start('sleepy');
      await runner.waitForIdle();
      expect((await get(name)).state).toBe('ACTIVE');
      const [cancelled] = await client.cancelExecution({ name });
      expect(cancelled.state).toBe('CANCELLED');
      expect((await get(name)).state).toBe('CANCELLED');
      await expect(client.cancelExecution({ name })).rejects.toMatchObject({ code: 9 });
      // The cancelled execution's timer never resumes it.
      clock.advance(2 * HOUR);
      await runner.waitForIdle();
      expect((await get(name)).state).toBe('CANCELLED');
    });

    it('list returns every execution of the workflow, newest first', async () => {
      await deploy(runner.url, 'echo', 'main:\n  params: [a]\n  steps:\n    - r:\n        return: ${a}\n');
      const names = [await start('echo', 1), await start('echo', 2), await start('echo', 3)];
      await runner.waitForIdle();
      const [list] = await client.listExecutions({ parent: `${PARENT}/workflows/echo` });
      expect(list.map((e) => e.name)).toEqual([...names].reverse());
      expect(list.every((e) => e.state === 'SUCCEEDED')).toBe(true);
    });

    it('an execution of an unknown workflow is NOT_FOUND; a malformed argument is INVALID_ARGUMENT', async () => {
      await expect(start('missing')).rejects.toMatchObject({ code: 5 });
      await deploy(runner.url, 'echo', '- r:\n    return: 1\n');
      const res = await fetch(`${runner.url}/v1/${PARENT}/workflows/echo/executions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ argument: '{not json' }),
      });
      expect(res.status).toBe(400);
    });
  });

  describe('callbacks and the clock', () => {
    const CALLBACK_FLOW = `
main:
  steps:
    - create:
        call: events.create_callback_endpoint
        args:
          http_callback_method: POST
        result: cb
    - publish:
        call: sys.log
        args:
          text: \${cb.url}
    - pause:
        call: sys.sleep
        args:
          seconds: 60
    - wait:
        try:
          call: events.await_callback
          args:
            callback: \${cb}
            timeout: 43200
          result: req
        except:
          as: e
          steps:
            - timed_out:
                return:
                  timedOut: \${"TimeoutError" in e.tags}
    - done:
        return: \${req}
`;
    async function startCallbackFlow(): Promise<{ name: string; url: string }> {
      await deploy(runner.url, 'cb', CALLBACK_FLOW);
      const name = await start('cb');
      await runner.waitForIdle();
      expect(runner.execution(name)?.currentStep.step).toBe('pause');
      // The workflow logs its callback URL, as it would hand it to a partner.
      const entry = logs.find((l) => l.execution === name);
      return { name, url: entry?.payload as string };
    }

    it('a callback while waiting resumes the execution; another method, an unknown callback or an ended execution gets 404', async () => {
      const { name, url } = await startCallbackFlow();
      expect(url).toMatch(new RegExp(`^${runner.url}/v1/${PARENT}/workflows/cb/executions/[^/]+/callbacks/[0-9a-f]+$`));

      clock.advance(60_000);
      await runner.waitForIdle();
      expect(runner.execution(name)?.currentStep.step).toBe('wait');

      const wrongMethod = await fetch(url, { method: 'PUT', body: '{}' });
      expect(wrongMethod.status).toBe(404);
      const ok = await fetch(`${url}?source=partner&source=again`, {
        method: 'POST',
        body: JSON.stringify({ type: 'collaboration.acknowledged' }),
        headers: { 'content-type': 'application/json', 'x-partner': 'p1' },
      });
      expect(ok.status).toBe(200);
      await runner.waitForIdle();
      const e = await get(name);
      expect(e.state).toBe('SUCCEEDED');
      const req = JSON.parse(e.result as string) as { type: string; received_time: string; http_request: Record<string, unknown> };
      expect(req.type).toBe('HTTP');
      expect(req.received_time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(req.http_request).toMatchObject({
        body: { type: 'collaboration.acknowledged' },
        method: 'POST',
        query: { source: ['partner', 'again'] },
        headers: { 'x-partner': 'p1' },
      });

      // Finished: nothing waits any more.
      expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await fetch(`${url}x`, { method: 'POST', body: '{}' })).status).toBe(404);
    });

    it('a callback that arrives before the execution waits is kept and handed to the wait (availablePayloads)', async () => {
      const { name, url } = await startCallbackFlow();
      // Still sleeping, not awaiting yet: accepted and kept, as the service keeps it.
      const early = await fetch(url, { method: 'POST', body: JSON.stringify({ early: true }), headers: { 'content-type': 'application/json' } });
      expect(early.status).toBe(200);
      expect((await get(name)).state).toBe('ACTIVE');
      clock.advance(60_000);
      await runner.waitForIdle();
      const e = await get(name);
      expect(e.state).toBe('SUCCEEDED');
      expect((JSON.parse(e.result as string) as { http_request: { body: unknown } }).http_request.body).toEqual({ early: true });
    });

    it('a twelve-hour callback timeout fires when the frozen clock is advanced past it, not before', async () => {
      const { name } = await startCallbackFlow();
      clock.advance(60_000);
      await runner.waitForIdle();
      expect(clock.pendingTimers).toBe(1);
      clock.advance(12 * HOUR - 1000);
      await runner.waitForIdle();
      expect((await get(name)).state).toBe('ACTIVE');
      clock.advance(1000);
      await runner.waitForIdle();
      const e = await get(name);
      expect(e.state).toBe('SUCCEEDED');
      expect(JSON.parse(e.result as string)).toEqual({ timedOut: true });
    });

    it('sys.sleep resumes exactly when the clock reaches its end', async () => {
      await deploy(runner.url, 'nap', '- s:\n    call: sys.sleep\n    args:\n      seconds: 7200\n- r:\n    return: ${sys.now()}\n');
      const startedAt = clock.now().getTime();
      const name = await start('nap');
      await runner.waitForIdle();
      clock.advance(HOUR);
      await runner.waitForIdle();
      expect((await get(name)).state).toBe('ACTIVE');
      clock.advance(HOUR);
      await runner.waitForIdle();
      const e = await get(name);
      expect(e.state).toBe('SUCCEEDED');
      expect(Number(e.result)).toBeCloseTo((startedAt + 2 * HOUR) / 1000, 3);
    });

    it('retry back-off waits on the clock', async () => {
      await deploy(
        runner.url,
        'retrying',
        `
- init:
    assign:
      - n: 0
- t:
    try:
      steps:
        - inc:
            assign:
              - n: \${n + 1}
        - fail:
            raise: again
    retry:
      predicate: \${retry.always}
      max_retries: 1
      backoff:
        initial_delay: 30
        max_delay: 30
        multiplier: 1
    except:
      as: e
      steps:
        - r:
            return: \${n}
`,
      );
      const name = await start('retrying');
      await runner.waitForIdle();
      expect((await get(name)).state).toBe('ACTIVE');
      clock.advance(30_000);
      await runner.waitForIdle();
      expect((await get(name)).result).toBe('2');
    });
  });
});
