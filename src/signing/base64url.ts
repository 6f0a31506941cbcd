/**
 * Django's `b64_encode` / `b64_decode` (`django/core/signing.py`): URL-safe base64 without padding.
 * @module
 */
import { MalformedPayload } from '../core/errors.js';

const BASE64URL = /^[A-Za-z0-9_-]*(={0,2})$/;

/**
 * URL-safe base64 (`A-Z a-z 0-9 - _`) with the `=` padding stripped, as Django's `b64_encode`.
 * A string is encoded as UTF-8 first.
 * @example
 * b64Encode('{}'); // 'e30'
 */
export function b64Encode(data: Uint8Array | string): string {
  const bytes =
    typeof data === 'string'
      ? Buffer.from(data, 'utf8')
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return bytes.toString('base64url');
}

/**
 * Decode URL-safe base64, tolerant of missing padding, as Django's `b64_decode`. Correct trailing
 * padding is accepted too.
 *
 * Stricter than Python on purpose: `base64.urlsafe_b64decode` (non-validating mode) silently
 * discards characters outside the alphabet, and Node's decoder does the same; here any such
 * character, misplaced padding, or an impossible length (a lone trailing character, which Python
 * also refuses) is an error.
 *
 * @throws {MalformedPayload} when `text` is not URL-safe base64.
 */
export function b64Decode(text: string): Buffer {
  const match = BASE64URL.exec(text);
  if (match === null) throw new MalformedPayload('Invalid base64: characters outside the URL-safe alphabet');
  const padding = match[1]?.length ?? 0;
  const length = text.length - padding;
  if (length % 4 === 1 || (padding > 0 && text.length % 4 !== 0)) {
    throw new MalformedPayload('Invalid base64: incorrect length or padding');
  }
  return Buffer.from(text.slice(0, length), 'base64url');
}
