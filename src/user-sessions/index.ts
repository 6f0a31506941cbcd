/**
 * `sessionkit/user-sessions`: a user's sessions, listed and ended ("log out everywhere else"). Enable
 * it with the manager's `userSessions` option, then call `manager.sessionsOf(userId)`,
 * `manager.endSessionsOf(userId, { except })` and `manager.endSession(userId, handle)`. The index
 * factories here serve stores given as instances; a store given by URL gets its index by itself.
 * See docs/user-sessions.md.
 * @example
 * const sessions = createSessionManager({ secretKey, store: 'postgres://app@db/app', userSessions: true });
 * await sessions.endSessionsOf(userId, { except: req.session.sessionKey });
 * @module
 */
export { createFileUserIndex, type FileUserIndexOptions } from '../stores/user-index/file.js';
export { createMemoryUserIndex, type MemoryUserIndexOptions } from '../stores/user-index/memory.js';
export { createMysqlUserIndex, type MysqlUserIndexOptions } from '../stores/user-index/mysql.js';
export { createPostgresUserIndex, type PostgresUserIndexOptions } from '../stores/user-index/postgres.js';
export {
  createRedisUserIndex,
  type RedisIndexClient,
  type RedisUserIndexOptions,
  USER_SET_PREFIX,
} from '../stores/user-index/redis.js';
export { userIndexFromUrl } from '../stores/user-index/resolve.js';
export type { SqlUserIndexOptions } from '../stores/user-index/sql.js';
export { createSqliteUserIndex, type SqliteUserIndexOptions } from '../stores/user-index/sqlite.js';
export type { IndexedSession, UnindexedSession, UserSessionIndex } from '../stores/user-index/types.js';
export { CLIENT_KEY, type ClientInfo, clientOf, recordClient, type StoredClient } from './client-info.js';
export { HANDLE_LENGTH, sessionHandle } from './handle.js';
export {
  DEFAULT_USER_KEY,
  type EndSessionsOptions,
  InvalidUserId,
  MAX_USER_ID_LENGTH,
  type UserSessionInfo,
  type UserSessionsOptions,
  userIdOf,
} from './user-sessions.js';
