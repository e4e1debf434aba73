/**
 * The runtime values of the Workflows language and the conversions between them and JSON.
 *
 * Workflows distinguishes integers from doubles (`type(4/2)` is `"double"`, `4/2` prints as `2.0`),
 * which JavaScript numbers cannot. Integers are plain `number`s (always integral); doubles are
 * boxed in {@link Dbl} so that the type survives arithmetic, assignment and JSON round trips.
 * Maps are `Map`s so that key order is insertion order and no key can reach an object prototype.
 */

/** A double-precision value; boxed so it stays a double even when its value is integral. */
export class Dbl {
  constructor(readonly v: number) {}
}

/** A Workflows map: string keys in insertion order. */
export type WfMap = Map<string, Value>;

/** Any value a workflow variable can hold. */
export type Value = null | boolean | number | Dbl | string | Uint8Array | Value[] | WfMap;

/** Names returned by `get_type()`, as documented. */
export type TypeName = 'null' | 'boolean' | 'integer' | 'double' | 'string' | 'bytes' | 'list' | 'map';

/** The documented type name of a value. */
export function typeOf(v: Value): TypeName {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'integer';
    case 'string':
      return 'string';
  }
  if (v instanceof Dbl) return 'double';
  if (v instanceof Map) return 'map';
  if (Array.isArray(v)) return 'list';
  return 'bytes';
}

/** True for integers and doubles. */
export function isNumber(v: Value): v is number | Dbl {
  return typeof v === 'number' || v instanceof Dbl;
}

/** The JavaScript number behind an integer or a double. */
export function num(v: number | Dbl): number {
  return typeof v === 'number' ? v : v.v;
}

/** Builds a map from plain entries. */
export function wfMap(entries: Record<string, Value> = {}): WfMap {
  return new Map(Object.entries(entries));
}

/** Deep copy of lists and maps: Workflows assignment has value semantics. */
export function deepCopy(v: Value): Value {
  if (v instanceof Map) {
    const out: WfMap = new Map();
    for (const [k, x] of v) out.set(k, deepCopy(x));
    return out;
  }
  if (Array.isArray(v)) return v.map(deepCopy);
  return v;
}

/** Structural equality as `==` defines it: an integer equals a double of the same value. */
export function valuesEqual(a: Value, b: Value): boolean {
  if (isNumber(a) && isNumber(b)) return num(a) === num(b);
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, x] of a) {
      if (!b.has(k) || !valuesEqual(x, b.get(k) as Value)) return false;
    }
    return true;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valuesEqual(x, b[i] as Value));
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  return false;
}

/** Converts plain JSON-like JavaScript data (from `JSON.parse`, YAML) into runtime values. */
export function fromJs(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? v : new Dbl(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Dbl || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(fromJs);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [String(k), fromJs(x)]));
  if (typeof v === 'object') {
    const out: WfMap = new Map();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out.set(k, fromJs(x));
    return out;
  }
  return String(v);
}

/** Converts a runtime value to plain JavaScript (doubles lose their box; bytes stay bytes). */
export function toJs(v: Value): unknown {
  if (v instanceof Dbl) return v.v;
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) out[k] = toJs(x);
    return out;
  }
  if (Array.isArray(v)) return v.map(toJs);
  return v;
}

/** Formats a double the way Workflows prints it: always with a fraction or exponent. */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  const s = String(d);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/**
 * JSON text of a value. Doubles keep a fraction (`2.0`) so that the type survives a round trip
 * through {@link decodeJson}; bytes cannot be JSON-encoded, as documented, and raise a TypeError
 * through the `onBytes` callback.
 */
export function encodeJson(v: Value, onBytes: () => never): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Dbl) {
    if (!Number.isFinite(v.v)) onBytes();
    return formatDouble(v.v);
  }
  if (Array.isArray(v)) return `[${v.map((x) => encodeJson(x, onBytes)).join(',')}]`;
  if (v instanceof Map) {
    const parts: string[] = [];
    for (const [k, x] of v) parts.push(`${JSON.stringify(k)}:${encodeJson(x, onBytes)}`);
    return `{${parts.join(',')}}`;
  }
  return onBytes();
}

/**
 * Parses JSON text into runtime values, keeping `1` an integer and `1.0` / `1e3` doubles
 * (JSON.parse cannot tell them apart). Throws SyntaxError on malformed input.
 */
export function decodeJson(text: string): Value {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (): never => {
    throw new SyntaxError(`invalid JSON at offset ${i}`);
  };
  const value = (): Value => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m: WfMap = new Map();
      ws();
      if (text[i] === '}') {
        i++;
        return m;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const k = str();
        ws();
        if (text[i++] !== ':') fail();
        m.set(k, value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return m;
        } else fail();
      }
    }
    if (c === '[') {
      i++;
      const l: Value[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return l;
      }
      for (;;) {
        l.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return l;
        } else fail();
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) return (i += 4), true;
    if (text.startsWith('false', i)) return (i += 5), false;
    if (text.startsWith('null', i)) return (i += 4), null;
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail();
    i += m[0].length;
    const n = Number(m[0]);
    return m[2] || m[3] || !Number.isSafeInteger(n) ? new Dbl(n) : n;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i !== text.length) fail();
  return v;
}

/**
 * Approximate memory a value takes, for the variable-memory limit. The real service does not
 * document its accounting; this counts JSON-ish bytes, which is what users can reason about.
 */
export function approxSize(v: Value): number {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || v instanceof Dbl) return 8;
  if (typeof v === 'string') return v.length + 2;
  if (v instanceof Uint8Array) return v.length;
  let total = 2;
  if (Array.isArray(v)) for (const x of v) total += approxSize(x) + 1;
  else for (const [k, x] of v) total += k.length + 4 + approxSize(x);
  return total;
}
