/**
 * The user-session index of a store given by URL: the same database, Redis or directory, reached
 * through a connection of the index's own (a store built from a URL does not share its client).
 * @module
 */
import { tmpdir } from 'node:os';
import { ConfigError } from '../../core/errors.js';
import type { ResolvedSettings } from '../../core/settings.js';
import { parseCacheUrl } from '../_cache.js';
import { createFileUserIndex } from './file.js';
import { createMysqlUserIndex } from './mysql.js';
import { createPostgresUserIndex } from './postgres.js';
import { createRedisUserIndex } from './redis.js';
import { createSqliteUserIndex } from './sqlite.js';
import type { UserSessionIndex } from './types.js';

const path = (url: string): string => {
  const rest = url.slice(url.indexOf(':') + 1);
  return rest.includes('?') ? rest.slice(0, rest.indexOf('?')) : rest;
};

/**
 * The index for the store at `url`, `null` for a scheme without one (memcached, signed-cookie, and
 * `memory:`, whose in-process index the manager keeps itself).
 * @throws {ConfigError} for `sqlite::memory:`, which a second connection cannot see.
 */
export function userIndexFromUrl(
  url: string,
  settings: Pick<ResolvedSettings, 'cookieName' | 'logger'>,
): UserSessionIndex | null {
  const scheme = url.slice(0, Math.max(0, url.indexOf(':'))).toLowerCase();
  switch (scheme) {
    case 'sqlite': {
      const file = path(url) || ':memory:';
      if (file === ':memory:') {
        throw new ConfigError(
          "userSessions needs the SQLite database in a file (sqlite:./sessions.db): an in-memory database is private to the store's connection. Or pass userSessions.index: createSqliteUserIndex({ database }).",
        );
      }
      return createSqliteUserIndex({ path: file });
    }
    case 'postgres':
    case 'postgresql':
      return createPostgresUserIndex({ url });
    case 'mysql':
    case 'mariadb':
      return createMysqlUserIndex({ url });
    case 'redis':
    case 'rediss':
    case 'redis-cluster': {
      const parsed = parseCacheUrl(url, 6379);
      const common = { prefix: parsed.prefix, timeoutMs: parsed.timeoutMs, logger: settings.logger };
      if (scheme !== 'redis-cluster') return createRedisUserIndex({ ...common, url: parsed.base });
      const auth = parsed.auth === undefined ? '' : `${parsed.auth}@`;
      return createRedisUserIndex({ ...common, nodes: parsed.hosts.map((host) => `redis://${auth}${host}`) });
    }
    case 'file':
      return createFileUserIndex({
        directory: path(url).replace(/^\/\/(?=\/)/, '') || tmpdir(),
        prefix: settings.cookieName,
      });
    default:
      return null;
  }
}
