/**
 * The runner behind the Cloud Workflows REST v1 API, so the official clients (and curl) work
 * unchanged against it: workflows (create, get, list, patch, delete), executions (create, get,
 * list, cancel) and the callback endpoints that `events.create_callback_endpoint` hands out.
 *
 * Everything lives in memory; a restart forgets workflows and executions, as a local tool may.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunnerClock as TimerClock } from './clock.js';
import { DeployError } from './errors.js';
import { DEFAULT_LIMITS, Execution, type Limits } from './interpreter.js';
import { formatTime } from './stdlib.js';
import { type Program, compileWorkflow } from './validate.js';
import { type Value, decodeJson, encodeJson, toJs, wfMap } from './values.js';

/** How to start the runner. */
export interface WorkflowsRunnerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Source of time for sleeps, retries and callback time-outs. */
  clock: TimerClock;
  /** Project and location reported by `sys.get_env` (the API paths carry their own). */
  project?: string;
  location?: string;
  /** Extra variables for `sys.get_env`. */
  env?: Record<string, string>;
  /** Overrides the documented limits, e.g. to test them cheaply. */
  limits?: Partial<Limits>;
  /** Where `sys.log` goes; default: one JSON line on stdout. */
  log?: (entry: { severity: string; payload: unknown; execution: string }) => void;
  /** Serve `GET /_dev/clock` and `POST /_dev/clock/advance` (needs a clock with `advance`). */
  devClockEndpoints?: boolean;
}

/** A running runner. */
export interface WorkflowsRunner {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Resolves when every active execution is parked on a timer or a callback (or none is active). */
  waitForIdle(timeoutMs?: number): Promise<void>;
  /** The in-process execution behind a full execution name, for tests. */
  execution(name: string): Execution | undefined;
}

interface StoredWorkflow {
  project: string;
  location: string;
  id: string;
  sourceContents: string;
  description: string;
  labels: Record<string, string>;
  /** Visible to `sys.get_env`, after the built-in `GOOGLE_CLOUD_*` variables. */
  userEnvVars: Record<string, string>;
  callLogLevel: string;
  serviceAccount: string;
  program: Program;
  revision: number;
  revisionId: string;
  createTime: Date;
  updateTime: Date;
}

interface StoredExecution {
  name: string;
  workflowKey: string;
  argument: string;
  revisionId: string;
  startTime: Date;
  endTime?: Date;
  callLogLevel: string;
  labels: Record<string, string>;
  run: Execution;
  seq: number;
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

const SEGMENT = '([^/:?]+)';
const ROUTES: { method: string; re: RegExp; name: string }[] = [
  { method: 'POST', re: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/workflows$`), name: 'createWorkflow' },
  { method: 'GET', re: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/workflows$`), name: 'listWorkflows' },
  { method: 'GET', re: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/workflows/${SEGMENT}$`), name: 'getWorkflow' },
  { method: 'PATCH', re: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/workflows/${SEGMENT}$`), name: 'updateWorkflow' },
  { method: 'DELETE', re: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/workflows/${SEGMENT}$`), name: 'deleteWorkflow' },
  { method: 'POST', re: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/workflows/${SEGMENT}/executions$`), name: 'createExecution' },
  { method: 'GET', re: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/workflows/${SEGMENT}/executions$`), name: 'listExecutions' },
  { method: 'GET', re: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/workflows/${SEGMENT}/executions/${SEGMENT}$`), name: 'getExecution' },
  { method: 'POST', re: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/workflows/${SEGMENT}/executions/${SEGMENT}:cancel$`), name: 'cancelExecution' },
  { method: '*', re: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/workflows/${SEGMENT}/executions/${SEGMENT}/callbacks/${SEGMENT}$`), name: 'callback' },
  { method: 'GET', re: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/workflows/${SEGMENT}/executions/${SEGMENT}/callbacks$`), name: 'listCallbacks' },
  { method: 'GET', re: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/operations/${SEGMENT}$`), name: 'getOperation' },
];

/** The service's page sizes: workflows 500 by default; executions 100 (and at most 100 in the FULL view). */
const PAGE = { workflows: { default: 500, max: 1000 }, executions: { default: 100, max: 1000, maxFull: 100 } };

/**
 * One page of `items` from the `pageSize` and `pageToken` query parameters. The token is the
 * offset, base64-encoded: opaque to clients, as the service's is.
 */
function page<T>(items: T[], url: URL, size: { default: number; max: number }): { items: T[]; nextPageToken?: string } {
  const asked = Number(url.searchParams.get('pageSize') ?? 0);
  if (!Number.isInteger(asked) || asked < 0) throw new ApiError(400, 'INVALID_ARGUMENT', 'pageSize must be a non-negative integer');
  const pageSize = Math.min(asked || size.default, size.max);
  const token = url.searchParams.get('pageToken') ?? '';
  const decoded = token === '' ? '0' : Buffer.from(token, 'base64url').toString('utf8');
  const offset = /^\d+$/.test(decoded) ? Number(decoded) : -1;
  if (offset < 0 || offset > items.length) throw new ApiError(400, 'INVALID_ARGUMENT', 'invalid pageToken');
  const end = offset + pageSize;
  return { items: items.slice(offset, end), ...(end < items.length ? { nextPageToken: Buffer.from(String(end)).toString('base64url') } : {}) };
}

const CALL_LOG_LEVELS = ['CALL_LOG_LEVEL_UNSPECIFIED', 'LOG_ALL_CALLS', 'LOG_ERRORS_ONLY', 'LOG_NONE'];

function callLogLevel(v: unknown, fallback: string): string {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !CALL_LOG_LEVELS.includes(v)) throw new ApiError(400, 'INVALID_ARGUMENT', `callLogLevel must be one of ${CALL_LOG_LEVELS.join(', ')}`);
  return v;
}

/** A map of strings (`labels`, `userEnvVars`), or a 400 naming the field. */
function stringMap(v: unknown, field: string): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string')) {
    throw new ApiError(400, 'INVALID_ARGUMENT', `${field} must be a map of strings`);
  }
  return { ...(v as Record<string, string>) };
}

/** Documented: at most 20 user variables, none named with the reserved GOOGLE prefix. */
function userEnvVars(v: unknown): Record<string, string> {
  const vars = stringMap(v, 'userEnvVars');
  if (Object.keys(vars).length > 20) throw new ApiError(400, 'INVALID_ARGUMENT', 'userEnvVars can hold at most 20 variables');
  const reserved = Object.keys(vars).filter((k) => k.startsWith('GOOGLE'));
  if (reserved.length > 0) throw new ApiError(400, 'INVALID_ARGUMENT', `userEnvVars names may not start with GOOGLE: ${reserved.join(', ')}`);
  return vars;
}

/** `view=BASIC|FULL`; the default differs: get answers FULL, list answers BASIC, as the service does. */
function executionView(url: URL, fallback: 'BASIC' | 'FULL'): 'BASIC' | 'FULL' {
  const view = url.searchParams.get('view') ?? 'EXECUTION_VIEW_UNSPECIFIED';
  if (view === 'EXECUTION_VIEW_UNSPECIFIED') return fallback;
  if (view === 'BASIC' || view === 'FULL') return view;
  throw new ApiError(400, 'INVALID_ARGUMENT', `view must be BASIC or FULL, not ${view}`);
}

const MAX_BODY = 4 * 1024 * 1024;

/** Results and callback payloads cannot hold bytes: the interpreter checks results, requests arrive as text. */
function unreachableBytes(): never {
  throw new Error('bytes cannot be JSON-encoded');
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'INVALID_ARGUMENT', 'request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJsonBody(buf: Buffer): Record<string, unknown> {
  if (buf.length === 0) return {};
  try {
    const v = JSON.parse(buf.toString('utf8')) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ApiError(400, 'INVALID_ARGUMENT', 'the request body must be a JSON object');
}

function duration(from: Date, to: Date): string {
  return `${((to.getTime() - from.getTime()) / 1000).toFixed(6)}s`;
}

/**
 * Starts the runner's HTTP API. The returned `url` is the base for the REST paths and for the
 * callback URLs executions hand out.
 */
export async function startWorkflowsRunner(opts: WorkflowsRunnerOptions): Promise<WorkflowsRunner> {
  const clock = opts.clock;
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const workflows = new Map<string, StoredWorkflow>();
  const executions = new Map<string, StoredExecution>();
  const operations = new Map<string, Record<string, unknown>>();
  let seq = 0;
  let baseUrl = '';
  const log =
    opts.log ??
    ((entry: { severity: string; payload: unknown; execution: string }) =>
      process.stdout.write(`${JSON.stringify({ source: 'workflows-runner', ...entry })}\n`));

  const wfKey = (p: string, l: string, w: string): string => `projects/${p}/locations/${l}/workflows/${w}`;

  function workflowJson(w: StoredWorkflow): Record<string, unknown> {
    return {
      name: wfKey(w.project, w.location, w.id),
      description: w.description,
      state: 'ACTIVE',
      revisionId: w.revisionId,
      createTime: w.createTime.toISOString(),
      updateTime: w.updateTime.toISOString(),
      revisionCreateTime: w.updateTime.toISOString(),
      labels: w.labels,
      userEnvVars: w.userEnvVars,
      callLogLevel: w.callLogLevel,
      serviceAccount: w.serviceAccount,
      sourceContents: w.sourceContents,
    };
  }

  /**
   * Workflow changes are long-running operations in the real API. Here they finish at once, so the
   * Operation comes back `done`; it is kept so `GET .../operations/{id}` (the clients'
   * `checkCreateWorkflowProgress` and friends) finds it.
   */
  function operation(p: string, l: string, verb: 'create' | 'update' | 'delete', target: string, response?: Record<string, unknown>): Record<string, unknown> {
    const now = clock.now().toISOString();
    const op = {
      name: `projects/${p}/locations/${l}/operations/operation-${randomUUID()}`,
      metadata: {
        '@type': 'type.googleapis.com/google.cloud.workflows.v1.OperationMetadata',
        createTime: now,
        endTime: now,
        target,
        verb,
        apiVersion: 'v1',
      },
      done: true,
      // A delete's result is google.protobuf.Empty, as the service's.
      response: response ? { '@type': 'type.googleapis.com/google.cloud.workflows.v1.Workflow', ...response } : { '@type': 'type.googleapis.com/google.protobuf.Empty' },
    };
    operations.set(op.name, op);
    return op;
  }

  /** The BASIC view holds name, start and end time, duration, state and revision; FULL adds the rest. */
  function executionJson(e: StoredExecution, view: 'BASIC' | 'FULL' = 'FULL'): Record<string, unknown> {
    const run = e.run;
    const out: Record<string, unknown> = { name: e.name, startTime: e.startTime.toISOString(), state: run.state, workflowRevisionId: e.revisionId };
    if (e.endTime) {
      out.endTime = e.endTime.toISOString();
      out.duration = duration(e.startTime, e.endTime);
    }
    if (view === 'BASIC') return out;
    Object.assign(out, { argument: e.argument, callLogLevel: e.callLogLevel, labels: e.labels, createTime: e.startTime.toISOString() });
    // The step running now, or the last one that ran once the execution has ended.
    if (run.currentStep.step !== '') out.status = { currentSteps: [run.currentStep] };
    if (run.state === 'SUCCEEDED') out.result = encodeJson(run.result, unreachableBytes);
    if (run.state === 'FAILED' && run.failure) out.error = run.failure;
    return out;
  }

  function findWorkflow(p: string, l: string, w: string): StoredWorkflow {
    const found = workflows.get(wfKey(p, l, w));
    if (!found) throw new ApiError(404, 'NOT_FOUND', `Resource '${wfKey(p, l, w)}' was not found`);
    return found;
  }

  function findExecution(p: string, l: string, w: string, id: string): StoredExecution {
    const found = executions.get(`${wfKey(p, l, w)}/executions/${id}`);
    if (!found) throw new ApiError(404, 'NOT_FOUND', `Resource '${wfKey(p, l, w)}/executions/${id}' was not found`);
    return found;
  }

  function compile(source: unknown): Program {
    if (typeof source !== 'string' || source.trim() === '') {
      throw new ApiError(400, 'INVALID_ARGUMENT', 'sourceContents is required');
    }
    try {
      return compileWorkflow(source);
    } catch (e) {
      if (e instanceof DeployError) throw new ApiError(400, 'INVALID_ARGUMENT', `workflow failed validation: ${e.message}`);
      throw e;
    }
  }

  function startExecution(w: StoredWorkflow, argumentText: string, settings: { callLogLevel: string; labels: Record<string, string> }): StoredExecution {
    let argument: Value = null;
    if (argumentText !== '') {
      try {
        argument = decodeJson(argumentText);
      } catch {
        throw new ApiError(400, 'INVALID_ARGUMENT', 'argument must be a JSON string');
      }
    }
    const id = randomUUID();
    const name = `${wfKey(w.project, w.location, w.id)}/executions/${id}`;
    const env: Record<string, string> = {
      GOOGLE_CLOUD_PROJECT_ID: opts.project ?? w.project,
      GOOGLE_CLOUD_PROJECT_NUMBER: '0',
      GOOGLE_CLOUD_LOCATION: opts.location ?? w.location,
      GOOGLE_CLOUD_WORKFLOW_ID: w.id,
      GOOGLE_CLOUD_WORKFLOW_REVISION_ID: w.revisionId,
      GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID: id,
      GOOGLE_CLOUD_SERVICE_ACCOUNT_NAME: w.serviceAccount,
      ...opts.env,
      ...w.userEnvVars,
    };
    const run = new Execution(w.program, argument, {
      clock,
      limits,
      env: (n) => env[n],
      log: (entry) => log({ severity: entry.severity, payload: toJs(entry.payload), execution: name }),
      callbackUrl: (cb) => `${baseUrl}/v1/${name}/callbacks/${cb}`,
    });
    const stored: StoredExecution = { name, workflowKey: wfKey(w.project, w.location, w.id), argument: argumentText, revisionId: w.revisionId, startTime: clock.now(), ...settings, run, seq: seq++ };
    executions.set(name, stored);
    void run.done.then(() => (stored.endTime = clock.now()));
    run.start();
    return stored;
  }

  async function callback(req: IncomingMessage, url: URL, m: string[]): Promise<[number, unknown]> {
    const [p, l, w, eid, cb] = m as [string, string, string, string, string];
    const e = executions.get(`${wfKey(p, l, w)}/executions/${eid}`);
    const body = await readBody(req);
    if (!e) throw new ApiError(404, 'NOT_FOUND', 'no such execution');
    const headers = new Map<string, Value>();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    const query = new Map<string, Value>();
    for (const k of new Set(url.searchParams.keys())) query.set(k, url.searchParams.getAll(k));
    let parsed: Value = null;
    if (body.length > 0) {
      const text = body.toString('utf8');
      if ((req.headers['content-type'] ?? '').includes('json')) {
        try {
          parsed = decodeJson(text);
        } catch {
          parsed = text;
        }
      } else parsed = text;
    }
    const request = wfMap({
      http_request: wfMap({ body: parsed, headers, method: req.method ?? 'POST', query, url: url.pathname + url.search }),
      received_time: formatTime(clock.now().getTime() / 1000),
      type: 'HTTP',
    });
    if (!e.run.deliverCallback(cb, req.method ?? 'POST', request)) {
      throw new ApiError(404, 'NOT_FOUND', `no active callback ${cb} for ${req.method} (unknown, another method, or the execution has ended)`);
    }
    // The service answers an accepted callback with 200 and an empty body.
    return [200, undefined];
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<[number, unknown]> {
    const url = new URL(req.url ?? '/', 'http://runner');
    const method = req.method ?? 'GET';
    if (opts.devClockEndpoints && url.pathname === '/_dev/clock' && method === 'GET') return [200, { now: clock.now().toISOString() }];
    if (opts.devClockEndpoints && url.pathname === '/_dev/clock/advance' && method === 'POST') {
      const body = parseJsonBody(await readBody(req));
      const seconds = body.seconds;
      if (typeof seconds !== 'number' || !(seconds >= 0)) throw new ApiError(400, 'INVALID_ARGUMENT', '"seconds" must be a non-negative number');
      const advancing = clock as TimerClock & { advance?: (ms: number) => Date };
      if (!advancing.advance) throw new ApiError(400, 'FAILED_PRECONDITION', 'this clock cannot be advanced');
      return [200, { now: advancing.advance(seconds * 1000).toISOString() }];
    }
    for (const route of ROUTES) {
      const m = route.re.exec(url.pathname);
      if (!m || (route.method !== '*' && route.method !== method)) continue;
      const [p, l, w, eid] = m.slice(1).map(decodeURIComponent) as [string, string, string?, string?];
      switch (route.name) {
        case 'createWorkflow': {
          const id = url.searchParams.get('workflowId') ?? '';
          if (!/^[A-Za-z][A-Za-z0-9_-]{0,127}$/.test(id)) throw new ApiError(400, 'INVALID_ARGUMENT', 'workflowId must be 1-128 letters, digits, - or _, starting with a letter');
          if (workflows.has(wfKey(p, l, id))) throw new ApiError(409, 'ALREADY_EXISTS', `Resource '${wfKey(p, l, id)}' already exists`);
          const body = parseJsonBody(await readBody(req));
          const program = compile(body.sourceContents);
          const now = clock.now();
          const stored: StoredWorkflow = {
            project: p, location: l, id, sourceContents: body.sourceContents as string, program,
            description: typeof body.description === 'string' ? body.description : '',
            labels: stringMap(body.labels, 'labels'),
            userEnvVars: userEnvVars(body.userEnvVars),
            callLogLevel: callLogLevel(body.callLogLevel, 'CALL_LOG_LEVEL_UNSPECIFIED'),
            // Without one, the service runs the workflow as the project's default compute account.
            serviceAccount: typeof body.serviceAccount === 'string' && body.serviceAccount !== '' ? body.serviceAccount : `projects/${p}/serviceAccounts/0-compute@developer.gserviceaccount.com`,
            revision: 1, revisionId: `000001-${randomUUID().slice(0, 3)}`, createTime: now, updateTime: now,
          };
          workflows.set(wfKey(p, l, id), stored);
          return [200, operation(p, l, 'create', wfKey(p, l, id), workflowJson(stored))];
        }
        case 'listWorkflows': {
          const all = [...workflows.values()].filter((x) => x.project === p && x.location === l).sort((a, b) => a.id.localeCompare(b.id));
          const { items, nextPageToken } = page(all, url, PAGE.workflows);
          return [200, { workflows: items.map(workflowJson), nextPageToken }];
        }
        case 'getWorkflow':
          return [200, workflowJson(findWorkflow(p, l, w as string))];
        case 'updateWorkflow': {
          const stored = findWorkflow(p, l, w as string);
          const body = parseJsonBody(await readBody(req));
          if (body.sourceContents !== undefined) {
            stored.program = compile(body.sourceContents);
            stored.sourceContents = body.sourceContents as string;
            stored.revision++;
            stored.revisionId = `${String(stored.revision).padStart(6, '0')}-${randomUUID().slice(0, 3)}`;
          }
          if (typeof body.description === 'string') stored.description = body.description;
          if (body.labels !== undefined) stored.labels = stringMap(body.labels, 'labels');
          if (body.userEnvVars !== undefined) stored.userEnvVars = userEnvVars(body.userEnvVars);
          stored.callLogLevel = callLogLevel(body.callLogLevel, stored.callLogLevel);
          if (typeof body.serviceAccount === 'string' && body.serviceAccount !== '') stored.serviceAccount = body.serviceAccount;
          stored.updateTime = clock.now();
          return [200, operation(p, l, 'update', wfKey(p, l, stored.id), workflowJson(stored))];
        }
        case 'deleteWorkflow': {
          const stored = findWorkflow(p, l, w as string);
          workflows.delete(wfKey(p, l, w as string));
          return [200, operation(p, l, 'delete', wfKey(p, l, stored.id))];
        }
        case 'createExecution': {
          const stored = findWorkflow(p, l, w as string);
          const body = parseJsonBody(await readBody(req));
          if (body.argument !== undefined && typeof body.argument !== 'string') {
            throw new ApiError(400, 'INVALID_ARGUMENT', 'argument must be a string holding JSON');
          }
          const settings = { callLogLevel: callLogLevel(body.callLogLevel, 'CALL_LOG_LEVEL_UNSPECIFIED'), labels: stringMap(body.labels, 'labels') };
          return [200, executionJson(startExecution(stored, (body.argument as string | undefined) ?? '', settings))];
        }
        case 'listExecutions': {
          findWorkflow(p, l, w as string);
          const key = wfKey(p, l, w as string);
          // Newest first, as the service lists them.
          const list = [...executions.values()].filter((e) => e.workflowKey === key).sort((a, b) => b.seq - a.seq);
          const view = executionView(url, 'BASIC');
          const { items, nextPageToken } = page(list, url, { ...PAGE.executions, max: view === 'FULL' ? PAGE.executions.maxFull : PAGE.executions.max });
          return [200, { executions: items.map((e) => executionJson(e, view)), nextPageToken }];
        }
        case 'getExecution':
          return [200, executionJson(findExecution(p, l, w as string, eid as string), executionView(url, 'FULL'))];
        case 'cancelExecution': {
          const e = findExecution(p, l, w as string, eid as string);
          await readBody(req);
          if (!e.run.cancel()) throw new ApiError(400, 'FAILED_PRECONDITION', `execution is already ${e.run.state}`);
          e.endTime = clock.now();
          return [200, executionJson(e)];
        }
        case 'callback':
          return callback(req, url, m.slice(1).map(decodeURIComponent));
        case 'listCallbacks': {
          const e = findExecution(p, l, w as string, eid as string);
          const all = e.run.activeCallbacks().map((cb) => ({
            name: `${e.name}/callbacks/${cb.id}`,
            method: cb.method,
            waiters: String(cb.waiters),
            availablePayloads: cb.availablePayloads.map((x) => encodeJson(x, unreachableBytes)),
          }));
          const { items, nextPageToken } = page(all, url, { default: 100, max: 1000 });
          return [200, { callbacks: items, nextPageToken }];
        }
        case 'getOperation': {
          const op = operations.get(`projects/${p}/locations/${l}/operations/${w as string}`);
          if (!op) throw new ApiError(404, 'NOT_FOUND', `Operation 'projects/${p}/locations/${l}/operations/${w as string}' was not found`);
          return [200, op];
        }
      }
    }
    void res;
    throw new ApiError(404, 'NOT_FOUND', `no route for ${method} ${url.pathname}`);
  }

  const server = createServer((req, res) => {
    handle(req, res).then(
      ([status, body]) => {
        if (body === undefined) return res.writeHead(status).end();
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      },
      (err: unknown) => {
        const e = err instanceof ApiError ? err : new ApiError(500, 'INTERNAL', (err as Error).message);
        res.writeHead(e.code, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: { code: e.code, message: e.message, status: e.status } }));
      },
    );
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  baseUrl = `http://${publicHost}:${port}`;

  return {
    url: baseUrl,
    port,
    execution: (name) => executions.get(name)?.run,
    async waitForIdle(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const busy = [...executions.values()].some((e) => e.run.state === 'ACTIVE' && e.run.pendingWaits === 0);
        if (!busy) return;
        if (Date.now() > deadline) throw new Error('workflows runner: executions still running after waitForIdle timeout');
        await new Promise((r) => setTimeout(r, 2));
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const e of executions.values()) e.run.cancel();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
