/**
 * Depth limit of JSON session data. V8's `JSON.parse` does not recurse, so it takes any depth, but
 * data nested deeper than a recursive writer (ours, Python's) can handle would load and then never
 * save again. The parsers refuse it up front instead.
 * @module
 */

/**
 * Default limit on nesting: Python's default recursion limit, about what Django's `json` can load
 * and dump (Python 3.11: ~990 levels; 3.12: ~1,500).
 */
export const DEFAULT_MAX_DATA_DEPTH = 1000;

/** Highest `maxDataDepth` accepted: what our recursive writer and Python 3.12's `json` both survive. */
export const MAX_DATA_DEPTH_LIMIT = 1500;

/** Limits of the JSON serializer. */
export interface JsonLimits {
  /** Deepest nesting accepted (a top-level object is depth 1). @default 1000 */
  maxDepth?: number | undefined;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether the JSON `text` nests arrays/objects deeper than `maxDepth`. One pass, no allocation;
 * brackets inside strings do not count. Text shorter than `2 × (maxDepth + 1)` cannot, and is not scanned.
 */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  if (text.length < 2 * (maxDepth + 1)) return false;
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string: its end is the next quote not escaped by a backslash.
      for (i++; i < length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
