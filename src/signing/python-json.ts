/**
 * Python's `json.dumps(obj, separators=(",", ":"))` and `json.loads`, as Django's `JSONSerializer`
 * uses them (spec §2.1).
 * @module
 */
import { DataLimitExceeded, MalformedPayload, SerializationError } from '../core/errors.js';
import { DEFAULT_MAX_DATA_DEPTH, type JsonLimits, jsonDepthExceeds } from './json-limits.js';
import { pythonFloatRepr } from './python-float.js';
import { parsePythonJson } from './python-json-parse.js';

// Python's ESCAPE_ASCII: `"`, `\` and everything outside 0x20..0x7E (DEL and non-ASCII included).
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters Python escapes.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\uffff]/g;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function escapeChar(char: string): string {
  return SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

// The same set, for a quick test: most strings need no escaping at all.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters Python escapes.
const HAS_ESCAPE = /["\\\u0000-\u001f\u007f-\uffff]/;

/** Python's `encode_basestring_ascii`: astral characters come out as surrogate pairs, as in Python. */
function quote(text: string): string {
  return HAS_ESCAPE.test(text) ? `"${text.replace(NEEDS_ESCAPE, escapeChar)}"` : `"${text}"`;
}

function formatNumber(value: number): string {
  // An integral number is written as a Python int: all digits, never `1e+21`. Up to 2^53 String()
  // already writes every digit.
  if (Number.isSafeInteger(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (Number.isInteger(value)) return BigInt(value).toString();
  return pythonFloatRepr(value);
}

function refusedKind(value: object): string | null {
  if (value instanceof Map) return 'a Map';
  if (value instanceof Set) return 'a Set';
  if (value instanceof WeakMap) return 'a WeakMap';
  if (value instanceof WeakSet) return 'a WeakSet';
  return null;
}

/** A primitive value (or a function/symbol); `undefined` means "omit" (JSON.stringify semantics). */
function writePrimitive(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return formatNumber(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return value === null ? 'null' : undefined; // undefined, functions, symbols
  }
}

/**
 * Serialize one value; `undefined` means "omit". `key` is what `toJSON` receives (an array index is
 * passed as a number and turned into a string only for `toJSON`). `stack` holds the objects being
 * written, for cycle detection: a short array, cheaper than a Set at the depths session data has.
 * Its length is also the depth, checked against `maxDepth` before recursing, so the stack never overflows.
 */
function write(input: unknown, key: string | number, stack: object[], maxDepth: number): string | undefined {
  if (typeof input !== 'object' || input === null) return writePrimitive(input);
  let value: unknown = input;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    value = toJSON.call(value, String(key)) as unknown;
    if (typeof value !== 'object' || value === null) return writePrimitive(value);
  }
  // Boxed primitives are unwrapped, as JSON.stringify does.
  if (value instanceof Number) return formatNumber(Number(value));
  if (value instanceof String) return quote(String(value));
  if (value instanceof Boolean) return value.valueOf() ? 'true' : 'false';
  if (value instanceof BigInt) return value.valueOf().toString();

  const object = value as object;
  const isArray = Array.isArray(object);
  const kind = isArray ? null : refusedKind(object);
  if (kind !== null) {
    throw new SerializationError(
      `Cannot serialize ${kind} as JSON: Python's json module refuses it and JSON.stringify would write {} and lose the data. ` +
        'Convert it first (Object.fromEntries(map), [...set]).',
    );
  }
  if (stack.includes(object)) throw new SerializationError('Cannot serialize a circular structure as JSON.');
  if (stack.length >= maxDepth) throw new DataLimitExceeded('maxDataDepth', maxDepth);
  stack.push(object);
  const out = isArray
    ? writeArray(object as unknown[], stack, maxDepth)
    : writeRecord(object as Record<string, unknown>, stack, maxDepth);
  stack.pop();
  return out;
}

function writeArray(array: readonly unknown[], stack: object[], maxDepth: number): string {
  let out = '[';
  for (let i = 0; i < array.length; i++) {
    if (i !== 0) out += ',';
    out += write(array[i], i, stack, maxDepth) ?? 'null';
  }
  return `${out}]`;
}

function writeRecord(record: Record<string, unknown>, stack: object[], maxDepth: number): string {
  let out = '{';
  let first = true;
  for (const name of Object.keys(record)) {
    const item = write(record[name], name, stack, maxDepth);
    if (item === undefined) continue;
    out += `${first ? '' : ','}${quote(name)}:${item}`;
    first = false;
  }
  return `${out}}`;
}

/** What JSON.stringify leaves unescaped but Python's `ensure_ascii` escapes: DEL and everything past ASCII. */
const NOT_PYTHON_ASCII = /[\u007f-\uffff]/;

/**
 * Whether `value` holds only what JSON.stringify and Python's `json.dumps` write alike: plain objects
 * (prototype `Object.prototype` or `null`) and arrays without `toJSON`, strings, booleans, `null` and
 * safe integers, nested at most `depthLeft` containers deep (cycles end there too). Floats (written
 * differently: `1e-05`), `NaN`, bigints, `undefined`, holes, dates and class instances answer false.
 */
function isPlainData(value: unknown, depthLeft: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isSafeInteger(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depthLeft === 0 || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainData(value[i], depthLeft - 1)) return false;
    return true;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!isPlainData(record[key], depthLeft - 1)) return false;
  return true;
}

/**
 * Serialize `value` to exactly the text Python's `json.dumps(value, separators=(",", ":"))` writes
 * (`ensure_ascii=True`, `allow_nan=True`): pure ASCII, every character outside `0x20..0x7E` as a
 * lowercase `\uXXXX` escape (astral characters as surrogate pairs), `\n \r \t \b \f` short escapes,
 * `/` unescaped, keys in insertion order, floats as Python's `repr` (`0.1`, `1e-05`, `1.5e+16`),
 * `NaN` / `Infinity` / `-Infinity` written as bare tokens.
 *
 * Otherwise JSON.stringify's rules apply: `toJSON()` is called (a `Date` becomes its ISO string),
 * `undefined`, functions and symbols are omitted from objects and become `null` in arrays, symbol
 * keys are ignored.
 *
 * Differences JavaScript cannot carry:
 * - A float with an integral value is written as an int (`2.0` becomes `2`; `1e16` becomes
 *   `10000000000000000`), since JavaScript has one number type. Integers are written with all their
 *   digits, like a Python int. Integers beyond 2^53 lose precision unless passed as a `bigint`.
 * - A Python dict can have int keys (written as `"1"`); JavaScript keys are always strings, and
 *   JavaScript objects enumerate integer-like keys (`"2"`, `"10"`) first, in ascending order, before
 *   the other keys, whatever the insertion order was.
 *
 * @throws {SerializationError} for a top-level `undefined` (or function/symbol), a circular structure,
 *   or a `Map` / `Set` / `WeakMap` / `WeakSet`.
 * @throws {DataLimitExceeded} for data nested deeper than `limits.maxDepth` (default 1000).
 * @example
 * pythonJsonDumps({ é: 'ü', n: 0.1 }); // '{"\\u00e9":"\\u00fc","n":0.1}'
 */
export function pythonJsonDumps(value: unknown, limits?: JsonLimits): string {
  const maxDepth = limits?.maxDepth ?? DEFAULT_MAX_DATA_DEPTH;
  // Most session data is plain (objects, arrays, strings, booleans, null, integers): for it V8's
  // JSON.stringify writes exactly Python's bytes as long as the result is ASCII. Anything else takes
  // the writer below, which also raises the errors.
  if (isPlainData(value, maxDepth)) {
    const text = JSON.stringify(value);
    if (!NOT_PYTHON_ASCII.test(text)) return text;
  }
  const out = write(value, '', [], maxDepth);
  if (out === undefined) throw new SerializationError(`Cannot serialize ${typeof value} as JSON.`);
  return out;
}

/**
 * Parse JSON as Python's `json.loads` does: standard JSON plus the bare `NaN`, `Infinity` and
 * `-Infinity` tokens Python writes by default.
 *
 * Integers beyond 2^53 lose precision (Python keeps them exact), and `-0` parses as `-0`.
 *
 * @throws {MalformedPayload} for invalid JSON (the parser's error is the `cause`).
 * @throws {DataLimitExceeded} for data nested deeper than `limits.maxDepth` (default 1000), checked
 *   before parsing: Python's `json` could not load it either, and it could never be saved again.
 */
export function pythonJsonLoads(text: string, limits?: JsonLimits): unknown {
  const maxDepth = limits?.maxDepth ?? DEFAULT_MAX_DATA_DEPTH;
  if (jsonDepthExceeds(text, maxDepth)) throw new DataLimitExceeded('maxDataDepth', maxDepth);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // The slower parser runs only when the text may hold Python's non-standard number tokens.
    if (/NaN|Infinity/.test(text)) {
      try {
        return parsePythonJson(text);
      } catch (extendedError) {
        throw new MalformedPayload('Invalid JSON in payload', { cause: extendedError });
      }
    }
    throw new MalformedPayload('Invalid JSON in payload', { cause: error });
  }
}
