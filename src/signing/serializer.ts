/**
 * Django's `JSONSerializer` (`django/core/signing.py`), the default serializer for signed objects.
 * @module
 */
import { DEFAULT_MAX_DATA_DEPTH, type JsonLimits } from './json-limits.js';
import { pythonJsonDumps, pythonJsonLoads } from './python-json.js';

/**
 * Turns a value into text and back. The text is stored as latin-1 bytes (Django's `JSONSerializer`
 * does `.encode('latin-1')`), so `dumps` must only write characters up to U+00FF, and `loads`
 * receives the stored bytes decoded as latin-1.
 */
export interface JsonSerializer {
  /** Serialize a value to text (characters up to U+00FF; ASCII for Django compatibility). */
  dumps(value: unknown): string;
  /** Parse text produced by `dumps`; throw on invalid input. */
  loads(text: string): unknown;
}

/**
 * Django's `JSONSerializer`: Python's `json.dumps(obj, separators=(",", ":"))` (pure ASCII) and
 * `json.loads`, refusing data nested deeper than 1000 levels with {@link DataLimitExceeded} both ways.
 * See {@link pythonJsonDumps} for what JavaScript values cannot express.
 */
export const jsonSerializer: JsonSerializer = Object.freeze({
  dumps: (value: unknown) => pythonJsonDumps(value),
  loads: (text: string) => pythonJsonLoads(text),
});

/**
 * Django's `JSONSerializer` with another depth limit (the `maxDataDepth` setting).
 * @example createJsonSerializer({ maxDepth: 200 })
 */
export function createJsonSerializer(limits: JsonLimits): JsonSerializer {
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DATA_DEPTH;
  if (maxDepth === DEFAULT_MAX_DATA_DEPTH) return jsonSerializer;
  return Object.freeze({
    dumps: (value: unknown) => pythonJsonDumps(value, { maxDepth }),
    loads: (text: string) => pythonJsonLoads(text, { maxDepth }),
  });
}
