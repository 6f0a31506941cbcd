/**
 * The `userSessions` option of a manager, checked without loading the user-session code or any index,
 * so that a manager can refuse a bad option at construction and import the rest with its store.
 * @module
 */
import { ConfigError, NotSupported } from '../core/errors.js';
import type { UserSessionIndex } from '../stores/user-index/types.js';

/** Django's `SESSION_KEY` (`django.contrib.auth`): the logged-in user's primary key, as text. */
export const DEFAULT_USER_KEY = '_auth_user_id';

/** Options of the manager's `userSessions`. */
export interface UserSessionsOptions {
  /**
   * Session data key holding the user id. Django's `auth.login()` writes `_auth_user_id`, so Django
   * logins on a shared store are indexed too. @default '_auth_user_id'
   */
  userKey?: string;
  /**
   * The index. Default: the store's own `userIndex`, else one built from the store URL (same database,
   * Redis or directory), else an in-process index for the memory store.
   */
  index?: UserSessionIndex;
}

/**
 * The session data key `options` names, checked.
 * @throws {ConfigError} for an empty key or one longer than 200 characters.
 */
export function checkUserKey(options: UserSessionsOptions): string {
  const userKey = options.userKey ?? DEFAULT_USER_KEY;
  if (typeof userKey !== 'string' || userKey === '' || userKey.length > 200) {
    throw new ConfigError(
      `userSessions.userKey must be a non-empty session data key (at most 200 characters), not ${JSON.stringify(userKey)}.`,
    );
  }
  return userKey;
}

/**
 * The `userSessions` option as options, `null` when off.
 * @throws {ConfigError} for an option that is not `true`, `false` or an options object, or a bad `userKey`.
 */
export function checkUserSessionsOption(option: unknown): UserSessionsOptions | null {
  if (option === undefined || option === false) return null;
  if (option !== true && (typeof option !== 'object' || option === null)) {
    throw new ConfigError('userSessions must be true, false or an options object.');
  }
  const options = option === true ? {} : (option as UserSessionsOptions);
  checkUserKey(options);
  return options;
}

/** The error every user-session operation gives on the signed-cookie store. */
export function cookieNotSupported(): NotSupported {
  return new NotSupported(
    "The signed-cookie store cannot list or end a user's sessions: each session lives only in its browser's cookie, so the server has no record to find or delete. Rotate secretKey (every session ends) or use a server-side store.",
  );
}
