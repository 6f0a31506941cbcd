/**
 * Handles: what `sessionsOf` shows instead of session keys. A handle is a keyed hash of the key, so it
 * is safe to render in a page and post back (it cannot be turned into the cookie), and it only means
 * something within the sessions of the user it was listed for.
 * @module
 */
import { createHmac } from 'node:crypto';
import { constantTimeCompare } from '../signing/salted-hmac.js';

const HANDLE_SALT = 'sessionkit.user-sessions.handle';

/** Characters of a handle: 22 base64url characters (132 bits). */
export const HANDLE_LENGTH = 22;

/** The handle of `sessionKey` under `secretKey`. */
export function sessionHandle(secretKey: string, sessionKey: string): string {
  return createHmac('sha256', HANDLE_SALT + secretKey)
    .update(sessionKey)
    .digest('base64url')
    .slice(0, HANDLE_LENGTH);
}

/** Whether `handle` (from a form, any string) is the handle of `sessionKey`, compared in constant time. */
export function isHandleOf(handle: unknown, secretKey: string, sessionKey: string): boolean {
  return (
    typeof handle === 'string' &&
    handle.length === HANDLE_LENGTH &&
    constantTimeCompare(handle, sessionHandle(secretKey, sessionKey))
  );
}
