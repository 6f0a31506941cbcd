/**
 * Session keys: 32 characters of `[a-z0-9]` from a CSPRNG (Django's `get_random_string(32, VALID_KEY_CHARS)`).
 * @module
 */
import { randomBytes } from 'node:crypto';

/** Characters a session key is made of. Lowercase only: some stores live on case-insensitive file systems. */
export const VALID_KEY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Length of a newly minted key (≈165 bits of entropy). */
export const SESSION_KEY_LENGTH = 32;

/** Largest multiple of 36 below 256: bytes at or above it are rejected so every character is equally likely. */
const UNBIASED_LIMIT = 252;

/** Mint a random session key: 32 chars of `[a-z0-9]`, uniformly distributed (rejection sampling, no modulo bias). */
export function generateSessionKey(length: number = SESSION_KEY_LENGTH): string {
  let key = '';
  while (key.length < length) {
    const bytes = randomBytes(length * 2);
    for (const byte of bytes) {
      if (byte >= UNBIASED_LIMIT) continue;
      key += VALID_KEY_CHARS[byte % 36];
      if (key.length === length) break;
    }
  }
  return key;
}

/**
 * Django's `_validate_session_key`: a key is kept only if it is a string of at least 8 characters.
 * There is no charset check here (only the file store checks the charset, see {@link hasSafeKeyChars}).
 */
export function isValidSessionKey(key: unknown): key is string {
  return typeof key === 'string' && key.length >= 8;
}

const SAFE_KEY = /^[a-z0-9]+$/;

/** Whether every character of `key` is in {@link VALID_KEY_CHARS} (the file store's path-traversal guard). */
export function hasSafeKeyChars(key: string): boolean {
  return SAFE_KEY.test(key);
}
