/**
 * The signed-cookie store (Django's `signed_cookies` backend): no server-side storage, the cookie holds
 * the signed (not encrypted) session data. See the README's security notes before using it.
 * @module
 */
import { ConfigError } from '../core/errors.js';
import type { CookieStore } from './types.js';

/** Salt Django's signed-cookie backend signs with. */
export const SIGNED_COOKIE_SALT = 'django.contrib.sessions.backends.signed_cookies';

/** Options of {@link createSignedCookieStore}. */
export interface SignedCookieStoreOptions {
  /** Signing salt; keep Django's to share cookies with a Django site. @default 'django.contrib.sessions.backends.signed_cookies' */
  salt?: string;
  /** Largest `name=value` cookie `save` accepts, in bytes (browsers keep about 4096). @default 4096 */
  maxCookieSize?: number;
}

/**
 * Create the signed-cookie store.
 * @example
 * const sessions = createSessionManager({ secretKey, store: createSignedCookieStore() });
 */
export function createSignedCookieStore(options: SignedCookieStoreOptions = {}): CookieStore {
  const maxCookieSize = options.maxCookieSize ?? 4096;
  if (!Number.isInteger(maxCookieSize) || maxCookieSize < 64) {
    throw new ConfigError(`maxCookieSize must be an integer of at least 64 bytes, not ${maxCookieSize}.`);
  }
  return { kind: 'cookie', name: 'signed-cookie', salt: options.salt ?? SIGNED_COOKIE_SALT, maxCookieSize };
}
