/**
 * Django's `JSONSerializer` (`django/core/signing.py`), the default serializer for signed objects.
 * @module
 */
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
 * `json.loads`. See {@link pythonJsonDumps} for what JavaScript values cannot express.
 */
export const jsonSerializer: JsonSerializer = Object.freeze({
  dumps: pythonJsonDumps,
  loads: pythonJsonLoads,
});
