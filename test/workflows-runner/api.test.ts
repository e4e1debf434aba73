/**
 * The REST surface and time: workflow resources, execution states, cancel, list, callbacks
 * (a request before the wait is kept for it; 404 once the execution ends) and timers driven by a frozen
 * ControllableClock, all through the official clients (WorkflowsClient from 4.4, ExecutionsClient).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionsClient } from '@google-cloud/workflows';
import type { WorkflowsClient } from '@google-cloud/workflows-v4';
import { ControllableClock } from '../../dev/controllable-clock.js';
import { startWorkflowsRunner, type WorkflowsRunner } from '../../dev/workflows-runner/api-server.js';
import { createLocalExecutionsClient, createLocalWorkflowsClient } from '../../dev/workflows-runner/client.js';
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

  describe('workflows, through the official WorkflowsClient', () => {
    let workflows: WorkflowsClient;
    beforeEach(() => {
      workflows = createLocalWorkflowsClient(runner.url);
    });
    afterEach(async () => {
      await workflows.close();
    });
    const create = async (workflowId: string, sourceContents: string) => {
      const [op] = await workflows.createWorkflow({ parent: PARENT, workflowId, workflow: { sourceContents } });
      return (await op.promise())[0];
    };

    it('create is a long-running operation that resolves to the workflow; get, list and delete work', async () => {
      const [op] = await workflows.createWorkflow({ parent: PARENT, workflowId: 'hello', workflow: { sourceContents: '- r:\n    return: hi\n' } });
      const [created] = await op.promise();
      expect(created).toMatchObject({ name: `${PARENT}/workflows/hello`, revisionId: expect.stringMatching(/^000001-/) });
      // The operation stays readable, as the service's do.
      const progress = await workflows.checkCreateWorkflowProgress(op.name as string);
      expect(progress.done).toBe(true);
      expect(progress.metadata).toMatchObject({ target: `${PARENT}/workflows/hello`, verb: 'create' });

      const [got] = await workflows.getWorkflow({ name: `${PARENT}/workflows/hello` });
      expect(got.sourceContents).toBe('- r:\n    return: hi\n');
      const [list] = await workflows.listWorkflows({ parent: PARENT });
      expect(list.map((w) => w.name)).toEqual([`${PARENT}/workflows/hello`]);

      const [deleting] = await workflows.deleteWorkflow({ name: `${PARENT}/workflows/hello` });
      await deleting.promise();
      await expect(workflows.getWorkflow({ name: `${PARENT}/workflows/hello` })).rejects.toMatchObject({ code: 5 });
      // The REST error body has Google's shape.
      const gone = await fetch(`${runner.url}/v1/${PARENT}/workflows/hello`);
      expect(await gone.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
    });

    it('the same workflow id twice is ALREADY_EXISTS; an update replaces the source and bumps the revision', async () => {
      await create('w', '- r:\n    return: 1\n');
      await expect(create('w', '- r:\n    return: 1\n')).rejects.toMatchObject({ code: 6 });
      const [op] = await workflows.updateWorkflow({ workflow: { name: `${PARENT}/workflows/w`, sourceContents: '- r:\n    return: 2\n' } });
      const [updated] = await op.promise();
      expect(updated.revisionId).toMatch(/^000002-/);
      const name = await start('w');
      await runner.waitForIdle();
      expect((await get(name)).result).toBe('2');
      expect((await get(name)).workflowRevisionId).toBe(updated.revisionId);
    });

    it('userEnvVars are stored and read by sys.get_env; reserved GOOGLE names are INVALID_ARGUMENT', async () => {
      const source = '- r:\n    return: ${[sys.get_env("PARTNER_BASE_URL"), sys.get_env("GOOGLE_CLOUD_WORKFLOW_ID"), sys.get_env("GOOGLE_CLOUD_SERVICE_ACCOUNT_NAME")]}\n';
      const [op] = await workflows.createWorkflow({
        parent: PARENT,
        workflowId: 'env',
        workflow: { sourceContents: source, userEnvVars: { PARTNER_BASE_URL: 'http://partner.test' }, serviceAccount: 'escalation@demo.iam.gserviceaccount.com' },
      });
      const [created] = await op.promise();
      expect(created.userEnvVars).toEqual({ PARTNER_BASE_URL: 'http://partner.test' });
      const name = await start('env');
      await runner.waitForIdle();
      expect(JSON.parse((await get(name)).result as string)).toEqual(['http://partner.test', 'env', 'escalation@demo.iam.gserviceaccount.com']);

      const reserved = workflows.createWorkflow({ parent: PARENT, workflowId: 'env2', workflow: { sourceContents: source, userEnvVars: { GOOGLE_X: '1' } } });
      await expect(reserved).rejects.toMatchObject({ code: 3, message: expect.stringContaining('GOOGLE_X') });
    });

    it('an invalid workflow is INVALID_ARGUMENT naming the step, and is not created', async () => {
      await expect(create('bad', '- first:\n    next: nowhere\n')).rejects.toMatchObject({ code: 3, message: expect.stringMatching(/step "first".*"nowhere"/) });
      await expect(workflows.getWorkflow({ name: `${PARENT}/workflows/bad` })).rejects.toMatchObject({ code: 5 });
    });

    it('list pages: the client follows nextPageToken to every workflow, in order', async () => {
      const ids = ['a1', 'a2', 'a3', 'a4', 'a5'];
      for (const id of ids) await create(id, '- r:\n    return: 1\n');
      const all = [];
      for await (const w of workflows.listWorkflowsAsync({ parent: PARENT, pageSize: 2 })) all.push(w);
      expect(all.map((w) => w.name)).toEqual(ids.map((id) => `${PARENT}/workflows/${id}`));
      const [first, , response] = await workflows.listWorkflows({ parent: PARENT, pageSize: 2 }, { autoPaginate: false });
      expect(first).toHaveLength(2);
      expect(response?.nextPageToken).toBeTruthy();
      const bad = await fetch(`${runner.url}/v1/${PARENT}/workflows?pageToken=nonsense`);
      expect(bad.status).toBe(400);
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

    it('list returns every execution of the workflow, newest first, page by page', async () => {
      await deploy(runner.url, 'echo', 'main:\n  params: [a]\n  steps:\n    - r:\n        return: ${a}\n');
      const names = [await start('echo', 1), await start('echo', 2), await start('echo', 3)];
      await runner.waitForIdle();
      const list = [];
      for await (const e of client.listExecutionsAsync({ parent: `${PARENT}/workflows/echo`, pageSize: 2 })) list.push(e);
      expect(list.map((e) => e.name)).toEqual([...names].reverse());
      expect(list.every((e) => e.state === 'SUCCEEDED')).toBe(true);
    });

    it('list answers the BASIC view unless FULL is asked for; get answers FULL', async () => {
      await deploy(runner.url, 'echo', 'main:\n  params: [a]\n  steps:\n    - r:\n        return: ${a}\n');
      const name = await start('echo', { k: 1 });
      await runner.waitForIdle();
      const [[basic]] = await client.listExecutions({ parent: `${PARENT}/workflows/echo` });
      expect(basic).toMatchObject({ name, state: 'SUCCEEDED' });
      expect(basic?.workflowRevisionId).toMatch(/^000001-/);
      // Empty in BASIC: the client fills absent strings with ''.
      expect(basic?.argument || undefined).toBeUndefined();
      expect(basic?.result || undefined).toBeUndefined();
      const [[full]] = await client.listExecutions({ parent: `${PARENT}/workflows/echo`, view: 'FULL' });
      expect(full).toMatchObject({ argument: '{"k":1}', result: '{"k":1}' });
      expect((await get(name)).result).toBe('{"k":1}');
    });

    it('an execution keeps its labels and call log level, and reports its create time and last step', async () => {
      await deploy(runner.url, 'echo', '- first:\n    assign:\n      - x: 1\n- last:\n    return: ${x}\n');
      const [exec] = await client.createExecution({ parent: `${PARENT}/workflows/echo`, execution: { labels: { caseId: 'c-1' }, callLogLevel: 'LOG_ERRORS_ONLY' } });
      await runner.waitForIdle();
      const e = await get(exec.name as string);
      expect(e).toMatchObject({ state: 'SUCCEEDED', labels: { caseId: 'c-1' }, callLogLevel: 'LOG_ERRORS_ONLY', status: { currentSteps: [{ step: 'last', routine: 'main' }] } });
      // createTime is newer than the client's protos, which drop it: read it over REST.
      const raw = (await (await fetch(`${runner.url}/v1/${exec.name as string}`)).json()) as { createTime: string; startTime: string };
      expect(raw.createTime).toBe(raw.startTime);
    });

    it('bad labels, call log levels, user variables and page tokens are INVALID_ARGUMENT naming the field', async () => {
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`${runner.url}/v1/${PARENT}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: res.status, message: ((await res.json()) as { error: { message: string } }).error.message };
      };
      const source = '- r:\n    return: 1\n';
      const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`V${i}`, 'x']));
      expect(await post('workflows?workflowId=w1', { sourceContents: source, userEnvVars: tooMany })).toMatchObject({ status: 400, message: expect.stringContaining('at most 20') });
      expect(await post('workflows?workflowId=w2', { sourceContents: source, labels: { team: 7 } })).toMatchObject({ status: 400, message: expect.stringContaining('labels') });
      expect(await post('workflows?workflowId=w3', { sourceContents: source, callLogLevel: 'LOUD' })).toMatchObject({ status: 400, message: expect.stringContaining('callLogLevel') });
      await deploy(runner.url, 'echo', source);
      expect(await post('workflows/echo/executions', { callLogLevel: 'LOUD' })).toMatchObject({ status: 400, message: expect.stringContaining('callLogLevel') });
      expect(await post('workflows/echo/executions', { labels: ['x'] })).toMatchObject({ status: 400, message: expect.stringContaining('labels') });
      // A token that decodes to no offset at all (base64url of nothing) is refused, not read as the start.
      expect((await fetch(`${runner.url}/v1/${PARENT}/workflows/echo/executions?pageToken=!!!!`)).status).toBe(400);
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
    /** `GET .../executions/{id}/callbacks`: the execution's active callbacks. */
    async function listCallbacks(execution: string): Promise<unknown[]> {
      const res = await fetch(`${runner.url}/v1/${execution}/callbacks`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { callbacks: unknown[] }).callbacks;
    }

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
      const listed = await listCallbacks(name);
      expect(listed).toEqual([{ name: `${name}/callbacks/${url.slice(url.lastIndexOf('/') + 1)}`, method: 'POST', waiters: '1', availablePayloads: [] }]);

      const wrongMethod = await fetch(url, { method: 'PUT', body: '{}' });
      expect(wrongMethod.status).toBe(404);
      const ok = await fetch(`${url}?source=partner&source=again`, {
        method: 'POST',
        body: JSON.stringify({ type: 'collaboration.acknowledged' }),
        headers: { 'content-type': 'application/json', 'x-partner': 'p1' },
      });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('');
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
      expect(await listCallbacks(name)).toEqual([]);
      expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await fetch(`${url}x`, { method: 'POST', body: '{}' })).status).toBe(404);
    });

    it('a callback that arrives before the execution waits is kept and handed to the wait (availablePayloads)', async () => {
      const { name, url } = await startCallbackFlow();
      // Still sleeping, not awaiting yet: accepted and kept, as the service keeps it.
      const early = await fetch(url, { method: 'POST', body: JSON.stringify({ early: true }), headers: { 'content-type': 'application/json' } });
      expect(early.status).toBe(200);
      expect((await get(name)).state).toBe('ACTIVE');
      const [kept] = await listCallbacks(name);
      expect(kept).toMatchObject({ waiters: '0', availablePayloads: [expect.stringContaining('"early":true')] });
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
