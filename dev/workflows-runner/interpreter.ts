/**
 * Runs a compiled program: steps, jumps, scopes, calls, errors, retries, loops, parallel
 * branches, sleeps and callbacks, within the documented limits.
 *
 * Time comes only from the injected {@link TimerClock}: `sys.sleep`, retry back-off and
 * callback time-outs are timers on it, so a frozen clock advanced by a test fires them at once.
 */
import { randomBytes } from 'node:crypto';
import type { RunnerClock as TimerClock } from './clock.js';
import { CancelledSignal, UncatchableError, WorkflowError, errorValue, raise, raiseUncatchable } from './errors.js';
import { type EvalScope, evalAsync, evalSync, index as indexValue, member } from './expressions.js';
import { SYNC_FUNCTIONS, type StepRuntime } from './stdlib.js';
import type { Block, ForSpec, LValue, Program, RetrySpec, Step, Template } from './validate.js';
import { Dbl, type Value, type WfMap, approxSize, deepCopy, encodeJson, isNumber, num, typeOf, wfMap } from './values.js';

/** Limits enforced per execution. Defaults are the service's documented limits. */
export interface Limits {
  /** Steps executed in one execution (service: 100,000). */
  maxSteps: number;
  /** Nested subworkflow calls (service: call stack depth 20). */
  maxCallDepth: number;
  /** Total size of all variables (service: 512 KB). */
  maxVariableBytes: number;
}

/** The documented limits of the service. */
export const DEFAULT_LIMITS: Limits = { maxSteps: 100_000, maxCallDepth: 20, maxVariableBytes: 512 * 1024 };

/** What an execution needs from where it runs. */
export interface ExecutionHost {
  clock: TimerClock;
  limits: Limits;
  /** `sys.get_env`. */
  env(name: string): string | undefined;
  /** `sys.log`. */
  log(entry: { severity: string; payload: Value }): void;
  /** The public URL of a callback endpoint of this execution. */
  callbackUrl(callbackId: string): string;
}

/** How an execution ended, or that it has not. */
export type ExecutionState = 'ACTIVE' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** A failure as the API reports it. */
export interface ExecutionFailure {
  payload: string;
  context: string;
  stackTrace: { elements: { step: string; routine: string }[] };
}

type Signal =
  | typeof NEXT
  | typeof END
  | typeof BREAK
  | typeof CONTINUE
  | { k: 'jump'; target: string }
  | { k: 'return'; v: Value };
const NEXT = { k: 'next' } as const;
const END = { k: 'end' } as const;
const BREAK = { k: 'break' } as const;
const CONTINUE = { k: 'continue' } as const;

function jumpSignal(target: string): Signal {
  if (target === 'end') return END;
  if (target === 'break') return BREAK;
  if (target === 'continue') return CONTINUE;
  return { k: 'jump', target };
}

/**
 * A variable scope. A subworkflow call opens a `routine` scope; a `for` iteration and an `except`
 * block open a `block` scope (variables first assigned in it vanish after it, as documented); a parallel branch
 * opens a `branch` scope, through which only `shared` variables can be written.
 */
class Scope implements EvalScope {
  readonly vars = new Map<string, Value>();
  private readonly sizes = new Map<string, number>();

  constructor(
    readonly run: Execution,
    readonly routine: string,
    readonly depth: number,
    readonly parent?: Scope,
    readonly kind: 'routine' | 'block' | 'branch' = 'routine',
    readonly shared?: Set<string>,
  ) {}

  get(name: string): Value {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walking the scope chain from here
    for (let s: Scope | undefined = this; s; s = s.kind === 'routine' ? undefined : s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    return raise('KeyError', `variable "${name}" is not defined`);
  }

  /** The scope that holds `name`, checking that a branch may write it. */
  private owner(name: string, forWrite: boolean): Scope | undefined {
    let crossedBranch: Scope | undefined;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walking the scope chain from here
    for (let s: Scope | undefined = this; s; s = s.kind === 'routine' ? undefined : s.parent) {
      if (s.vars.has(name)) {
        if (forWrite && crossedBranch && !crossedBranch.shared?.has(name)) {
          // Deployment rejects these (validate.ts checkScopes); this guards the run all the same.
          raise('TypeError', `variable "${name}" belongs to the parent of a parallel step and is not listed in "shared"`);
        }
        return s;
      }
      if (s.kind === 'branch' && !crossedBranch) crossedBranch = s;
    }
    return undefined;
  }

  set(name: string, v: Value): void {
    const s = this.owner(name, true) ?? this;
    s.vars.set(name, v);
    s.account(name, v);
  }

  /** Creates `name` in this scope, shadowing any outer variable of that name (loop and `as` variables). */
  declare(name: string, v: Value): void {
    this.vars.set(name, v);
    this.account(name, v);
  }

  /** Re-measures a variable after an in-place change (`m.key: v`, `list[i]: v`). */
  touched(name: string): void {
    const s = this.owner(name, true) as Scope;
    s.account(name, s.vars.get(name) as Value);
  }

  rootForWrite(name: string): Value {
    const s = this.owner(name, true);
    if (!s) raise('KeyError', `variable "${name}" is not defined`);
    return s.vars.get(name) as Value;
  }

  private account(name: string, v: Value): void {
    const size = approxSize(v);
    this.run.memoryUsed += size - (this.sizes.get(name) ?? 0);
    this.sizes.set(name, size);
    if (this.run.memoryUsed > this.run.host.limits.maxVariableBytes) {
      raiseUncatchable('ResourceLimitError', `memory limit exceeded: variables use more than ${this.run.host.limits.maxVariableBytes} bytes`);
    }
  }

  /** Gives the scope's memory back when it ends. */
  release(): void {
    for (const size of this.sizes.values()) this.run.memoryUsed -= size;
    this.sizes.clear();
  }

  callSubworkflow(name: string, args: Value[]): Promise<Value> {
    const def = this.run.program.routines.get(name);
    if (!def) return raise('KeyError', `unknown subworkflow ${name}`);
    if (args.length > def.params.length) raise('TypeError', `${name}() takes ${def.params.length} arguments, got ${args.length}`);
    const named = new Map<string, Value>();
    args.forEach((a, i) => named.set((def.params[i] as { name: string }).name, a));
    return this.run.callRoutine(name, named, this.depth + 1);
  }

  now(): Date {
    return this.run.host.clock.now();
  }

  env(name: string): string | undefined {
    return this.run.host.env(name);
  }
}

interface Wait {
  cancelTimer?: () => void;
  reject(e: Error): void;
}

/** One execution of a program. Create it, call {@link Execution.start}, await {@link Execution.done}. */
export class Execution implements StepRuntime {
  state: ExecutionState = 'ACTIVE';
  result: Value = null;
  failure?: ExecutionFailure;
  stepsExecuted = 0;
  memoryUsed = 0;
  /** The step running now, for the API's `status.currentSteps`. */
  currentStep = { routine: 'main', step: '' };
  readonly done: Promise<void>;
  private finish!: () => void;
  private readonly waits = new Set<Wait>();
  /** `queued`: requests received while no step waited, the service's `availablePayloads`. */
  private readonly callbacks = new Map<string, { method: string; deliver?: (request: Value) => void; queued: Value[] }>();
  private readonly observers = new Set<() => void>();

  constructor(
    readonly program: Program,
    readonly argument: Value,
    readonly host: ExecutionHost,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  /** Runs `main` to the end; the outcome lands in `state`, `result` and `failure`. */
  start(): void {
    const main = this.program.routines.get('main');
    const args = new Map<string, Value>();
    // No argument leaves main's parameter to its default, if it has one; otherwise it is null.
    const param = main?.params[0];
    if (param && (this.argument !== null || !('default' in param))) args.set(param.name, this.argument);
    this.callRoutine('main', args, 1)
      .then((v) => {
        // The result travels as JSON: bytes cannot be returned, as documented.
        encodeJson(v, () => raise('TypeError', 'the workflow result cannot be JSON-encoded (bytes or a non-finite number)'));
        return v;
      })
      .then(
      (v) => this.settle('SUCCEEDED', v),
      (e: unknown) => {
        if (e instanceof CancelledSignal) return this.settle('CANCELLED');
        if (e instanceof WorkflowError) {
          this.failure = failureOf(e);
          return this.settle('FAILED');
        }
        // A bug in the runner, not in the workflow: report it as the service's internal error.
        this.failure = {
          payload: JSON.stringify({ message: `internal runner error: ${(e as Error).message}`, tags: ['SystemError'] }),
          context: 'internal error',
          stackTrace: { elements: [] },
        };
        this.settle('FAILED');
      },
    );
  }

  /** Stops the execution where it is: pending sleeps and waits end, no `except` runs. */
  cancel(): boolean {
    if (this.state !== 'ACTIVE') return false;
    this.settle('CANCELLED');
    for (const w of [...this.waits]) {
      w.cancelTimer?.();
      w.reject(new CancelledSignal());
    }
    return true;
  }

  /**
   * The callbacks of a running execution, as the API lists them: id, method, whether a step waits
   * (`waiters`) and the requests received while none did (`availablePayloads`). An execution that
   * has ended has no active callbacks.
   */
  activeCallbacks(): { id: string; method: string; waiters: number; availablePayloads: Value[] }[] {
    if (this.state !== 'ACTIVE') return [];
    return [...this.callbacks].map(([id, cb]) => ({ id, method: cb.method, waiters: cb.deliver ? 1 : 0, availablePayloads: [...cb.queued] }));
  }

  /** True while a `events.await_callback` waits on the given callback. */
  isAwaiting(callbackId: string): boolean {
    return this.state === 'ACTIVE' && this.callbacks.get(callbackId)?.deliver !== undefined;
  }

  /**
   * Hands an HTTP request to the `await_callback` waiting on this callback or, when no step waits
   * yet, keeps it for the next one (the service lists these as the callback's `availablePayloads`).
   * Returns false for an unknown callback, another method, or an execution that has ended: the API
   * answers those with 404.
   */
  deliverCallback(callbackId: string, method: string, request: Value): boolean {
    const cb = this.callbacks.get(callbackId);
    if (!cb || this.state !== 'ACTIVE' || cb.method !== method) return false;
    if (cb.deliver) cb.deliver(request);
    else cb.queued.push(request);
    return true;
  }

  /** Calls `fn` whenever the execution parks on a wait or ends: tests use it to know when to act. */
  onChange(fn: () => void): () => void {
    this.observers.add(fn);
    return () => this.observers.delete(fn);
  }

  /** Number of timers and callback waits this execution is parked on. */
  get pendingWaits(): number {
    return this.waits.size;
  }

  private settle(state: ExecutionState, result: Value = null): void {
    if (this.state !== 'ACTIVE') return;
    this.state = state;
    this.result = result;
    this.finish();
    this.notify();
  }

  private notify(): void {
    for (const fn of this.observers) fn();
  }

  private checkActive(): void {
    if (this.state !== 'ACTIVE') throw new CancelledSignal();
  }

  // ---- StepRuntime: what waiting functions use ----

  sleep(ms: number): Promise<void> {
    this.checkActive();
    return new Promise<void>((resolve, reject) => {
      const wait: Wait = { reject };
      wait.cancelTimer = this.host.clock.setTimer(new Date(this.host.clock.now().getTime() + ms), () => {
        this.waits.delete(wait);
        resolve();
      });
      this.waits.add(wait);
      this.notify();
    });
  }

  log(entry: { severity: string; payload: Value }): void {
    this.host.log(entry);
  }

  createCallback(method: string): Value {
    const id = randomBytes(12).toString('hex');
    this.callbacks.set(id, { method, queued: [] });
    return wfMap({ url: this.host.callbackUrl(id) });
  }

  awaitCallback(callback: Value, timeoutSeconds: number): Promise<Value> {
    this.checkActive();
    const url = callback instanceof Map ? callback.get('url') : undefined;
    const id = typeof url === 'string' ? url.slice(url.lastIndexOf('/') + 1) : '';
    const cb = this.callbacks.get(id);
    if (!cb) return raise('ValueError', 'events.await_callback: the callback was not created by this execution');
    const early = cb.queued.shift();
    if (early !== undefined) return Promise.resolve(early);
    return new Promise<Value>((resolve, reject) => {
      const wait: Wait = { reject };
      const done = (): void => {
        this.waits.delete(wait);
        wait.cancelTimer?.();
        cb.deliver = undefined;
      };
      cb.deliver = (request) => {
        done();
        resolve(request);
      };
      wait.cancelTimer = this.host.clock.setTimer(new Date(this.host.clock.now().getTime() + timeoutSeconds * 1000), () => {
        done();
        reject(new WorkflowError(errorValue(['TimeoutError'], `timed out after ${timeoutSeconds}s waiting for a callback`)));
      });
      this.waits.add(wait);
      this.notify();
    });
  }

  // ---- the interpreter ----

  /** Runs a subworkflow with named arguments at call depth `depth`. */
  async callRoutine(name: string, args: Map<string, Value>, depth: number): Promise<Value> {
    if (depth > this.host.limits.maxCallDepth) {
      raise('RecursionError', `maximum call depth of ${this.host.limits.maxCallDepth} exceeded calling "${name}"`);
    }
    const def = this.program.routines.get(name);
    if (!def) return raise('KeyError', `unknown subworkflow ${name}`);
    const scope = new Scope(this, name, depth);
    try {
      for (const p of def.params) {
        const given = args.get(p.name);
        // Arguments are passed by value, as every assignment is: the callee gets its own copy.
        if (given !== undefined) scope.set(p.name, deepCopy(given));
        else if ('default' in p) scope.set(p.name, deepCopy(p.default as Value));
        else raise('TypeError', `subworkflow "${name}" is missing argument "${p.name}"`);
      }
      const sig = await this.runBlock(def.body, scope);
      return sig.k === 'return' ? sig.v : null;
    } finally {
      scope.release();
    }
  }

  private async runBlock(block: Block, scope: Scope): Promise<Signal> {
    const steps = block.steps;
    let i = 0;
    while (i < steps.length) {
      const sig = await this.runStep(steps[i] as Step, scope);
      if (sig === NEXT) {
        i++;
        continue;
      }
      if (sig.k === 'jump') {
        const j = block.index.get(sig.target);
        if (j !== undefined) {
          i = j;
          continue;
        }
      }
      return sig;
    }
    return NEXT;
  }

  private async runStep(step: Step, scope: Scope): Promise<Signal> {
    this.checkActive();
    if (++this.stepsExecuted > this.host.limits.maxSteps) {
      raiseUncatchable('ResourceLimitError', `the execution exceeded the limit of ${this.host.limits.maxSteps} steps`);
    }
    this.currentStep = { routine: scope.routine, step: step.name };
    try {
      return await this.runBody(step, scope);
    } catch (e) {
      if (e instanceof WorkflowError && e.trace.at(-1)?.routine !== scope.routine) e.trace.push({ step: step.name, routine: scope.routine });
      throw e;
    }
  }

  /** The step's own work, then its `next`. */
  private async runBody(step: Step, scope: Scope): Promise<Signal> {
    if (step.assign) {
      for (const a of step.assign) {
        const v = this.value(a.value, scope);
        if (v instanceof Promise || a.target.async) await this.assignAsync(a.target, await v, scope);
        else this.assignSync(a.target, v, scope);
      }
    } else if (step.call) {
      await this.call(step, scope);
    } else if (step.switch) {
      for (const c of step.switch) {
        const cond = await this.value(c.condition, scope);
        if (typeof cond !== 'boolean') raise('TypeError', `switch condition must be a boolean, got ${typeOf(cond)}`);
        // A matching case runs its body; without a jump of its own it then follows the switch
        // step's `next` (as the documented example with nested steps does), else the next step.
        if (cond) {
          const sig = await this.runBody(c.body, scope);
          return sig === NEXT && step.next !== undefined ? jumpSignal(step.next) : sig;
        }
      }
    } else if (step.steps) {
      const sig = await this.runBlock(step.steps, scope);
      if (sig !== NEXT) return sig;
    } else if (step.for) {
      const sig = await this.runFor(step.for, scope);
      if (sig !== NEXT) return sig;
    } else if (step.parallel) {
      await this.runParallel(step, scope);
    } else if (step.try) {
      const sig = await this.runTry(step.try, scope);
      if (sig !== NEXT) return sig;
    } else if (step.raise) {
      const raised = await this.value(step.raise, scope);
      // Documented: "Errors can be either a string or a map".
      if (typeof raised !== 'string' && !(raised instanceof Map)) raise('TypeError', `raise takes a string or a map, got ${typeOf(raised)}`);
      throw new WorkflowError(deepCopy(raised));
    } else if (step.return) {
      return { k: 'return', v: await this.value(step.return, scope) };
    }
    return step.next === undefined ? NEXT : jumpSignal(step.next);
  }

  /**
   * Evaluates a template; container constants are copied so no execution can change them.
   * Templates without subworkflow calls are evaluated without yielding, which keeps each
   * assignment atomic with respect to parallel branches (as the service guarantees for
   * assignments to shared variables).
   */
  private value(t: Template, scope: Scope): Value | Promise<Value> {
    return isAsyncTemplate(t) ? this.valueAsync(t, scope) : valueSync(t, scope);
  }

  private async valueAsync(t: Template, scope: Scope): Promise<Value> {
    switch (t.k) {
      case 'const':
        return typeof t.v === 'object' && t.v !== null && !(t.v instanceof Dbl) ? deepCopy(t.v) : t.v;
      case 'expr':
        return t.e.async ? evalAsync(t.e, scope) : evalSync(t.e, scope);
      case 'list': {
        const out: Value[] = [];
        for (const x of t.items) out.push(await this.value(x, scope));
        return out;
      }
      case 'map': {
        const m: WfMap = new Map();
        for (const [k, x] of t.entries) m.set(k, await this.value(x, scope));
        return m;
      }
    }
  }

  private async assignAsync(target: LValue, v: Value, scope: Scope): Promise<void> {
    const keys: Value[] = [];
    for (const seg of target.path) keys.push(seg.k === 'key' ? seg.name : await evalAsync(seg.e, scope));
    this.store(target, v, scope, keys);
  }

  private assignSync(target: LValue, v: Value, scope: Scope): void {
    this.store(target, v, scope, target.path.map((seg) => (seg.k === 'key' ? seg.name : evalSync(seg.e, scope))));
  }

  private store(target: LValue, v: Value, scope: Scope, keys: Value[]): void {
    // Lists and maps are values: assigning one never aliases another variable's.
    const value = typeof v === 'object' && v !== null && !(v instanceof Dbl) && !(v instanceof Uint8Array) ? deepCopy(v) : v;
    if (target.path.length === 0) return scope.set(target.root, value);
    let cur = scope.rootForWrite(target.root);
    const path = target.path;
    for (let i = 0; i < path.length; i++) {
      const key = keys[i] as Value;
      const last = i === path.length - 1;
      if (Array.isArray(cur)) {
        if (typeof key !== 'number') raise('TypeError', `list index must be an integer, got ${typeOf(key)}`);
        if (key < 0 || key >= cur.length) raise('IndexError', `list index out of range: ${key}`);
        if (last) cur[key] = value;
        else cur = indexValue(cur, key);
      } else if (cur instanceof Map) {
        if (typeof key !== 'string') raise('TypeError', `map key must be a string, got ${typeOf(key)}`);
        if (last) cur.set(key, value);
        else {
          // Assigning through a missing key creates the intermediate map (the docs show nested
          // keys being created by assignment; they do not say what a missing middle key does).
          if (!cur.has(key)) cur.set(key, new Map());
          cur = member(cur, key);
        }
      } else raise('TypeError', `cannot assign into ${typeOf(cur)}`);
    }
    scope.touched(target.root);
  }

  private async call(step: Step, scope: Scope): Promise<void> {
    const c = step.call as NonNullable<Step['call']>;
    const named = new Map<string, Value>();
    for (const [k, t] of c.args) named.set(k, await this.value(t, scope));
    let result: Value;
    if (c.sub) {
      result = await this.callRoutine(c.sub, named, scope.depth + 1);
    } else {
      const fn = c.fn as NonNullable<typeof c.fn>;
      const positional = fn.params.map((p) => named.get(p));
      if (fn.kind === 'sync') {
        // Optional arguments left out are passed as absent, so documented defaults apply.
        const args = positional.slice(0, Math.max(fn.required, lastDefined(positional) + 1)) as Value[];
        result = fn.fn(args, scope);
      } else {
        result = await fn.run(positional, this, scope);
        this.checkActive();
        this.notify();
      }
    }
    if (c.result) scope.set(c.result, result);
  }

  private async iterationValues(spec: ForSpec, scope: Scope): Promise<Value[]> {
    if (spec.in) {
      const coll = await this.value(spec.in, scope);
      // A snapshot, as a value: changing the list or an item inside the loop changes neither the
      // iteration nor the original (lists and maps are passed by value).
      if (Array.isArray(coll)) return deepCopy(coll) as Value[];
      // Iterating a map walks its keys, as documented for `for ... in: ${keys(m)}`-free loops.
      if (coll instanceof Map) return [...coll.keys()];
      return raise('TypeError', `"for.in" must be a list or a map, got ${typeOf(coll)}`);
    }
    // Deploy checked what the source shows; what an expression yields is checked here. A value
    // of the wrong type is a TypeError, a list of the wrong length a ValueError, as the
    // documentation defines the two.
    const range = await this.value(spec.range as Template, scope);
    if (!Array.isArray(range)) return raise('TypeError', `"for.range" must be a list of two numbers, got ${typeOf(range)}`);
    if (range.length !== 2) return raise('ValueError', `"for.range" must be a list of two numbers, got ${range.length} item${range.length === 1 ? '' : 's'}`);
    const [lo, hi] = range as [Value, Value];
    if (!isNumber(lo) || !isNumber(hi)) return raise('TypeError', `"for.range" bounds must be numbers, got ${typeOf(lo)} and ${typeOf(hi)}`);
    // The range is inclusive at both ends, as documented; doubles step by 1 from the start, and
    // a start beyond the end gives no iteration.
    const out: Value[] = [];
    const asDouble = lo instanceof Dbl || hi instanceof Dbl;
    for (let x = num(lo); x <= num(hi); x++) out.push(asDouble ? new Dbl(x) : x);
    return out;
  }

  private async runFor(spec: ForSpec, scope: Scope): Promise<Signal> {
    const items = await this.iterationValues(spec, scope);
    for (let i = 0; i < items.length; i++) {
      const iter = new Scope(this, scope.routine, scope.depth, scope, 'block');
      try {
        if (spec.value) iter.declare(spec.value, items[i] as Value);
        if (spec.index) iter.declare(spec.index, i);
        const sig = await this.runBlock(spec.steps, iter);
        if (sig === BREAK) break;
        if (sig === NEXT || sig === CONTINUE) continue;
        return sig;
      } finally {
        iter.release();
      }
    }
    return NEXT;
  }

  private async runParallel(step: Step, scope: Scope): Promise<void> {
    const p = step.parallel as NonNullable<Step['parallel']>;
    const tasks: { id: string; run: (s: Scope) => Promise<void> }[] = [];
    const runBranch = async (block: Block, s: Scope): Promise<void> => {
      // `return`, `next: end` and loop controls end the branch (or iteration) only.
      await this.runBlock(block, s);
    };
    if (p.branches) {
      for (const b of p.branches) tasks.push({ id: b.name, run: (s) => runBranch(b.steps, s) });
    } else {
      const spec = p.for as ForSpec;
      const items = await this.iterationValues(spec, scope);
      items.forEach((item, i) =>
        tasks.push({
          id: String(i),
          run: (s) => {
            if (spec.value) s.declare(spec.value, item);
            if (spec.index) s.declare(spec.index, i);
            return runBranch(spec.steps, s);
          },
        }),
      );
    }
    const failures: Value[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < tasks.length) {
        const task = tasks[next++] as (typeof tasks)[number];
        const s = new Scope(this, scope.routine, scope.depth, scope, 'branch', p.shared);
        try {
          await task.run(s);
        } catch (e) {
          if (!(e instanceof WorkflowError) || e instanceof UncatchableError) throw e;
          // exception_policy continueAll: the other branches run on; the step raises at the end.
          failures.push(wfMap({ id: task.id, error: e.value }));
        } finally {
          s.release();
        }
      }
    };
    let limit = tasks.length;
    if (p.concurrencyLimit) {
      const v = await this.value(p.concurrencyLimit, scope);
      if (typeof v !== 'number') raise('TypeError', `concurrency_limit must be an integer, got ${typeOf(v)}`);
      if (v < 1) raise('ValueError', `concurrency_limit must be at least 1, got ${v}`);
      limit = v;
    }
    const width = Math.min(limit, tasks.length);
    await Promise.all(Array.from({ length: width }, worker));
    if (failures.length > 0) {
      raise('UnhandledBranchError', `${failures.length} branch(es) of parallel step "${step.name}" raised an unhandled error`, { branches: failures });
    }
  }

  private async runTry(spec: NonNullable<Step['try']>, scope: Scope): Promise<Signal> {
    let attempt = 0;
    let retry: { max: number; delay: number; maxDelay: number; multiplier: number } | undefined;
    for (;;) {
      try {
        return await this.runBody(spec.body, scope);
      } catch (e) {
        if (!(e instanceof WorkflowError) || e instanceof UncatchableError) throw e;
        if (spec.retry) {
          retry ??= await this.retrySettings(spec.retry, scope);
          if (attempt < retry.max && (await this.shouldRetry(spec.retry, e.value, scope))) {
            const delay = Math.min(retry.delay * retry.multiplier ** attempt, retry.maxDelay);
            attempt++;
            await this.sleep(delay * 1000);
            continue;
          }
        }
        if (!spec.except) throw e;
        // Documented: the `as` variable and every variable first created inside `except` are
        // local to the except block; assignments to variables that already exist outside persist.
        const local = new Scope(this, scope.routine, scope.depth, scope, 'block');
        try {
          if (spec.except.as) local.declare(spec.except.as, e.value);
          return spec.except.steps ? await this.runBlock(spec.except.steps, local) : NEXT;
        } finally {
          local.release();
        }
      }
    }
  }

  private async retrySettings(r: RetrySpec, scope: Scope): Promise<{ max: number; delay: number; maxDelay: number; multiplier: number }> {
    const n = async (t: Template, what: string): Promise<number> => {
      const v = await this.value(t, scope);
      if (!isNumber(v)) raise('TypeError', `retry ${what} must be a number, got ${typeOf(v)}`);
      return num(v);
    };
    return {
      max: await n(r.maxRetries, 'max_retries'),
      delay: await n(r.initialDelay, 'initial_delay'),
      maxDelay: await n(r.maxDelay, 'max_delay'),
      multiplier: await n(r.multiplier, 'multiplier'),
    };
  }

  private async shouldRetry(r: RetrySpec, error: Value, scope: Scope): Promise<boolean> {
    let verdict: Value;
    if ('builtin' in r.predicate) verdict = (SYNC_FUNCTIONS[r.predicate.builtin] as { fn: (a: Value[], s: EvalScope) => Value }).fn([error], scope);
    else verdict = await scope.callSubworkflow(r.predicate.sub, [error]);
    if (typeof verdict !== 'boolean') raise('TypeError', `retry predicate must return a boolean, got ${typeOf(verdict)}`);
    return verdict;
  }
}

const asyncTemplates = new WeakMap<Template, boolean>();

/** True when evaluating the template may call a subworkflow (and so must be awaited). */
function isAsyncTemplate(t: Template): boolean {
  let known = asyncTemplates.get(t);
  if (known === undefined) {
    known =
      t.k === 'expr' ? t.e.async === true : t.k === 'list' ? t.items.some(isAsyncTemplate) : t.k === 'map' ? t.entries.some(([, x]) => isAsyncTemplate(x)) : false;
    asyncTemplates.set(t, known);
  }
  return known;
}

function valueSync(t: Template, scope: Scope): Value {
  switch (t.k) {
    case 'const':
      return typeof t.v === 'object' && t.v !== null && !(t.v instanceof Dbl) ? deepCopy(t.v) : t.v;
    case 'expr':
      return evalSync(t.e, scope);
    case 'list':
      return t.items.map((x) => valueSync(x, scope));
    case 'map': {
      const m: WfMap = new Map();
      for (const [k, x] of t.entries) m.set(k, valueSync(x, scope));
      return m;
    }
  }
}

function lastDefined(xs: (Value | undefined)[]): number {
  for (let i = xs.length - 1; i >= 0; i--) if (xs[i] !== undefined) return i;
  return -1;
}

/** The API's view of an uncaught error: the raised value as JSON, and where it happened. */
function failureOf(e: WorkflowError): ExecutionFailure {
  let payload: string;
  try {
    payload = JSON.stringify(toPayloadJs(e.value));
  } catch {
    payload = JSON.stringify(String(e.message));
  }
  const where = e.trace[0];
  return {
    payload,
    context: where ? `${e.message} in step "${where.step}", routine "${where.routine}"` : e.message,
    stackTrace: { elements: e.trace.map((t) => ({ step: t.step, routine: t.routine })) },
  };
}

function toPayloadJs(v: Value): unknown {
  if (v instanceof Dbl) return v.v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(toPayloadJs);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toPayloadJs(x)]));
  return v;
}
