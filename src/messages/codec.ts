/**
 * Django's message encoding in the session: `SessionStorage.serialize_messages()` stores
 * `MessageEncoder().encode(messages)` — a JSON *text* inside the session data — and
 * `deserialize_messages()` reads it back with `MessageDecoder`
 * (`django/contrib/messages/storage/session.py`, `storage/cookie.py`).
 * @module
 */
import { pythonJsonDumps, pythonJsonLoads } from '../signing/python-json.js';

/** First element of every encoded message (`MessageEncoder.message_key`). */
export const MESSAGE_MARKER = '__json_message';

/** One message as Django stores it: the fields of its `Message` and whether the text is `SafeData`. */
export interface StoredMessage {
  /** The level, an integer (Django's `int(level)`). */
  readonly level: number;
  /** The text. */
  readonly message: string;
  /**
   * Django's `extra_tags`: `null` when the stored message had none (Django 3.2 omits an empty string;
   * Django ≥ 4.1 writes `""` and omits only `None`).
   */
  readonly extraTags: string | null;
  /** The text was `mark_safe()`d (`is_safedata`): Django templates will not escape it. */
  readonly safe: boolean;
}

/** What a stored `_messages` value decoded to. */
export type DecodedMessages =
  | { readonly ok: true; readonly messages: StoredMessage[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Encode messages exactly as Django ≥ 4.1's `MessageEncoder().encode()` does: Python's default
 * separators (`", "`), ASCII-only escapes, `[marker, is_safedata, level, message(, extra_tags)]` with
 * `extra_tags` written unless `null`. Django 3.2 wrote the same bytes except that it also left out an
 * empty `extra_tags`; each version reads the other's.
 */
export function encodeMessages(messages: readonly StoredMessage[]): string {
  const parts = messages.map((stored) => {
    const fields = [pythonJsonDumps(MESSAGE_MARKER), stored.safe ? '1' : '0', String(stored.level)];
    fields.push(pythonJsonDumps(stored.message));
    if (stored.extraTags !== null) fields.push(pythonJsonDumps(stored.extraTags));
    return `[${fields.join(', ')}]`;
  });
  return `[${parts.join(', ')}]`;
}

/** Python's truth value of a JSON value (`MessageDecoder` tests `if obj[1]`). */
function pythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function decodeOne(entry: unknown, index: number): StoredMessage | string {
  if (!Array.isArray(entry) || entry[0] !== MESSAGE_MARKER) return `entry ${index} is not an encoded message`;
  // MessageDecoder calls Message(*obj[2:]): a level, a text and at most extra_tags.
  if (entry.length !== 4 && entry.length !== 5)
    return `entry ${index} has ${entry.length} fields, not 4 or 5`;
  const [, safe, level, message, extraTags = null] = entry as unknown[];
  if (typeof level !== 'number' || !Number.isSafeInteger(level)) return `entry ${index} has no integer level`;
  if (typeof message !== 'string') return `entry ${index} has no text`;
  if (extraTags !== null && typeof extraTags !== 'string') return `entry ${index} has non-text extra tags`;
  return { level, message, extraTags, safe: pythonTruthy(safe) };
}

/**
 * Decode a session's `_messages` value. Absent or empty (Python-falsy) means no messages, as in
 * Django; anything that is not the text of a list of encoded messages is refused with a reason.
 */
export function decodeMessages(value: unknown): DecodedMessages {
  if (!pythonTruthy(value)) return { ok: true, messages: [] };
  if (typeof value !== 'string') return { ok: false, reason: `stored value is ${describe(value)}, not text` };
  let parsed: unknown;
  try {
    parsed = pythonJsonLoads(value);
  } catch {
    return { ok: false, reason: 'stored text is not JSON' };
  }
  if (!Array.isArray(parsed)) return { ok: false, reason: `stored JSON is ${describe(parsed)}, not a list` };
  const messages: StoredMessage[] = [];
  for (const [index, entry] of parsed.entries()) {
    const decoded = decodeOne(entry, index);
    if (typeof decoded === 'string') return { ok: false, reason: decoded };
    messages.push(decoded);
  }
  return { ok: true, messages };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
