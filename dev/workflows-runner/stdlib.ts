/**
 * The standard library: functions usable in expressions (synchronous) and functions only a
 * `call` step may use (they wait: HTTP, sleep, callbacks, logging).
 *
 * Every function lists its documented parameter names, so a `call` step's named `args` map onto
 * positions exactly as for expression calls; `required` is how many leading ones must be given.
 */
import { createHash, randomUUID } from 'node:crypto';
import { raise, WorkflowError, errorValue, hasTag } from './errors.js';
import type { EvalScope, SyncFn } from './expressions.js';
import {
  Dbl,
  type Value,
  type WfMap,
  decodeJson,
  encodeJson,
  formatDouble,
  isNumber,
  num,
  typeOf,
  wfMap,
} from './values.js';

/** What the waiting functions need from the execution running them. */
export interface StepRuntime {
  /** Waits on the execution's clock; rejects when the execution is cancelled. */
  sleep(ms: number): Promise<void>;
  log(entry: { severity: string; payload: Value }): void;
  createCallback(method: string): Value;
  awaitCallback(callback: Value, timeoutSeconds: number): Promise<Value>;
}

/** A function usable in expressions and in `call` steps. */
export interface SyncFunction {
  kind: 'sync';
  params: string[];
  required: number;
  fn: SyncFn;
}

/** A function only a `call` step may use. */
export interface StepFunction {
  kind: 'step';
  params: string[];
  required: number;
  run(args: (Value | undefined)[], rt: StepRuntime, scope: EvalScope): Promise<Value>;
}

export type StdFunction = SyncFunction | StepFunction;

const typeError = (fn: string, what: string, v: Value): never =>
  raise('TypeError', `${fn}: ${what} must be ${typeOfExpected(what)}, got ${typeOf(v)}`);
function typeOfExpected(what: string): string {
  return what;
}
function str(fn: string, v: Value | undefined, name: string): string {
  if (typeof v !== 'string') return raise('TypeError', `${fn}: argument "${name}" must be a string, got ${typeOf(v ?? null)}`);
  return v;
}
function int(fn: string, v: Value | undefined, name: string): number {
  if (typeof v !== 'number') return raise('TypeError', `${fn}: argument "${name}" must be an integer, got ${typeOf(v ?? null)}`);
  return v;
}
function map(fn: string, v: Value | undefined, name: string): WfMap {
  if (!(v instanceof Map)) return raise('TypeError', `${fn}: argument "${name}" must be a map, got ${typeOf(v ?? null)}`);
  return v;
}
function list(fn: string, v: Value | undefined, name: string): Value[] {
  if (!Array.isArray(v)) return raise('TypeError', `${fn}: argument "${name}" must be a list, got ${typeOf(v ?? null)}`);
  return v;
}
function seconds(fn: string, v: Value | undefined, name: string): number {
  if (v === undefined || !isNumber(v)) return raise('TypeError', `${fn}: argument "${name}" must be a number, got ${typeOf(v ?? null)}`);
  return num(v);
}

// Documented for json.encode: "ValueError If the input contains types that cannot be JSON-encoded".
const bytesError = (): never => raise('ValueError', 'bytes and non-finite numbers cannot be encoded as JSON');

/**
 * `json.encode`'s `indent`: false/absent for compact output, true for four spaces, or a map with
 * optional `prefix` and `indent` strings. Each element starts a new line with the prefix and one
 * indent per level of nesting, as documented.
 */
function encodeJsonIndented(fn: string, v: Value, indent: Value | undefined): string {
  if (indent === undefined || indent === null || indent === false) return encodeJson(v, bytesError);
  let prefix = '';
  let unit = '    ';
  if (indent instanceof Map) {
    const p = indent.get('prefix');
    const i = indent.get('indent');
    if (p !== undefined) prefix = str(fn, p, 'indent.prefix');
    if (i !== undefined) unit = str(fn, i, 'indent.indent');
  } else if (indent !== true) raise('TypeError', `${fn}: indent must be a boolean or a map, got ${typeOf(indent)}`);
  const walk = (x: Value, depth: number): string => {
    const pad = (d: number): string => `\n${prefix}${unit.repeat(d)}`;
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      return `[${x.map((item) => pad(depth + 1) + walk(item, depth + 1)).join(',')}${pad(depth)}]`;
    }
    if (x instanceof Map) {
      if (x.size === 0) return '{}';
      const parts = [...x].map(([k, item]) => `${pad(depth + 1)}${JSON.stringify(k)}: ${walk(item, depth + 1)}`);
      return `{${parts.join(',')}${pad(depth)}}`;
    }
    return encodeJson(x, bytesError);
  };
  return prefix + walk(v, 0);
}

/** Charsets `text.encode`/`text.decode` accept, by upper-cased IANA name, with Node's encoding and highest code point. */
const CHARSETS: Record<string, { node: BufferEncoding; max: number }> = {
  'UTF-8': { node: 'utf8', max: 0x10ffff },
  UTF8: { node: 'utf8', max: 0x10ffff },
  'US-ASCII': { node: 'ascii', max: 0x7f },
  ASCII: { node: 'ascii', max: 0x7f },
  'ISO-8859-1': { node: 'latin1', max: 0xff },
  LATIN1: { node: 'latin1', max: 0xff },
  'UTF-16LE': { node: 'utf16le', max: 0x10ffff },
};

function charset(fn: string, v: Value | undefined): { name: string; node: BufferEncoding; max: number } {
  const name = v === undefined || v === null ? 'UTF-8' : str(fn, v, 'charset').toUpperCase();
  const found = CHARSETS[name];
  if (!found) return raise('ValueError', `${fn}: unsupported charset "${name}" (the local runner knows ${Object.keys(CHARSETS).join(', ')})`);
  return { name, ...found };
}

/** `hash.compute_checksum`'s documented algorithms and Node's names for them. */
const HASH_ALGORITHMS: Record<string, string> = { MD5: 'md5', SHA1: 'sha1', SHA224: 'sha224', SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };

/**
 * `text.url_encode`: documented to leave only letters, digits and `.-_` unescaped, so the
 * characters encodeURIComponent keeps (`!'()*~`) are escaped too.
 */
function urlEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The UTC offset of a time zone at an instant, in minutes, from the tz database Node carries.
 * Unknown zones are the workflow's error.
 */
function zoneOffsetMinutes(zone: string, at: Date): number {
  let name: string;
  try {
    name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
  } catch {
    return raise('ValueError', `time.format: unknown time zone "${zone}"`);
  }
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** Text form of a value for `string()`: doubles keep their fraction, as the service prints them. */
function toText(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Dbl) return formatDouble(v.v);
  return raise('TypeError', `string: cannot convert ${typeOf(v)} to a string`);
}

function regex(fn: string, pattern: string, flags = ''): RegExp {
  // RE2 (the service's engine) and JavaScript agree on the common subset; translate the RE2-only
  // spellings workflows use: leading flag groups such as (?i) and Python-style (?P<name>...).
  const lead = /^\(\?([ims]+)\)/.exec(pattern);
  let source = pattern;
  if (lead) {
    source = pattern.slice(lead[0].length);
    for (const f of lead[1] as string) if (!flags.includes(f)) flags += f;
  }
  source = source.replace(/\(\?P</g, '(?<');
  try {
    return new RegExp(source, flags);
  } catch (e) {
    return raise('ValueError', `${fn}: invalid regular expression: ${(e as Error).message}`);
  }
}

function mergeNested(a: WfMap, b: WfMap): WfMap {
  const out: WfMap = new Map(a);
  for (const [k, v] of b) {
    const prev = out.get(k);
    out.set(k, prev instanceof Map && v instanceof Map ? mergeNested(prev, v) : v);
  }
  return out;
}

/**
 * ISO-8601 with microseconds, the format `time.format` documents: `Z` for UTC (and any zone whose
 * offset is zero at that instant), otherwise the zone's offset such as `+02:00`.
 */
export function formatTime(secondsSinceEpoch: number, zone = 'UTC'): string {
  const ms = Math.floor(secondsSinceEpoch * 1000);
  const micros = Math.round((secondsSinceEpoch * 1e6) % 1e6 + 1e6) % 1e6;
  const offset = zone === 'UTC' ? 0 : zoneOffsetMinutes(zone, new Date(ms));
  const local = new Date(ms + offset * 60_000).toISOString();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const suffix = offset === 0 ? 'Z' : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local.slice(0, 19)}.${String(micros).padStart(6, '0')}${suffix}`;
}

const sync = (params: string[], required: number, fn: SyncFn): SyncFunction => ({ kind: 'sync', params, required, fn });

/** The functions usable in expressions. */
export const SYNC_FUNCTIONS: Record<string, SyncFunction> = {
  default: sync(['value', 'default_value'], 2, ([v, d]) => (v === null ? (d as Value) : (v as Value))),
  // Documented as a function: both branches are evaluated before the choice is made.
  if: sync(['condition', 'if_true', 'if_false'], 3, ([c, a, b]) => {
    if (typeof c !== 'boolean') raise('TypeError', `if: condition must be a boolean, got ${typeOf(c ?? null)}`);
    return (c ? a : b) as Value;
  }),
  keys: sync(['map'], 1, ([m]) => [...map('keys', m, 'map').keys()]),
  len: sync(['value'], 1, ([v]) => {
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v) || v instanceof Uint8Array) return v.length;
    if (v instanceof Map) return v.size;
    return raise('TypeError', `len: unsupported type ${typeOf(v ?? null)}`);
  }),
  // The documented type function: the type's name, one of "null", "boolean", "integer", "double",
  // "string", "bytes", "list", "map". `type` is the runner's older spelling of the same function.
  get_type: sync(['value'], 1, ([v]) => typeOf(v as Value)),
  type: sync(['value'], 1, ([v]) => typeOf(v as Value)),
  int: sync(['value'], 1, ([v]) => {
    if (typeof v === 'number') return v;
    let n: number;
    if (v instanceof Dbl) n = Math.trunc(v.v);
    else if (typeof v === 'string') {
      if (!/^\s*[-+]?\d+\s*$/.test(v)) raise('ValueError', `int: cannot parse "${v}" as an integer`);
      n = Number.parseInt(v, 10);
    } else return raise('TypeError', `int: cannot convert ${typeOf(v ?? null)}`);
    // Refused rather than rounded: the runner's integers are exact only within ±2^53.
    if (!Number.isSafeInteger(n)) raise('ValueError', `int: ${toText(v)} is beyond ±2^53, the local runner's integer range`);
    return n;
  }),
  double: sync(['value'], 1, ([v]) => {
    if (typeof v === 'number') return new Dbl(v);
    if (v instanceof Dbl) return v;
    if (typeof v === 'string') {
      // Decimal numerals only: JavaScript's Number() would also take "0x10", "Infinity" and "".
      if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) raise('ValueError', `double: cannot parse "${v}" as a number`);
      const n = Number(v.trim());
      if (!Number.isFinite(n)) raise('ValueError', `double: "${v.trim()}" is out of range`);
      return new Dbl(n);
    }
    return raise('TypeError', `double: cannot convert ${typeOf(v ?? null)}`);
  }),
  string: sync(['value'], 1, ([v]) => toText(v as Value)),
  bool: sync(['value'], 1, ([v]) => {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      if (['true', 'True', 'TRUE'].includes(v)) return true;
      if (['false', 'False', 'FALSE'].includes(v)) return false;
      return raise('ValueError', `bool: cannot parse "${v}"`);
    }
    return raise('TypeError', `bool: cannot convert ${typeOf(v ?? null)}`);
  }),
  'map.get': sync(['map', 'keys'], 2, ([m, k]) => {
    // Documented: "If the input is not a map or if the map does not contain the key, returns
    // null", also along a list of nested keys; a key that is not a string is a TypeError.
    const path = Array.isArray(k) ? k : [k as Value];
    for (const key of path) str('map.get', key, 'keys');
    let cur: Value = m as Value;
    for (const key of path as string[]) {
      if (!(cur instanceof Map)) return null;
      cur = cur.get(key) ?? null;
    }
    return cur;
  }),
  'map.delete': sync(['map', 'key'], 2, ([m, k]) => {
    const out = new Map(map('map.delete', m, 'map'));
    out.delete(str('map.delete', k, 'key'));
    return out;
  }),
  'map.merge': sync(['first', 'second'], 2, ([a, b]) => new Map([...map('map.merge', a, 'first'), ...map('map.merge', b, 'second')])),
  'map.merge_nested': sync(['first', 'second'], 2, ([a, b]) =>
    mergeNested(map('map.merge_nested', a, 'first'), map('map.merge_nested', b, 'second')),
  ),
  'list.concat': sync(['objs', 'val'], 2, ([l, v]) => [...list('list.concat', l, 'objs'), v as Value]),
  'list.prepend': sync(['objs', 'val'], 2, ([l, v]) => [v as Value, ...list('list.prepend', l, 'objs')]),
  'text.find_all': sync(['source', 'substr'], 2, ([s, sub]) => {
    const src = str('text.find_all', s, 'source');
    const needle = str('text.find_all', sub, 'substr');
    const out: Value[] = [];
    if (needle === '') return out;
    for (let i = src.indexOf(needle); i >= 0; i = src.indexOf(needle, i + needle.length)) out.push(wfMap({ index: i, match: needle }));
    return out;
  }),
  'text.find_all_regex': sync(['source', 'regexp'], 2, ([s, r]) => {
    const src = str('text.find_all_regex', s, 'source');
    const re = regex('text.find_all_regex', str('text.find_all_regex', r, 'regexp'), 'g');
    return [...src.matchAll(re)].map((m) => wfMap({ index: m.index ?? 0, match: m[0] }));
  }),
  'text.match_regex': sync(['source', 'regexp'], 2, ([s, r]) =>
    regex('text.match_regex', str('text.match_regex', r, 'regexp')).test(str('text.match_regex', s, 'source')),
  ),
  'text.replace_all': sync(['source', 'substr', 'repl'], 3, ([s, a, b]) =>
    str('text.replace_all', s, 'source').split(str('text.replace_all', a, 'substr')).join(str('text.replace_all', b, 'repl')),
  ),
  'text.replace_all_regex': sync(['source', 'regexp', 'repl'], 3, ([s, r, p]) => {
    // RE2 replacement syntax uses \0..\9 for groups; translate to JavaScript's $&/$1.
    const repl = str('text.replace_all_regex', p, 'repl')
      .replace(/\$/g, '$$$$')
      .replace(/\\(\d)/g, (_, d: string) => (d === '0' ? '$&' : `$${d}`));
    return str('text.replace_all_regex', s, 'source').replace(regex('text.replace_all_regex', str('', r, 'regexp'), 'g'), repl);
  }),
  'text.split': sync(['source', 'separator'], 2, ([s, sep]) =>
    str('text.split', s, 'source').split(str('text.split', sep, 'separator')),
  ),
  'text.substring': sync(['source', 'start', 'end'], 3, ([s, a, b]) => {
    const chars = [...str('text.substring', s, 'source')];
    // Documented: a negative index is an offset from the end; out-of-range indexes are clamped.
    const clamp = (n: number): number => Math.max(0, Math.min(chars.length, n < 0 ? chars.length + n : n));
    return chars.slice(clamp(int('text.substring', a, 'start')), clamp(int('text.substring', b, 'end'))).join('');
  }),
  'text.to_lower': sync(['source'], 1, ([s]) => str('text.to_lower', s, 'source').toLowerCase()),
  'text.to_upper': sync(['source'], 1, ([s]) => str('text.to_upper', s, 'source').toUpperCase()),
  'text.url_encode': sync(['source'], 1, ([s]) => urlEncode(str('text.url_encode', s, 'source'))),
  'text.url_encode_plus': sync(['source'], 1, ([s]) => urlEncode(str('text.url_encode_plus', s, 'source')).replace(/%20/g, '+')),
  'text.url_decode': sync(['source'], 1, ([s]) => {
    try {
      return decodeURIComponent(str('text.url_decode', s, 'source').replace(/\+/g, ' '));
    } catch {
      return raise('ValueError', 'text.url_decode: malformed input');
    }
  }),
  'text.decode': sync(['data', 'charset'], 1, ([d, c]) => {
    if (!(d instanceof Uint8Array)) return typeError('text.decode', 'data', d ?? null);
    const cs = charset('text.decode', c);
    // Every byte is a Latin-1 character; US-ASCII takes only the low half. (TextDecoder's
    // "latin1" label means windows-1252, so Buffer decodes these.)
    if (cs.node === 'latin1') return Buffer.from(d).toString('latin1');
    if (cs.node === 'ascii') {
      if (d.some((b) => b > 0x7f)) raise('ValueError', 'text.decode: the data is not US-ASCII');
      return Buffer.from(d).toString('ascii');
    }
    try {
      // Bytes that are not valid in the charset are a ValueError, not replacement characters.
      return new TextDecoder(cs.node === 'utf16le' ? 'utf-16le' : 'utf-8', { fatal: true }).decode(d);
    } catch {
      return raise('ValueError', `text.decode: the data is not valid ${cs.name}`);
    }
  }),
  'text.encode': sync(['text', 'charset'], 1, ([t, c]) => {
    const text = str('text.encode', t, 'text');
    const cs = charset('text.encode', c);
    for (const ch of text) {
      if ((ch.codePointAt(0) as number) > cs.max) raise('ValueError', `text.encode: "${ch}" cannot be represented in ${cs.name}`);
    }
    return new Uint8Array(Buffer.from(text, cs.node));
  }),
  'json.encode': sync(['data', 'indent'], 1, ([d, i]) => new Uint8Array(Buffer.from(encodeJsonIndented('json.encode', d as Value, i), 'utf8'))),
  'json.encode_to_string': sync(['data', 'indent'], 1, ([d, i]) => encodeJsonIndented('json.encode_to_string', d as Value, i)),
  'hash.compute_checksum': sync(['data', 'algorithm'], 2, ([d, a]) => {
    if (!(d instanceof Uint8Array)) return typeError('hash.compute_checksum', 'data', d ?? null);
    const algorithm = HASH_ALGORITHMS[str('hash.compute_checksum', a, 'algorithm')];
    if (!algorithm) return raise('ValueError', `hash.compute_checksum: unsupported algorithm "${String(a)}" (${Object.keys(HASH_ALGORITHMS).join(', ')})`);
    return new Uint8Array(createHash(algorithm).update(d).digest());
  }),
  'json.decode': sync(['data'], 1, ([d]) => {
    const text = d instanceof Uint8Array ? Buffer.from(d).toString('utf8') : str('json.decode', d, 'data');
    try {
      return decodeJson(text);
    } catch (e) {
      return raise('ValueError', `json.decode: ${(e as Error).message}`);
    }
  }),
  'base64.encode': sync(['data', 'padding'], 1, ([d, pad]) => {
    if (!(d instanceof Uint8Array)) return typeError('base64.encode', 'data', d ?? null);
    const s = Buffer.from(d).toString('base64');
    return pad === false ? s.replace(/=+$/, '') : s;
  }),
  'base64.decode': sync(['data', 'padding'], 1, ([d, pad]) => {
    // Documented: \r and \n are ignored; with padding (the default) the input must be a
    // multiple of 4 characters long.
    const s = str('base64.decode', d, 'data').replace(/[\r\n]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) raise('ValueError', 'base64.decode: invalid base64 input');
    if (pad !== false && s.length % 4 !== 0) raise('ValueError', 'base64.decode: the input is not padded to a multiple of 4 characters');
    return new Uint8Array(Buffer.from(s, 'base64'));
  }),
  'time.format': sync(['seconds', 'timezone'], 1, ([s, tz]) => {
    // Documented: a tz database name; absent or empty means UTC.
    const zone = tz === undefined || tz === null || tz === '' ? 'UTC' : str('time.format', tz, 'timezone');
    return formatTime(seconds('time.format', s, 'seconds'), zone);
  }),
  'time.parse': sync(['value'], 1, ([v]) => {
    const text = str('time.parse', v, 'value');
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
      raise('ValueError', `time.parse: "${text}" is not an ISO 8601 timestamp`);
    }
    const frac = /\.(\d+)/.exec(text)?.[1] ?? '';
    const whole = Date.parse(text.replace(/\.\d+/, '')) / 1000;
    return new Dbl(whole + (frac ? Number(`0.${frac}`) : 0));
  }),
  'uuid.generate': sync([], 0, () => randomUUID()),
  'sys.now': sync([], 0, (_a, s) => new Dbl(s.now().getTime() / 1000)),
  'sys.get_env': sync(['name', 'default'], 1, ([n, d], s) => {
    const name = str('sys.get_env', n, 'name');
    const fallback = d === undefined || d === null ? null : str('sys.get_env', d, 'default');
    return s.env(name) ?? fallback;
  }),
  'math.abs': sync(['x'], 1, ([x]) => {
    if (typeof x === 'number') return Math.abs(x);
    if (x instanceof Dbl) return new Dbl(Math.abs(x.v));
    return raise('TypeError', `math.abs: expected a number, got ${typeOf(x ?? null)}`);
  }),
  'math.max': sync(['x', 'y'], 2, ([x, y]) => {
    seconds('math.max', x, 'x');
    return seconds('math.max', y, 'y') > num(x as number) ? (y as Value) : (x as Value);
  }),
  'math.min': sync(['x', 'y'], 2, ([x, y]) => {
    seconds('math.min', x, 'x');
    return seconds('math.min', y, 'y') < num(x as number) ? (y as Value) : (x as Value);
  }),
  'math.floor': sync(['x'], 1, ([x]) => Math.floor(seconds('math.floor', x, 'x'))),
  'retry.always': sync(['e'], 1, () => true),
  'retry.never': sync(['e'], 1, () => false),
  'http.default_retry_predicate': sync(['e'], 1, ([e]) => isRetriableIdempotent(e as Value)),
  'http.default_retry_predicate_non_idempotent': sync(['e'], 1, ([e]) => isRetriableNonIdempotent(e as Value)),
};

function httpCode(e: Value): number | undefined {
  if (!(e instanceof Map)) return undefined;
  const c = e.get('code');
  return typeof c === 'number' ? c : undefined;
}

/** `http.default_retry_predicate`: 429, 502, 503, 504, ConnectionError, ConnectionFailedError, TimeoutError. */
export function isRetriableIdempotent(e: Value): boolean {
  const code = httpCode(e);
  if (hasTag(e, 'HttpError') && code !== undefined && [429, 502, 503, 504].includes(code)) return true;
  return hasTag(e, 'ConnectionError') || hasTag(e, 'ConnectionFailedError') || hasTag(e, 'TimeoutError');
}

/** `http.default_retry_predicate_non_idempotent`: 429, 503 and ConnectionFailedError only. */
export function isRetriableNonIdempotent(e: Value): boolean {
  const code = httpCode(e);
  if (hasTag(e, 'HttpError') && code !== undefined && [429, 503].includes(code)) return true;
  return hasTag(e, 'ConnectionFailedError');
}

const HTTP_PARAMS = ['url', 'timeout', 'body', 'headers', 'query', 'auth', 'private_service_name', 'ca_certificate'];

function httpFunction(method: string | undefined): StepFunction {
  const params = method ? HTTP_PARAMS : ['method', ...HTTP_PARAMS];
  return {
    kind: 'step',
    params,
    required: method ? 1 : 2,
    run: (args) => {
      const a = Object.fromEntries(params.map((p, i) => [p, args[i]])) as Record<string, Value | undefined>;
      return httpRequest(method ?? str('http.request', a.method, 'method').toUpperCase(), a);
    },
  };
}

/** A URL the workflow passed: malformed or not http(s) is the workflow's error, so catchable. */
function parseUrl(fn: string, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return raise('ValueError', `${fn}: invalid URL "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') raise('ValueError', `${fn}: URL scheme must be http or https, got "${url.protocol}"`);
  return url;
}

async function httpRequest(method: string, a: Record<string, Value | undefined>): Promise<Value> {
  const fn = `http.${method.toLowerCase()}`;
  const url = parseUrl(fn, str(fn, a.url, 'url'));
  if (a.query instanceof Map) {
    for (const [k, v] of a.query) {
      for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, toText(item));
    }
  }
  const headers = new Headers();
  if (a.headers instanceof Map) for (const [k, v] of a.headers) headers.set(k, toText(v));
  let body: string | Uint8Array | undefined;
  if (a.body !== undefined && a.body !== null) {
    const contentType = headers.get('content-type') ?? '';
    if (a.body instanceof Uint8Array) {
      body = a.body;
      // Documented: bytes without a Content-Type go as application/octet-stream.
      if (!contentType) headers.set('content-type', 'application/octet-stream');
    } else if (typeof a.body === 'string' && contentType !== '' && !contentType.includes('json')) body = a.body;
    else if (a.body instanceof Map && contentType.startsWith('application/x-www-form-urlencoded')) {
      body = new URLSearchParams([...a.body].map(([k, v]) => [k, toText(v)])).toString();
    } else {
      // Without a content type the body is sent as JSON, as documented.
      body = encodeJson(a.body, bytesError);
      if (!contentType) headers.set('content-type', 'application/json; charset=utf-8');
    }
  }
  // `auth` (OIDC/OAuth2) is accepted and ignored: local targets take no Google tokens.
  const timeoutSeconds = a.timeout === undefined || a.timeout === null ? 300 : seconds(fn, a.timeout, 'timeout');
  // Documented: the request timeout is at most 1800 seconds.
  if (timeoutSeconds <= 0 || timeoutSeconds > 1800) raise('ValueError', `${fn}: timeout must be more than 0 and at most 1800 seconds, got ${timeoutSeconds}`);
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body instanceof Uint8Array ? Buffer.from(body) : body, signal: AbortSignal.timeout(timeoutSeconds * 1000) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') raise('TimeoutError', `${fn}: request timed out after ${timeoutSeconds}s`);
    const code = err.cause?.code ?? '';
    if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(code)) {
      raise('ConnectionFailedError', `${fn}: connection to ${url.host} failed (${code})`);
    }
    raise('ConnectionError', `${fn}: connection to ${url.host} broke: ${code || err.message}`);
  }
  const raw = new Uint8Array(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  let resBody: Value = raw;
  if (raw.length === 0) resBody = null;
  else if (type.includes('json')) {
    try {
      resBody = decodeJson(Buffer.from(raw).toString('utf8'));
    } catch {
      resBody = Buffer.from(raw).toString('utf8');
    }
  } else if (type.startsWith('text/') || type === '') resBody = Buffer.from(raw).toString('utf8');
  const resHeaders: WfMap = new Map();
  res.headers.forEach((v, k) => resHeaders.set(k, v));
  const response = wfMap({ body: resBody, code: res.status, headers: resHeaders });
  if (res.status >= 400) {
    throw new WorkflowError(
      errorValue(['HttpError'], `HTTP server responded with error code ${res.status}`, { code: res.status, headers: resHeaders, body: resBody }),
    );
  }
  return response;
}

/** Cloud Logging's severities, which `sys.log` accepts. */
const LOG_SEVERITIES = ['DEFAULT', 'DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY'];

/** The functions only a `call` step may use. */
export const STEP_FUNCTIONS: Record<string, StepFunction> = {
  'http.get': httpFunction('GET'),
  'http.post': httpFunction('POST'),
  'http.put': httpFunction('PUT'),
  'http.patch': httpFunction('PATCH'),
  'http.delete': httpFunction('DELETE'),
  'http.request': httpFunction(undefined),
  'sys.sleep': {
    kind: 'step',
    params: ['seconds'],
    required: 1,
    run: async ([s], rt) => {
      const secs = seconds('sys.sleep', s, 'seconds');
      if (secs < 0) raise('ValueError', 'sys.sleep: seconds must not be negative');
      await rt.sleep(secs * 1000);
      return null;
    },
  },
  'sys.sleep_until': {
    kind: 'step',
    params: ['time'],
    required: 1,
    run: async ([t], rt, scope) => {
      const until = num(SYNC_FUNCTIONS['time.parse']!.fn([str('sys.sleep_until', t, 'time')], scope) as Dbl);
      await rt.sleep(Math.max(0, until * 1000 - scope.now().getTime()));
      return null;
    },
  },
  'sys.log': {
    kind: 'step',
    params: ['data', 'severity', 'text', 'json', 'timeout'],
    required: 0,
    run: async ([data, severity, text, json], rt) => {
      // Documented: exactly one of data, text and json; json must be a map.
      const given = [data, text, json].filter((x) => x !== undefined);
      if (given.length !== 1) raise('TypeError', `sys.log: exactly one of "data", "text" and "json" is required, got ${given.length}`);
      if (text !== undefined) str('sys.log', text, 'text');
      if (json !== undefined) map('sys.log', json, 'json');
      const level = severity === undefined || severity === null ? 'DEFAULT' : str('sys.log', severity, 'severity');
      if (!LOG_SEVERITIES.includes(level)) raise('ValueError', `sys.log: unknown severity "${level}"`);
      rt.log({ severity: level, payload: given[0] as Value });
      return null;
    },
  },
  'events.create_callback_endpoint': {
    kind: 'step',
    params: ['http_callback_method'],
    required: 0,
    run: async ([m], rt) => {
      const method = m === undefined || m === null ? 'POST' : str('events.create_callback_endpoint', m, 'http_callback_method').toUpperCase();
      if (!['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'].includes(method)) {
        raise('ValueError', `events.create_callback_endpoint: unsupported method ${method}`);
      }
      return rt.createCallback(method);
    },
  },
  'events.await_callback': {
    kind: 'step',
    params: ['callback', 'timeout'],
    required: 1,
    run: async ([cb, t], rt) => {
      const timeout = t === undefined || t === null ? 43200 : seconds('events.await_callback', t, 'timeout');
      if (timeout < 0) raise('ValueError', 'events.await_callback: timeout must not be negative');
      return rt.awaitCallback(map('events.await_callback', cb, 'callback'), timeout);
    },
  },
};

/** Names that are values rather than functions: retry policies and the default backoff. */
export const BUILTIN_POLICIES = ['http.default_retry', 'http.default_retry_non_idempotent', 'retry.default_backoff'] as const;

/** Looks a function up by its dotted name. */
export function lookupFunction(name: string): StdFunction | undefined {
  return Object.hasOwn(SYNC_FUNCTIONS, name) ? SYNC_FUNCTIONS[name] : Object.hasOwn(STEP_FUNCTIONS, name) ? STEP_FUNCTIONS[name] : undefined;
}
