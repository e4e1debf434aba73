/**
 * Deploy-time compilation: YAML (or JSON) source → a checked program the interpreter runs.
 *
 * Everything that can be known before running is checked here, and a failure names the step:
 * unknown `next` targets, unknown subworkflows and functions (in `call` and in expressions),
 * waiting functions inside expressions, bad argument names, malformed expressions, and every
 * construct the runner does not implement. Deploying is therefore a proof that the runner can
 * run the workflow's syntax.
 */
import { parse as parseYaml } from 'yaml';
import { DeployError } from './errors.js';
import { type Expr, ExpressionSyntaxError, markAsync, parseExpression, walk } from './expressions.js';
import { type StdFunction, lookupFunction } from './stdlib.js';
import { type Value, fromJs, isNumber, toJs } from './values.js';

/** A value from the source with its `${...}` expressions compiled. */
export type Template =
  | { k: 'const'; v: Value }
  | { k: 'expr'; e: Expr }
  | { k: 'list'; items: Template[] }
  | { k: 'map'; entries: [string, Template][] };

/** The target of an assignment: a variable, then keys and indexes into it. */
export interface LValue {
  root: string;
  /** True when an index expression calls a subworkflow. */
  async?: boolean;
  path: ({ k: 'key'; name: string } | { k: 'idx'; e: Expr })[];
}

/** A retry policy: one of the built-in ones or a custom one. */
export interface RetrySpec {
  predicate: { builtin: string } | { sub: string };
  maxRetries: Template;
  initialDelay: Template;
  maxDelay: Template;
  multiplier: Template;
}

/** A compiled step. Exactly one of the kind-specific fields is set (none for a bare `next`). */
export interface Step {
  name: string;
  /** `next` target: a step name, or `end` / `break` / `continue`. */
  next?: string;
  assign?: { target: LValue; value: Template }[];
  call?: { fn?: StdFunction; sub?: string; args: Map<string, Template>; result?: string };
  switch?: { condition: Template; body: Step }[];
  steps?: Block;
  for?: ForSpec;
  /** `concurrencyLimit` may be a literal or an expression, as documented. */
  parallel?: { shared: Set<string>; branches?: { name: string; steps: Block }[]; for?: ForSpec; concurrencyLimit?: Template };
  /** `except.steps` is optional in the service: an except with only `as` swallows the error. */
  try?: { body: Step; retry?: RetrySpec; except?: { as?: string; steps?: Block } };
  raise?: Template;
  return?: Template;
}

/** A `for` loop over `in` or `range`. */
export interface ForSpec {
  value?: string;
  index?: string;
  in?: Template;
  /** A list of two numbers (`[1, 9]`) or an expression that evaluates to one (`${[0, n - 1]}`). */
  range?: Template;
  steps: Block;
}

/** A list of steps and where each name sits in it. */
export interface Block {
  steps: Step[];
  index: Map<string, number>;
}

/** A subworkflow (or `main`). */
export interface Subworkflow {
  name: string;
  params: { name: string; default?: Value }[];
  body: Block;
}

/** A deployed, checked workflow. */
export interface Program {
  routines: Map<string, Subworkflow>;
}

const STEP_KINDS = ['assign', 'call', 'switch', 'steps', 'for', 'parallel', 'try', 'raise', 'return'] as const;
const ALLOWED_WITH: Record<string, string[]> = {
  assign: ['next'],
  call: ['args', 'result', 'next'],
  switch: ['next'],
  steps: ['next'],
  for: ['next'],
  parallel: ['next'],
  try: ['retry', 'except', 'next'],
  raise: [],
  return: [],
  '': ['next'],
};
const RETRY_PREDICATES = ['http.default_retry_predicate', 'http.default_retry_predicate_non_idempotent', 'retry.always', 'retry.never'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * The documented limit on an expression's length, in characters (quotas#resource_limits). The
 * runner counts the whole `${...}` as written, delimiters included, so that nothing it accepts
 * can be over the limit however the service counts.
 */
export const MAX_EXPRESSION_LENGTH = 400;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where in the routine tree a step sits: used to check jumps and loop controls. */
interface Frame {
  block: Block;
  /** The boundary between this block and its parent: jumps may not cross loops or branches. */
  boundary: 'none' | 'for' | 'parallel';
}

interface PendingJump {
  step: string;
  target: string;
  frames: Frame[];
}

/**
 * Compiles workflow source. Throws {@link DeployError} naming the step when the source uses
 * anything the runner does not implement or refers to something that does not exist.
 */
export function compileWorkflow(source: string): Program {
  let doc: unknown;
  try {
    doc = parseYaml(source);
  } catch (e) {
    throw new DeployError(`could not parse the workflow source: ${(e as Error).message}`);
  }
  let raw: Record<string, unknown>;
  if (Array.isArray(doc)) raw = { main: { steps: doc } };
  else if (isRecord(doc)) raw = doc;
  else throw new DeployError('the workflow source must be a list of steps or a map of subworkflows');
  if (!('main' in raw)) throw new DeployError('the workflow has no "main" subworkflow');

  const routineNames = new Set(Object.keys(raw));
  const program: Program = { routines: new Map() };
  for (const [name, def] of Object.entries(raw)) {
    if (!NAME.test(name)) throw new DeployError(`invalid subworkflow name "${name}"`);
    if (!isRecord(def)) throw new DeployError(`subworkflow "${name}" must be a map with "steps"`);
    for (const key of Object.keys(def)) {
      if (key !== 'params' && key !== 'steps') throw new DeployError(`subworkflow "${name}": unsupported key "${key}"`);
    }
    const params = compileParams(name, def.params);
    if (name === 'main' && params.length > 1) throw new DeployError('subworkflow "main" takes at most one parameter (the runtime argument)');
    const c = new Compiler(name, routineNames, raw);
    for (const p of params) c.created(name, p.name, 'param');
    const body = c.block(def.steps, [], `subworkflow "${name}"`);
    c.checkJumps();
    c.checkScopes();
    program.routines.set(name, { name, params, body });
  }
  return program;
}

function compileParams(routine: string, raw: unknown): Subworkflow['params'] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new DeployError(`subworkflow "${routine}": params must be a list`);
  return raw.map((p) => {
    if (typeof p === 'string' && NAME.test(p)) return { name: p };
    if (isRecord(p) && Object.keys(p).length === 1) {
      const [name, def] = Object.entries(p)[0] as [string, unknown];
      if (NAME.test(name)) return { name, default: fromJs(def) };
    }
    throw new DeployError(`subworkflow "${routine}": invalid parameter ${JSON.stringify(p)}`);
  });
}

class Compiler {
  private readonly stepNames = new Set<string>();
  private readonly jumps: PendingJump[] = [];
  /**
   * Variable scopes: 0 is the subworkflow; each for-loop body, `except` block and parallel
   * branch opens a child. `scopeParent[i]` is the parent of scope i.
   */
  private readonly scopeParent: number[] = [-1];
  /** For each scope that is a parallel branch, its `shared` variables and where in the source it starts. */
  private readonly branches = new Map<number, { shared: Set<string>; start: number }>();
  private scope = 0;
  /** Counts creations in source order, so "created before the parallel step" can be told. */
  private order = 0;
  /** Where each variable is created (assigned, `result`, loop variable, `as`, parameter): scope and source order. */
  private readonly creations = new Map<string, { scope: number; order: number }[]>();
  private readonly reads: { step: string; name: string; scope: number }[] = [];
  /** Assignments the workflow writes, whole or through a path (not loop variables or `as`), for the `shared` rule. */
  private readonly writes: { step: string; name: string; scope: number }[] = [];
  /** Loop variables (`value`, `index`) and the body scope of their loop. */
  private readonly loopVars: { step: string; name: string; scope: number }[] = [];

  constructor(
    private readonly routine: string,
    private readonly routines: Set<string>,
    private readonly rawRoutines: Record<string, unknown>,
  ) {}

  private fail(step: string, message: string): never {
    throw new DeployError(`step "${step}" in subworkflow "${this.routine}": ${message}`, step);
  }

  block(raw: unknown, outer: Frame[], where: string, boundary: Frame['boundary'] = 'none'): Block {
    if (!Array.isArray(raw) || raw.length === 0) throw new DeployError(`${where}: "steps" must be a non-empty list`);
    const block: Block = { steps: [], index: new Map() };
    const frames = [...outer, { block, boundary }];
    for (const item of raw) {
      if (!isRecord(item) || Object.keys(item).length !== 1) {
        throw new DeployError(`${where}: each step must be a map with exactly one key, the step name`);
      }
      const [name, body] = Object.entries(item)[0] as [string, unknown];
      if (this.stepNames.has(name)) this.fail(name, 'duplicate step name');
      this.stepNames.add(name);
      block.index.set(name, block.steps.length);
      block.steps.push(this.step(name, body, frames));
    }
    return block;
  }

  checkJumps(): void {
    for (const j of this.jumps) {
      if (j.target === 'end') continue;
      if (j.target === 'break' || j.target === 'continue') {
        // The nearest loop-like boundary decides: a parallel branch cannot break its enclosing loop.
        const inner = [...j.frames].reverse().find((f) => f.boundary !== 'none');
        if (inner?.boundary !== 'for') {
          this.fail(j.step, inner ? `"next: ${j.target}" cannot leave a parallel branch` : `"next: ${j.target}" is only allowed inside a for loop`);
        }
        continue;
      }
      let found = false;
      for (let i = j.frames.length - 1; i >= 0; i--) {
        const f = j.frames[i] as Frame;
        if (f.block.index.has(j.target)) {
          found = true;
          break;
        }
        if (f.boundary !== 'none') break;
      }
      if (!found) {
        this.fail(
          j.step,
          this.stepNames.has(j.target)
            ? `"next: ${j.target}" jumps out of a for loop or parallel branch, which is not allowed`
            : `"next" refers to unknown step "${j.target}"`,
        );
      }
    }
  }

  /** Compiles `inner` in a new variable scope (a loop body, an except block, a branch with its `shared` names). */
  private inScope<T>(inner: () => T, shared?: Set<string>): T {
    const outer = this.scope;
    this.scope = this.scopeParent.push(outer) - 1;
    if (shared) this.branches.set(this.scope, { shared, start: this.order });
    try {
      return inner();
    } finally {
      this.scope = outer;
    }
  }

  /** Records that `step` creates variable `name` in the current scope (or assigns it, if it exists). */
  created(step: string, name: string, how: 'param' | 'assign' | 'loop' | 'as' = 'assign'): void {
    let where = this.creations.get(name);
    if (!where) this.creations.set(name, (where = []));
    where.push({ scope: this.scope, order: this.order++ });
    if (how === 'assign') this.writes.push({ step, name, scope: this.scope });
    if (how === 'loop') this.loopVars.push({ step, name, scope: this.scope });
  }

  /** True when scope `inner` is `outer` or nested in it. */
  private within(inner: number, outer: number): boolean {
    for (let s = inner; s >= 0; s = this.scopeParent[s] as number) if (s === outer) return true;
    return false;
  }

  private read(step: string, e: Expr): void {
    walk(e, (n) => {
      if (n.k === 'var') this.reads.push({ step, name: n.name, scope: this.scope });
    });
  }

  /** The deploy-time variable rules of the documentation, checked once the subworkflow is compiled. */
  checkScopes(): void {
    this.checkSharedWrites();
    this.checkLoopVariables();
    this.checkReadsInScope();
  }

  /**
   * Documented for parallel steps: assigning a variable of the parent scope that is not listed in
   * `shared` is a deployment error. Only creations before the parallel step count: a name first
   * created after it is not a parent variable while the branches run.
   */
  private checkSharedWrites(): void {
    for (const w of this.writes) {
      for (let b = w.scope; b >= 0; b = this.scopeParent[b] as number) {
        const branch = this.branches.get(b);
        if (!branch || branch.shared.has(w.name)) continue;
        const parent = this.scopeParent[b] as number;
        if ((this.creations.get(w.name) ?? []).some((c) => c.order < branch.start && this.within(parent, c.scope))) {
          this.fail(w.step, `variable "${w.name}" belongs to the scope around a parallel step; list it in "shared" to assign it in a branch`);
        }
      }
    }
  }

  /**
   * Documented for loops: the loop variable "must not be used in assignments or expressions
   * outside of the loop"; the same name may serve several loops that are not nested.
   */
  private checkLoopVariables(): void {
    for (const v of this.loopVars) {
      for (const other of this.loopVars) {
        if (other !== v && other.name === v.name && other.scope !== v.scope && this.within(other.scope, v.scope)) {
          this.fail(other.step, `loop variable "${v.name}" is already the variable of the enclosing loop "${v.step}"`);
        }
      }
      // A use inside another (sibling) loop over the same name is that loop's variable.
      const loopScopes = this.loopVars.filter((o) => o.name === v.name).map((o) => o.scope);
      const outside = [...this.reads, ...this.writes].find((u) => u.name === v.name && !loopScopes.some((l) => this.within(u.scope, l)));
      if (outside) this.fail(outside.step, `"${v.name}" is the variable of loop "${v.step}" and cannot be used outside that loop`);
    }
  }

  /**
   * Documented: a variable created inside a for loop or an except block (or a parallel branch)
   * exists only there, and using it outside "will raise an error when deploying the workflow".
   * A read is rejected when the variable is created in this subworkflow but in no scope that
   * encloses the read. A variable created nowhere in the subworkflow is left to fail at run
   * time with a KeyError: the documentation does not say the service rejects that at deploy.
   */
  private checkReadsInScope(): void {
    for (const r of this.reads) {
      const where = this.creations.get(r.name);
      if (where && !where.some((c) => this.within(r.scope, c.scope))) {
        this.fail(
          r.step,
          `variable "${r.name}" is created only inside a for loop, except block or parallel branch that does not enclose this step; assign it before that block to use it here`,
        );
      }
    }
  }

  step(name: string, raw: unknown, frames: Frame[]): Step {
    if (!isRecord(raw)) this.fail(name, 'a step must be a map');
    const keys = Object.keys(raw);
    const kinds = keys.filter((k) => (STEP_KINDS as readonly string[]).includes(k));
    if (kinds.length > 1) this.fail(name, `a step cannot combine ${kinds.join(' and ')}`);
    const kind = kinds[0] ?? '';
    for (const k of keys) {
      if (k !== kind && !(ALLOWED_WITH[kind] ?? []).includes(k)) {
        this.fail(name, kind ? `"${k}" is not allowed in a ${kind} step` : `unsupported construct "${k}"`);
      }
    }
    if (kind === '' && !('next' in raw)) this.fail(name, 'the step does nothing (no assign, call, switch, steps, for, parallel, try, raise, return or next)');
    const step: Step = { name };
    if ('next' in raw) {
      if (typeof raw.next !== 'string') this.fail(name, '"next" must be a step name');
      step.next = raw.next;
      this.jumps.push({ step: name, target: raw.next, frames });
    }
    switch (kind) {
      case 'assign':
        step.assign = this.assign(name, raw.assign);
        break;
      case 'call':
        step.call = this.call(name, raw);
        break;
      case 'switch':
        step.switch = this.switch(name, raw.switch, frames);
        break;
      case 'steps':
        step.steps = this.block(raw.steps, frames, `step "${name}"`);
        break;
      case 'for':
        step.for = this.forLoop(name, raw.for, frames);
        break;
      case 'parallel':
        step.parallel = this.parallel(name, raw.parallel, frames);
        break;
      case 'try':
        step.try = this.tryStep(name, raw, frames);
        break;
      case 'raise':
        step.raise = this.template(name, raw.raise);
        break;
      case 'return':
        step.return = this.template(name, raw.return);
        break;
    }
    return step;
  }

  /** Compiles a value from the source: strings of the form `${...}` become expressions. */
  template(step: string, raw: unknown): Template {
    if (typeof raw === 'string') {
      const text = raw.trim();
      const m = /^\$\{([\s\S]*)\}$/.exec(text);
      if (!m) return { k: 'const', v: raw };
      const length = [...text].length;
      if (length > MAX_EXPRESSION_LENGTH) {
        this.fail(step, `an expression is ${length} characters long, over the documented limit of ${MAX_EXPRESSION_LENGTH}: ${[...text].slice(0, 40).join('')}…`);
      }
      return { k: 'expr', e: this.expr(step, m[1] as string) };
    }
    if (Array.isArray(raw)) {
      const items = raw.map((x) => this.template(step, x));
      return items.every((t) => t.k === 'const') ? { k: 'const', v: fromJs(raw) } : { k: 'list', items };
    }
    if (isRecord(raw)) {
      const entries = Object.entries(raw).map(([k, x]) => [k, this.template(step, x)] as [string, Template]);
      return entries.every(([, t]) => t.k === 'const') ? { k: 'const', v: fromJs(raw) } : { k: 'map', entries };
    }
    return { k: 'const', v: fromJs(raw) };
  }

  /** Compiles an expression; its variables are recorded as reads unless `reads` is false. */
  expr(step: string, src: string, reads = true): Expr {
    let e: Expr;
    try {
      e = parseExpression(src);
    } catch (err) {
      if (err instanceof ExpressionSyntaxError) this.fail(step, `invalid expression: ${err.message}`);
      throw err;
    }
    walk(e, (n) => {
      if (n.k !== 'call') return;
      const fn = lookupFunction(n.name);
      if (fn?.kind === 'sync') {
        if (n.args.length < fn.required || n.args.length > fn.params.length) {
          this.fail(step, `${n.name}() takes ${fn.required === fn.params.length ? fn.required : `${fn.required} to ${fn.params.length}`} arguments, got ${n.args.length}`);
        }
        n.fn = fn.fn;
      } else if (fn?.kind === 'step') {
        this.fail(step, `${n.name} waits, so it can only be used in a call step, not in an expression`);
      } else if (this.routines.has(n.name) && n.name !== 'main') {
        n.sub = true;
      } else this.fail(step, `unknown function "${n.name}" in expression`);
    });
    markAsync(e);
    if (reads) this.read(step, e);
    return e;
  }

  lvalue(step: string, src: string): LValue {
    const e = this.expr(step, src, false);
    const path: LValue['path'] = [];
    let cur = e;
    while (cur.k === 'member' || cur.k === 'index') {
      path.unshift(cur.k === 'member' ? { k: 'key', name: cur.name } : { k: 'idx', e: cur.idx });
      cur = cur.obj;
    }
    if (cur.k !== 'var') this.fail(step, `cannot assign to "${src}"`);
    // `x: v` creates x here; `x.k: v` and `x[i]: v` change an x that must already exist.
    if (path.length === 0) this.created(step, cur.name);
    else {
      this.read(step, e);
      this.writes.push({ step, name: cur.name, scope: this.scope });
    }
    return { root: cur.name, path, async: e.async === true };
  }

  assign(step: string, raw: unknown): Step['assign'] {
    if (!Array.isArray(raw) || raw.length === 0) this.fail(step, '"assign" must be a non-empty list');
    // The documented limit on assignments per step.
    if (raw.length > 50) this.fail(step, 'an assign step can hold at most 50 assignments');
    return raw.map((item) => {
      if (!isRecord(item) || Object.keys(item).length !== 1) this.fail(step, 'each assignment must be a map with one key');
      const [target, value] = Object.entries(item)[0] as [string, unknown];
      return { target: this.lvalue(step, target), value: this.template(step, value) };
    });
  }

  call(step: string, raw: Record<string, unknown>): NonNullable<Step['call']> {
    const target = raw.call;
    if (typeof target !== 'string') this.fail(step, '"call" must name a function or subworkflow');
    if (raw.args !== undefined && !isRecord(raw.args)) this.fail(step, '"args" must be a map');
    const rawArgs = (raw.args ?? {}) as Record<string, unknown>;
    const args = new Map(Object.entries(rawArgs).map(([k, v]) => [k, this.template(step, v)]));
    let result: string | undefined;
    if (raw.result !== undefined) {
      if (typeof raw.result !== 'string' || !NAME.test(raw.result)) this.fail(step, '"result" must be a variable name');
      result = raw.result;
      this.created(step, result);
    }
    const fn = lookupFunction(target);
    if (fn) {
      for (const k of args.keys()) if (!fn.params.includes(k)) this.fail(step, `${target} has no argument "${k}"`);
      for (const p of fn.params.slice(0, fn.required)) if (!args.has(p)) this.fail(step, `${target} needs argument "${p}"`);
      return { fn, args, result };
    }
    if (this.routines.has(target) && target !== 'main') {
      const def = this.rawRoutines[target] as Record<string, unknown>;
      const params = compileParams(target, def.params);
      for (const k of args.keys()) if (!params.some((p) => p.name === k)) this.fail(step, `subworkflow "${target}" has no parameter "${k}"`);
      for (const p of params) {
        if (!('default' in p) && !args.has(p.name)) this.fail(step, `subworkflow "${target}" needs argument "${p.name}"`);
      }
      return { sub: target, args, result };
    }
    if (target.startsWith('googleapis.') || target.startsWith('experimental.')) {
      this.fail(step, `"${target}" is a connector the local runner does not implement`);
    }
    return this.fail(step, `unknown function or subworkflow "${target}"`);
  }

  switch(step: string, raw: unknown, frames: Frame[]): NonNullable<Step['switch']> {
    if (!Array.isArray(raw) || raw.length === 0) this.fail(step, '"switch" must be a non-empty list of conditions');
    if (raw.length > 50) this.fail(step, 'a switch can hold at most 50 conditions');
    return raw.map((c, i) => {
      if (!isRecord(c) || !('condition' in c)) this.fail(step, `switch case ${i} has no "condition"`);
      const { condition, ...rest } = c;
      // A case is compiled as an anonymous step under the switch step's name, so its jumps and
      // errors are reported against the step the author wrote.
      const body = this.step(step, rest, frames);
      return { condition: this.template(step, condition), body };
    });
  }

  /** A `for` loop, or with `shared` the `for` of a parallel step (each iteration a branch). */
  forSpec(step: string, raw: unknown, frames: Frame[], boundary: Frame['boundary'], shared?: Set<string>): ForSpec {
    if (!isRecord(raw)) this.fail(step, '"for" must be a map');
    for (const k of Object.keys(raw)) {
      if (!['value', 'index', 'in', 'range', 'steps'].includes(k)) this.fail(step, `unsupported "for" key "${k}"`);
    }
    if (('in' in raw) === ('range' in raw)) this.fail(step, '"for" needs exactly one of "in" and "range"');
    for (const k of ['value', 'index'] as const) {
      if (raw[k] !== undefined && (typeof raw[k] !== 'string' || !NAME.test(raw[k] as string))) this.fail(step, `"for.${k}" must be a variable name`);
    }
    if (raw.value === undefined && raw.index === undefined) this.fail(step, '"for" needs "value" or "index"');
    const spec: ForSpec = {
      value: raw.value as string | undefined,
      index: raw.index as string | undefined,
      steps: this.inScope(
        () => {
          for (const v of [raw.value, raw.index]) if (typeof v === 'string') this.created(step, v, 'loop');
          return this.block(raw.steps, frames, `step "${step}"`, boundary);
        },
        shared,
      ),
    };
    if ('in' in raw) spec.in = this.template(step, raw.in);
    else spec.range = this.range(step, raw.range);
    return spec;
  }

  /**
   * `for.range`, documented as "a list of two expressions, specifying the beginning and end of the
   * range, both inclusive", which "must evaluate into incrementable values; that is, integer or
   * double": a literal list (`[1, 9]`) or one expression evaluating to such a list
   * (`${[0, len(xs) - 1]}`). What is visible here is checked now: the list's length and its
   * literal items. What only a run can tell (the value of `${bounds}`, of `len(xs) - 1`) is
   * checked when the loop starts.
   */
  range(step: string, raw: unknown): Template {
    const bad = (why: string): never =>
      this.fail(step, `"for.range" must be a list of two numbers, or an expression such as \${[0, len(xs) - 1]} that evaluates to one: ${why}`);
    const isExpr = (x: unknown): boolean => typeof x === 'string' && /^\$\{[\s\S]*\}$/.test(x.trim());
    if (Array.isArray(raw)) {
      if (raw.length !== 2) bad(`the list has ${raw.length} item${raw.length === 1 ? '' : 's'}`);
      for (const x of raw) if (typeof x !== 'number' && !isExpr(x)) bad(`${JSON.stringify(x)} is not a number`);
      return this.template(step, raw);
    }
    if (!isExpr(raw)) bad(`got ${JSON.stringify(raw ?? null)}`);
    const t = this.template(step, raw);
    const e = t.k === 'expr' ? t.e : undefined;
    if (e?.k === 'list') {
      if (e.items.length !== 2) bad(`the list has ${e.items.length} item${e.items.length === 1 ? '' : 's'}`);
      for (const x of e.items) if (x.k === 'lit' && !isNumber(x.v)) bad(`${JSON.stringify(toJs(x.v))} is not a number`);
    } else if (e?.k === 'lit' || e?.k === 'map') bad('the expression is not a list');
    return t;
  }

  forLoop(step: string, raw: unknown, frames: Frame[]): ForSpec {
    return this.forSpec(step, raw, frames, 'for');
  }

  parallel(step: string, raw: unknown, frames: Frame[]): NonNullable<Step['parallel']> {
    if (!isRecord(raw)) this.fail(step, '"parallel" must be a map');
    for (const k of Object.keys(raw)) {
      if (!['shared', 'branches', 'for', 'exception_policy', 'concurrency_limit'].includes(k)) this.fail(step, `unsupported "parallel" key "${k}"`);
    }
    if (raw.exception_policy !== undefined && raw.exception_policy !== 'continueAll') {
      this.fail(step, 'only exception_policy "continueAll" is supported (as in the service)');
    }
    const shared = raw.shared ?? [];
    if (!Array.isArray(shared) || !shared.every((s) => typeof s === 'string')) this.fail(step, '"shared" must be a list of variable names');
    const out: NonNullable<Step['parallel']> = { shared: new Set(shared as string[]) };
    if (raw.concurrency_limit !== undefined) {
      const limit = raw.concurrency_limit;
      const literal = typeof limit === 'number';
      if (literal ? !Number.isInteger(limit) || limit < 1 : typeof limit !== 'string' || !limit.trim().startsWith('${')) {
        this.fail(step, '"concurrency_limit" must be a positive integer or an expression');
      }
      out.concurrencyLimit = this.template(step, limit);
    }
    if (('branches' in raw) === ('for' in raw)) this.fail(step, '"parallel" needs exactly one of "branches" and "for"');
    if ('for' in raw) out.for = this.forSpec(step, raw.for, frames, 'parallel', out.shared);
    else {
      if (!Array.isArray(raw.branches) || raw.branches.length < 2) this.fail(step, '"branches" must list at least two branches');
      // The documented limit on branches per parallel step.
      if (raw.branches.length > 10) this.fail(step, 'a parallel step can have at most 10 branches');
      out.branches = raw.branches.map((b) => {
        if (!isRecord(b) || Object.keys(b).length !== 1) this.fail(step, 'each branch must be a map with one key, the branch name');
        const [name, body] = Object.entries(b)[0] as [string, unknown];
        if (!isRecord(body) || Object.keys(body).some((k) => k !== 'steps')) this.fail(name, 'a branch must hold only "steps"');
        return { name, steps: this.inScope(() => this.block(body.steps, frames, `branch "${name}"`, 'parallel'), out.shared) };
      });
    }
    return out;
  }

  tryStep(step: string, raw: Record<string, unknown>, frames: Frame[]): NonNullable<Step['try']> {
    if (!isRecord(raw.try)) this.fail(step, '"try" must be a map holding steps or a single call');
    const body = this.step(step, raw.try, frames);
    const spec: NonNullable<Step['try']> = { body };
    if (raw.retry !== undefined) spec.retry = this.retry(step, raw.retry);
    if (raw.except !== undefined) {
      const ex = raw.except;
      if (!isRecord(ex) || Object.keys(ex).some((k) => k !== 'as' && k !== 'steps')) this.fail(step, '"except" must hold "as" and "steps"');
      if (ex.as !== undefined && (typeof ex.as !== 'string' || !NAME.test(ex.as))) this.fail(step, '"except.as" must be a variable name');
      const except: NonNullable<typeof spec.except> = { as: ex.as as string | undefined };
      this.inScope(() => {
        if (except.as) this.created(step, except.as, 'as');
        if (ex.steps !== undefined) except.steps = this.block(ex.steps, frames, `step "${step}" except`);
      });
      spec.except = except;
    }
    if (!spec.retry && !spec.except) this.fail(step, '"try" needs "retry" or "except"');
    return spec;
  }

  retry(step: string, raw: unknown): RetrySpec {
    const c = (v: number): Template => ({ k: 'const', v });
    const policyName = typeof raw === 'string' ? /^\$\{\s*([\w.]+)\s*\}$/.exec(raw)?.[1] : undefined;
    if (policyName === 'http.default_retry' || policyName === 'http.default_retry_non_idempotent') {
      // Documented: max_retries 5 and retry.default_backoff (1s initial, 60s max, ×1.25).
      const predicate = policyName === 'http.default_retry' ? 'http.default_retry_predicate' : 'http.default_retry_predicate_non_idempotent';
      return { predicate: { builtin: predicate }, maxRetries: c(5), initialDelay: c(1), maxDelay: c(60), multiplier: { k: 'const', v: fromJs(1.25) } };
    }
    if (!isRecord(raw)) this.fail(step, '"retry" must be ${http.default_retry}, ${http.default_retry_non_idempotent} or a map with a predicate');
    for (const k of Object.keys(raw)) {
      if (!['predicate', 'max_retries', 'backoff'].includes(k)) this.fail(step, `unsupported retry key "${k}"`);
    }
    // Documented: "A retry policy is composed of a predicate that defines which error codes should
    // be retried" and configuration values; only "if you use a default retry policy, you don't
    // need to specify a predicate". A custom policy (a map) without one is therefore incomplete.
    if (!('predicate' in raw) || raw.predicate === null) {
      this.fail(
        step,
        `a custom retry policy needs "predicate": a subworkflow or one of ${RETRY_PREDICATES.map((p) => `\${${p}}`).join(', ')}; for the default policy write "retry: \${http.default_retry}"`,
      );
    }
    const predName = typeof raw.predicate === 'string' ? /^\$\{\s*([\w.]+)\s*\}$/.exec(raw.predicate)?.[1] : undefined;
    let predicate: RetrySpec['predicate'];
    if (predName && RETRY_PREDICATES.includes(predName)) predicate = { builtin: predName };
    else if (predName && this.routines.has(predName) && predName !== 'main') predicate = { sub: predName };
    else this.fail(step, `retry predicate ${JSON.stringify(raw.predicate)} is not a known predicate or subworkflow`);
    if (raw.max_retries === undefined || raw.max_retries === null) this.fail(step, 'a custom retry policy needs "max_retries"');
    let backoff = raw.backoff;
    if (backoff === undefined || (typeof backoff === 'string' && /^\$\{\s*retry\.default_backoff\s*\}$/.test(backoff))) {
      backoff = { initial_delay: 1, max_delay: 60, multiplier: 1.25 };
    }
    if (!isRecord(backoff)) this.fail(step, '"backoff" must be a map with initial_delay, max_delay and multiplier');
    for (const k of Object.keys(backoff)) {
      if (!['initial_delay', 'max_delay', 'multiplier'].includes(k)) this.fail(step, `unsupported backoff key "${k}"`);
    }
    return {
      predicate,
      maxRetries: this.template(step, raw.max_retries),
      initialDelay: this.template(step, backoff.initial_delay ?? 1),
      maxDelay: this.template(step, backoff.max_delay ?? 60),
      multiplier: this.template(step, backoff.multiplier ?? 1.25),
    };
  }
}
