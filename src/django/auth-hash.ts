/**
 * Django's session auth hash (`AbstractBaseUser.get_session_auth_hash`): the HMAC of the user's password
 * hash that `auth.login()` stores under `_auth_user_hash`. Django logs a session out when it no longer
 * matches, i.e. after a password change (`django.contrib.auth.get_user`).
 * @module
 */
import { type BytesLike, constantTimeCompare, saltedHmac } from '../signing/salted-hmac.js';

/** Key salt of `get_session_auth_hash` (`django/contrib/auth/base_user.py`). */
export const SESSION_AUTH_HASH_SALT = 'django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash';

/** Which key verified a session auth hash: the current `SECRET_KEY` or one of the fallbacks. */
export type SessionAuthHashMatch = 'current' | 'fallback';

/**
 * Django's `user.get_session_auth_hash()`: `salted_hmac(SESSION_AUTH_HASH_SALT, password, secret,
 * algorithm="sha256").hexdigest()` (Django ≥ 4.0; 3.1–3.2 with the default `DEFAULT_HASHING_ALGORITHM`).
 * @param passwordHash the user's `password` column as Django stores it, e.g. `pbkdf2_sha256$…`.
 * @param secretKey Django's `SECRET_KEY`.
 * @example
 * djangoSessionAuthHash(row.password, process.env.SECRET_KEY!); // 64 hex characters
 */
export function djangoSessionAuthHash(passwordHash: string, secretKey: BytesLike): string {
  return saltedHmac(SESSION_AUTH_HASH_SALT, passwordHash, secretKey, 'sha256').toString('hex');
}

/**
 * Check a session's `_auth_user_hash` against the user's current password hash, as `auth.get_user`
 * does: the current key first, then each fallback (Django ≥ 5.0 also honours `SECRET_KEY_FALLBACKS`
 * here). Every comparison is constant-time. An empty or missing hash never matches.
 * @returns `'current'`, `'fallback'` (valid, but the session should be re-hashed with the current key,
 *   as Django does), or `null` when the hash does not match: treat the user as logged out.
 */
export function checkDjangoSessionAuthHash(
  sessionHash: string | null | undefined,
  passwordHash: string,
  secretKey: BytesLike,
  fallbacks: readonly BytesLike[] = [],
): SessionAuthHashMatch | null {
  if (typeof sessionHash !== 'string' || sessionHash === '') return null;
  if (constantTimeCompare(sessionHash, djangoSessionAuthHash(passwordHash, secretKey))) return 'current';
  for (const key of fallbacks) {
    if (constantTimeCompare(sessionHash, djangoSessionAuthHash(passwordHash, key))) return 'fallback';
  }
  return null;
}

/**
 * Whether a session's `_auth_user_hash` (or the `hash` of a {@link DjangoUser}) matches the user's current
 * password hash under `secretKey` or one of `fallbacks`. `false` means the password changed since the
 * login (or the session was forged): Django would flush the session and treat the visitor as anonymous.
 * @example
 * const user = await getDjangoUser(req.session);
 * const ok = user !== null && verifyDjangoSessionAuthHash(user, row.password, SECRET_KEY);
 */
export function verifyDjangoSessionAuthHash(
  session: string | { readonly hash: string } | null | undefined,
  passwordHash: string,
  secretKey: BytesLike,
  fallbacks: readonly BytesLike[] = [],
): boolean {
  const hash = typeof session === 'string' ? session : session?.hash;
  return checkDjangoSessionAuthHash(hash, passwordHash, secretKey, fallbacks) !== null;
}
