/**
 * The expression language inside `${...}`: a tokenizer, a precedence-climbing parser and a
 * tree-walking evaluator.
 *
 * Precedence follows the documented table, most binding first: `()`, `.`, `[]`, `not`, unary `-`,
 * `* / // %`, `+ -`, comparisons and `in`, `and`, `or`. Note that `not` binds tighter than the
 * comparisons, as the table says, so `not a == b` is `(not a) == b`. Operators never coerce:
 * `"a" + 1` is a TypeError; `/` always yields a double; `//` and `%` are floor division and the
 * matching remainder (Python-style: the docs name the operators but not the sign rule; this is
 * the only choice that keeps `a == (a // b) * b + a % b` for negative operands).
 */
import { raise } from './errors.js';
import { Dbl, type Value, type WfMap, isNumber, num, typeOf, valuesEqual } from './values.js';

/** A synchronous standard-library function, usable in expressions. */
export type SyncFn = (args: Value[], s: EvalScope) => Value;

/** A node of a parsed expression. `async` is set by resolution when a subworkflow call is inside. */
export type Expr = (
  | { k: 'lit'; v: Value }
  | { k: 'var'; name: string }
  | { k: 'member'; obj: Expr; name: string }
  | { k: 'index'; obj: Expr; idx: Expr }
  | { k: 'call'; name: string; args: Expr[]; fn?: SyncFn; sub?: boolean }
  | { k: 'un'; op: '-' | 'not'; e: Expr }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'list'; items: Expr[] }
  | { k: 'map'; entries: [string, Expr][] }
) & { async?: boolean };

/** What evaluation needs from the interpreter. */
export interface EvalScope {
  /** The value of a variable; raises KeyError when it is not defined. */
  get(name: string): Value;
  /** Runs a subworkflow with positional arguments (only reached from async evaluation). */
  callSubworkflow(name: string, args: Value[]): Promise<Value>;
  /** The execution's clock, for `sys.now` and `time.*`. */
  now(): Date;
  /** `sys.get_env`: built-in and configured variables; undefined when not set. */
  env(name: string): string | undefined;
}

/** An expression that could not be parsed. */
export class ExpressionSyntaxError extends Error {}

type Tok = { t: 'num'; v: Value } | { t: 'str'; v: string } | { t: 'id'; v: string } | { t: 'op'; v: string } | { t: 'eof' };

const TOKEN =
  /\s*(?:(\d+\.\d*(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\.\d+(?:[eE][+-]?\d+)?)|(\d+)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([A-Za-z_][A-Za-z0-9_]*)|(\/\/|==|!=|<=|>=|[-+*/%<>()[\]{}.,:]))/y;

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) throw new ExpressionSyntaxError(`unexpected character at ${pos} in "${src}"`);
    pos = TOKEN.lastIndex;
    if (m[1] !== undefined) out.push({ t: 'num', v: new Dbl(Number(m[1])) });
    else if (m[2] !== undefined) {
      const n = Number(m[2]);
      // The service's integers are 64-bit; the runner's are exact only to 2^53, so a literal
      // beyond that is refused at deploy rather than silently turned into a double.
      if (!Number.isSafeInteger(n)) throw new ExpressionSyntaxError(`integer literal ${m[2]} is beyond ±2^53, the local runner's integer range`);
      out.push({ t: 'num', v: n });
    } else if (m[3] !== undefined) out.push({ t: 'str', v: unquote(m[3]) });
    else if (m[4] !== undefined) out.push({ t: 'id', v: m[4] });
    else out.push({ t: 'op', v: m[5] as string });
  }
  out.push({ t: 'eof' });
  return out;
}

function unquote(lit: string): string {
  const body = lit.slice(1, -1);
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'u':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      default:
        return e;
    }
  });
}

const KEYWORD_LITERALS: Record<string, Value> = {
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false,
  null: null,
};
const isKw = (t: Tok, lower: string): boolean => t.t === 'id' && (t.v === lower || t.v === lower.toUpperCase());

/** Parses the text between `${` and `}`. */
export function parseExpression(src: string): Expr {
  const toks = tokenize(src);
  let p = 0;
  const peek = (): Tok => toks[p] as Tok;
  const isOp = (v: string): boolean => {
    const t = peek();
    return t.t === 'op' && t.v === v;
  };
  const expect = (v: string): void => {
    if (!isOp(v)) throw new ExpressionSyntaxError(`expected "${v}" in "${src}"`);
    p++;
  };

  const orExpr = (): Expr => {
    let l = andExpr();
    while (isKw(peek(), 'or')) {
      p++;
      l = { k: 'bin', op: 'or', l, r: andExpr() };
    }
    return l;
  };
  const andExpr = (): Expr => {
    let l = cmpExpr();
    while (isKw(peek(), 'and')) {
      p++;
      l = { k: 'bin', op: 'and', l, r: cmpExpr() };
    }
    return l;
  };
  const CMP = new Set(['==', '!=', '<', '<=', '>', '>=']);
  const cmpExpr = (): Expr => {
    let l = addExpr();
    for (;;) {
      const t = peek();
      if (t.t === 'op' && CMP.has(t.v)) {
        p++;
        l = { k: 'bin', op: t.v, l, r: addExpr() };
      } else if (isKw(t, 'in')) {
        p++;
        l = { k: 'bin', op: 'in', l, r: addExpr() };
      } else return l;
    }
  };
  const addExpr = (): Expr => {
    let l = mulExpr();
    while (isOp('+') || isOp('-')) {
      const op = (toks[p++] as { v: string }).v;
      l = { k: 'bin', op, l, r: mulExpr() };
    }
    return l;
  };
  const mulExpr = (): Expr => {
    let l = negExpr();
    while (isOp('*') || isOp('/') || isOp('//') || isOp('%')) {
      const op = (toks[p++] as { v: string }).v;
      l = { k: 'bin', op, l, r: negExpr() };
    }
    return l;
  };
  const negExpr = (): Expr => {
    if (isOp('-')) {
      p++;
      const e = negExpr();
      // Fold negative literals so `-9223372036854775808`-style constants and `-1` stay literals.
      if (e.k === 'lit' && isNumber(e.v)) return { k: 'lit', v: typeof e.v === 'number' ? -e.v : new Dbl(-e.v.v) };
      return { k: 'un', op: '-', e };
    }
    return notExpr();
  };
  const notExpr = (): Expr => {
    if (isKw(peek(), 'not')) {
      p++;
      return { k: 'un', op: 'not', e: notExpr() };
    }
    return postfix();
  };
  const dottedName = (e: Expr): string | undefined => {
    if (e.k === 'var') return e.name;
    if (e.k === 'member') {
      const base = dottedName(e.obj);
      return base === undefined ? undefined : `${base}.${e.name}`;
    }
    return undefined;
  };
  const postfix = (): Expr => {
    let e = primary();
    for (;;) {
      if (isOp('.')) {
        p++;
        const t = peek();
        if (t.t !== 'id') throw new ExpressionSyntaxError(`expected a name after "." in "${src}"`);
        p++;
        e = { k: 'member', obj: e, name: t.v };
      } else if (isOp('[')) {
        p++;
        const idx = orExpr();
        expect(']');
        e = { k: 'index', obj: e, idx };
      } else if (isOp('(')) {
        const name = dottedName(e);
        if (name === undefined) throw new ExpressionSyntaxError(`only named functions can be called in "${src}"`);
        p++;
        e = { k: 'call', name, args: commaSeparated(')') };
      } else return e;
    }
  };
  /** Expressions separated by commas up to `close` (call arguments, list items); consumes `close`. */
  const commaSeparated = (close: string): Expr[] => {
    const items: Expr[] = [];
    if (!isOp(close)) {
      items.push(orExpr());
      while (isOp(',')) {
        p++;
        items.push(orExpr());
      }
    }
    expect(close);
    return items;
  };
  const primary = (): Expr => {
    const t = peek();
    p++;
    if (t.t === 'num' || t.t === 'str') return { k: 'lit', v: t.v };
    if (t.t === 'id') {
      if (Object.hasOwn(KEYWORD_LITERALS, t.v)) return { k: 'lit', v: KEYWORD_LITERALS[t.v] as Value };
      return { k: 'var', name: t.v };
    }
    if (t.t === 'op' && t.v === '(') {
      const e = orExpr();
      expect(')');
      return e;
    }
    if (t.t === 'op' && t.v === '[') {
      return { k: 'list', items: commaSeparated(']') };
    }
    if (t.t === 'op' && t.v === '{') {
      const entries: [string, Expr][] = [];
      if (!isOp('}')) {
        do {
          if (isOp(',')) p++;
          const key = peek();
          if (key.t !== 'str') throw new ExpressionSyntaxError(`map keys must be strings in "${src}"`);
          p++;
          expect(':');
          entries.push([key.v, orExpr()]);
        } while (isOp(','));
      }
      expect('}');
      return { k: 'map', entries };
    }
    throw new ExpressionSyntaxError(`unexpected ${t.t === 'eof' ? 'end' : `"${(t as { v: string }).v}"`} in "${src}"`);
  };

  const e = orExpr();
  if (peek().t !== 'eof') throw new ExpressionSyntaxError(`unexpected trailing input in "${src}"`);
  return e;
}

/** Evaluates an expression that needs no subworkflow call. */
export function evalSync(e: Expr, s: EvalScope): Value {
  switch (e.k) {
    case 'lit':
      return e.v;
    case 'var':
      return s.get(e.name);
    case 'member':
      return member(evalSync(e.obj, s), e.name);
    case 'index':
      return index(evalSync(e.obj, s), evalSync(e.idx, s));
    case 'call': {
      if (!e.fn) throw new Error(`unresolved call ${e.name}`);
      const args: Value[] = new Array(e.args.length);
      for (let i = 0; i < e.args.length; i++) args[i] = evalSync(e.args[i] as Expr, s);
      return e.fn(args, s);
    }
    case 'un':
      return unary(e.op, evalSync(e.e, s));
    case 'bin':
      if (e.op === 'and' || e.op === 'or') {
        const l = boolOperand(evalSync(e.l, s), e.op);
        if (e.op === 'and' ? !l : l) return l;
        return boolOperand(evalSync(e.r, s), e.op);
      }
      return binary(e.op, evalSync(e.l, s), evalSync(e.r, s));
    case 'list':
      return e.items.map((x) => evalSync(x, s));
    case 'map': {
      const m: WfMap = new Map();
      for (const [k, x] of e.entries) m.set(k, evalSync(x, s));
      return m;
    }
  }
}

/** Evaluates any expression; only nodes marked `async` (subworkflow calls inside) pay for promises. */
export async function evalAsync(e: Expr, s: EvalScope): Promise<Value> {
  if (!e.async) return evalSync(e, s);
  switch (e.k) {
    case 'member':
      return member(await evalAsync(e.obj, s), e.name);
    case 'index':
      return index(await evalAsync(e.obj, s), await evalAsync(e.idx, s));
    case 'call': {
      const args: Value[] = [];
      for (const a of e.args) args.push(await evalAsync(a, s));
      if (e.sub) return s.callSubworkflow(e.name, args);
      return (e.fn as SyncFn)(args, s);
    }
    case 'un':
      return unary(e.op, await evalAsync(e.e, s));
    case 'bin':
      if (e.op === 'and' || e.op === 'or') {
        const l = boolOperand(await evalAsync(e.l, s), e.op);
        if (e.op === 'and' ? !l : l) return l;
        return boolOperand(await evalAsync(e.r, s), e.op);
      }
      return binary(e.op, await evalAsync(e.l, s), await evalAsync(e.r, s));
    case 'list': {
      const out: Value[] = [];
      for (const x of e.items) out.push(await evalAsync(x, s));
      return out;
    }
    case 'map': {
      const m: WfMap = new Map();
      for (const [k, x] of e.entries) m.set(k, await evalAsync(x, s));
      return m;
    }
    default:
      return evalSync(e, s);
  }
}

/** `obj.name`: a map key; a missing key is a KeyError, as documented. */
export function member(obj: Value, name: string): Value {
  if (obj instanceof Map) {
    const v = obj.get(name);
    if (v === undefined) raise('KeyError', `key not found: ${name}`);
    return v;
  }
  return raise('TypeError', `cannot access attribute "${name}" of ${typeOf(obj)}`);
}

/** `obj[idx]`: a list element by integer, or a map value by string key. */
export function index(obj: Value, idx: Value): Value {
  if (Array.isArray(obj)) {
    if (typeof idx !== 'number') raise('TypeError', `list index must be an integer, got ${typeOf(idx)}`);
    const v = obj[idx];
    if (idx < 0 || v === undefined) raise('IndexError', `list index out of range: ${idx}`);
    return v;
  }
  if (obj instanceof Map) {
    if (typeof idx !== 'string') raise('TypeError', `map key must be a string, got ${typeOf(idx)}`);
    const v = obj.get(idx);
    if (v === undefined) raise('KeyError', `key not found: ${idx}`);
    return v;
  }
  return raise('TypeError', `cannot index ${typeOf(obj)}`);
}

function boolOperand(v: Value, op: string): boolean {
  if (typeof v !== 'boolean') raise('TypeError', `operand of "${op}" must be a boolean, got ${typeOf(v)}`);
  return v;
}

function unary(op: '-' | 'not', v: Value): Value {
  if (op === 'not') return !boolOperand(v, 'not');
  if (typeof v === 'number') return -v;
  if (v instanceof Dbl) return new Dbl(-v.v);
  return raise('TypeError', `bad operand type for unary -: ${typeOf(v)}`);
}

function checkInt(n: number): number {
  // Integers are 64-bit in Workflows; JavaScript numbers are exact up to 2^53 only.
  if (!Number.isSafeInteger(n)) raise('ValueError', 'integer overflow');
  return n;
}

/** Applies a binary operator to two evaluated operands (not `and`/`or`, which short-circuit). */
export function binary(op: string, l: Value, r: Value): Value {
  switch (op) {
    case '==':
      return valuesEqual(l, r);
    case '!=':
      return !valuesEqual(l, r);
    case 'in':
      if (Array.isArray(r)) return r.some((x) => valuesEqual(x, l));
      if (r instanceof Map) {
        if (typeof l !== 'string') raise('TypeError', `"in" on a map needs a string key, got ${typeOf(l)}`);
        return r.has(l);
      }
      return raise('TypeError', `"in" needs a list or a map on the right, got ${typeOf(r)}`);
  }
  if (op === '+' && typeof l === 'string' && typeof r === 'string') return l + r;
  if (op === '<' || op === '<=' || op === '>' || op === '>=') {
    let a: number | string, b: number | string;
    if (isNumber(l) && isNumber(r)) [a, b] = [num(l), num(r)];
    else if (typeof l === 'string' && typeof r === 'string') [a, b] = [l, r];
    else return raise('TypeError', `cannot compare ${typeOf(l)} with ${typeOf(r)} using "${op}"`);
    return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
  }
  if (!isNumber(l) || !isNumber(r)) return raise('TypeError', `unsupported operand types for ${op}: ${typeOf(l)} and ${typeOf(r)}`);
  const ints = typeof l === 'number' && typeof r === 'number';
  const a = num(l);
  const b = num(r);
  switch (op) {
    case '+':
      return ints ? checkInt(a + b) : new Dbl(a + b);
    case '-':
      return ints ? checkInt(a - b) : new Dbl(a - b);
    case '*':
      return ints ? checkInt(a * b) : new Dbl(a * b);
    case '/':
      if (b === 0) raise('ZeroDivisionError', 'division by zero');
      return new Dbl(a / b);
    case '//':
      if (b === 0) raise('ZeroDivisionError', 'integer division by zero');
      return ints ? Math.floor(a / b) : new Dbl(Math.floor(a / b));
    case '%': {
      if (b === 0) raise('ZeroDivisionError', 'modulo by zero');
      const m = a - Math.floor(a / b) * b;
      return ints ? m : new Dbl(m);
    }
  }
  return raise('TypeError', `unknown operator ${op}`);
}

/** The direct sub-expressions of a node, in evaluation order. */
function children(e: Expr): Expr[] {
  switch (e.k) {
    case 'member':
      return [e.obj];
    case 'index':
      return [e.obj, e.idx];
    case 'call':
      return e.args;
    case 'un':
      return [e.e];
    case 'bin':
      return [e.l, e.r];
    case 'list':
      return e.items;
    case 'map':
      return e.entries.map(([, a]) => a);
    default:
      return [];
  }
}

/** Calls `visit` on every node of an expression, children first. */
export function walk(e: Expr, visit: (e: Expr) => void): void {
  for (const child of children(e)) walk(child, visit);
  visit(e);
}

/** Marks nodes that contain a subworkflow call so evaluation knows where it must await. */
export function markAsync(e: Expr): boolean {
  // Every child is marked (no short-circuit): each node's own flag is read during evaluation.
  const childFlags = children(e).map(markAsync);
  e.async = childFlags.includes(true) || (e.k === 'call' && e.sub === true);
  return e.async;
}
