/**
 * The user-session index for the Redis and Redis Cluster stores: one set per user
 * (`<userPrefix><userId>`) holding that user's session keys. Every command names one key, so a cluster
 * routes each to its slot without hash tags or multi-key scripts. Members whose session has expired or
 * was deleted are dropped when the user logs in again or lists their sessions.
 * @module
 */
import { ConfigError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { CACHE_KEY_PREFIX } from '../_cache.js';
import { withTimeout } from '../_shared.js';
import { DEFAULT_REDIS_TIMEOUT_MS } from '../redis.js';
import { type LazyRedisClient, lazyNodeRedis } from '../redis-client.js';
import type { IndexedSession, UserSessionIndex } from './types.js';

/** The commands the index sends, as node-redis v4/v5 clients and clusters name them. */
export interface RedisIndexClient {
  /** `GET key`. */
  get(key: string): Promise<string | null>;
  /** `PTTL key`: milliseconds left, -2 when missing, -1 without expiry. */
  pTTL(key: string): Promise<number>;
  /** `EXISTS key`. */
  exists(key: string): Promise<number>;
  /** `SADD key member`. */
  sAdd(key: string, member: string): Promise<number>;
  /** `SREM key member...`. */
  sRem(key: string, members: string[]): Promise<number>;
  /** `SMEMBERS key`. */
  sMembers(key: string): Promise<string[]>;
}

/** Default {@link RedisUserIndexOptions.userPrefix}. */
export const USER_SET_PREFIX = 'sessionkit.user_sessions:';

/** Options of {@link createRedisUserIndex}. Give one of `client`, `url` or `nodes`. */
export interface RedisUserIndexOptions {
  /** The session store's key prefix. @default 'django.contrib.sessions.cache' */
  prefix?: string;
  /**
   * Prefix of the per-user sets. Must not start with `prefix`: a crafted session cookie could then name
   * a set. @default 'sessionkit.user_sessions:'
   */
  userPrefix?: string;
  /** A connected client (its lifecycle is yours). */
  client?: RedisIndexClient;
  /** `redis://host:port/db` of a single server: the index opens its own connection. */
  url?: string;
  /** Seed nodes of a Redis Cluster: the index opens its own cluster client. */
  nodes?: string[];
  /** Per-command timeout, in ms. @default 2000 */
  timeoutMs?: number;
  /** Where connection errors are reported. */
  logger?: Logger;
}

/**
 * Create the Redis (or Redis Cluster) user-session index.
 * @example
 * const store = createRedisStore({ url: 'redis://127.0.0.1:6379' });
 * const index = createRedisUserIndex({ url: 'redis://127.0.0.1:6379' });
 * const sessions = createSessionManager({ secretKey, store, userSessions: { index } });
 */
export function createRedisUserIndex(options: RedisUserIndexOptions): UserSessionIndex {
  const prefix = options.prefix ?? CACHE_KEY_PREFIX;
  const userPrefix = options.userPrefix ?? USER_SET_PREFIX;
  if (userPrefix === '' || userPrefix.startsWith(prefix)) {
    throw new ConfigError(
      `The user-session set prefix ${JSON.stringify(userPrefix)} must not start with the session prefix ${JSON.stringify(prefix)}: a session cookie could then name a user's set.`,
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  const sources = [options.client, options.url, options.nodes].filter((x) => x !== undefined);
  if (sources.length !== 1)
    throw new ConfigError('Give the Redis user-session index one of client, url or nodes.');
  let source: LazyRedisClient | null = null;
  if (options.url !== undefined) {
    source = lazyNodeRedis(
      { kind: 'client', url: options.url },
      { store: 'redis', timeoutMs, logger: options.logger },
    );
  } else if (options.nodes !== undefined) {
    const rootUrls = options.nodes.map((node) => (/^rediss?:\/\//.test(node) ? node : `redis://${node}`));
    source = lazyNodeRedis(
      { kind: 'cluster', rootUrls },
      { store: 'redis-cluster', timeoutMs, logger: options.logger },
    );
  }
  const call = <T>(operation: (client: RedisIndexClient) => Promise<T>): Promise<T> =>
    withTimeout('redis', timeoutMs, async () =>
      operation(options.client ?? ((await source!.get()) as unknown as RedisIndexClient)),
    );
  const setOf = (userId: string): string => userPrefix + userId;

  /** Drop the members of `userId`'s set whose session no longer exists. */
  async function prune(userId: string): Promise<void> {
    const members = await call((c) => c.sMembers(setOf(userId)));
    const found = await Promise.all(members.map((key) => call((c) => c.exists(prefix + key))));
    const gone = members.filter((_, i) => found[i] === 0);
    if (gone.length > 0) await call((c) => c.sRem(setOf(userId), gone));
  }

  return {
    name: 'redis',
    async link(key, userId) {
      // A set the session left keeps a stale member until listed: the core checks every member's user.
      if (userId === null) return;
      await call((c) => c.sAdd(setOf(userId), key));
      await prune(userId);
    },
    async unlink(keys, userId) {
      if (userId === undefined || keys.length === 0) return;
      await call((c) => c.sRem(setOf(userId), [...keys]));
    },
    async sessionsOf(userId, now): Promise<IndexedSession[]> {
      const members = await call((c) => c.sMembers(setOf(userId)));
      return Promise.all(
        members.map(async (key) => {
          const [data, ttl] = await Promise.all([
            call((c) => c.get(prefix + key)),
            call((c) => c.pTTL(prefix + key)),
          ]);
          if (data === null || data === undefined) return { key, stored: null };
          return {
            key,
            stored: ttl >= 0 ? { data, expireDate: new Date(now.getTime() + ttl) } : { data },
          };
        }),
      );
    },
    close: async () => source?.close(),
  };
}
