/**
 * Django's `b62_encode` / `b62_decode` (`django/core/signing.py`), used for signing timestamps.
 * @module
 */
import { MalformedPayload, SerializationError } from '../core/errors.js';

/** Django's `BASE62_ALPHABET`: digits, then uppercase, then lowercase letters. */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Encode an integer in base 62, most significant digit first; negatives get a `-` prefix.
 * @throws {SerializationError} when `value` is not a safe integer (or a bigint).
 * @example
 * b62Encode(1700000000); // '1r31eq'
 */
export function b62Encode(value: number | bigint): string {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new SerializationError(`Cannot encode ${value} in base 62: not a safe integer`);
  }
  let rest = BigInt(value);
  if (rest === 0n) return '0';
  const sign = rest < 0n ? '-' : '';
  if (rest < 0n) rest = -rest;
  let encoded = '';
  while (rest > 0n) {
    encoded = BASE62_ALPHABET[Number(rest % 62n)] + encoded;
    rest /= 62n;
  }
  return sign + encoded;
}

/**
 * Decode base 62 (a leading `-` makes it negative), as Django's `b62_decode`. Like Python, a lone
 * `-` decodes to 0.
 * @throws {MalformedPayload} on an empty string, a character outside {@link BASE62_ALPHABET}
 *   (Python's `ValueError`), or a value beyond `Number.MAX_SAFE_INTEGER` (Python would keep it exact).
 */
export function b62Decode(text: string): number {
  if (text.length === 0) throw new MalformedPayload('Invalid base62: empty string');
  const negative = text.startsWith('-');
  let decoded = 0;
  for (const digit of negative ? text.slice(1) : text) {
    const index = BASE62_ALPHABET.indexOf(digit);
    if (index < 0) throw new MalformedPayload(`Invalid base62 digit ${JSON.stringify(digit)}`);
    decoded = decoded * 62 + index;
    if (decoded > Number.MAX_SAFE_INTEGER) throw new MalformedPayload('Invalid base62: value too large');
  }
  return negative && decoded !== 0 ? -decoded : decoded;
}
