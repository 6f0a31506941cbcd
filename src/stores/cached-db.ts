/**
 * The cached-db store: Django's `cached_db` backend (spec §4.3). A write-through cache in front of a
 * database store: reads hit the cache first, writes go to the database first and then to the cache.
 * Cache failures on reads and writes are logged and the database answers; only a failing cache
 * delete propagates, because a surviving cached copy would keep a logged-out session alive.
 * @module
 */
import { ConfigError } from '../core/errors.js';
import { consoleLogger, type Logger } from '../core/logger.js';
import type { ResolvedSettings } from '../core/settings.js';
import { CACHED_DB_KEY_PREFIX } from './_cache.js';
import { resolveStore } from './resolve.js';
import type {
  ExpectedRecord,
  ReplaceOutcome,
  SessionRecord,
  SessionStore,
  StoredSession,
  TouchRecord,
} from './types.js';

export { CACHED_DB_KEY_PREFIX };

/** Options of {@link createCachedDbStore}. */
export interface CachedDbStoreOptions {
  /** The store of record (PostgreSQL, MySQL, SQLite ...). */
  db: SessionStore;
  /**
   * The cache (Redis, memcached, memory). Give Redis and memcached stores
   * `prefix: CACHED_DB_KEY_PREFIX` to use Django's cached_db keys (`django.contrib.sessions.cached_db<key>`).
   */
  cache: SessionStore;
  /** Where failed cache operations are reported (`Error saving to cache (<cache>)`). @default console */
  logger?: Logger;
}

/**
 * The cache holds `<expiry in ms>|<encoded data>`, so a hit honours the exact expiry on the session
 * clock; cache TTLs run on the wall clock of the cache server.
 */
const wrap = (data: string, expireDate: Date): string => `${expireDate.getTime()}|${data}`;

function unwrap(value: string): { data: string; expireDate: Date } | null {
  const bar = value.indexOf('|');
  const ms = Number(value.slice(0, bar));
  return bar > 0 && Number.isSafeInteger(ms)
    ? { data: value.slice(bar + 1), expireDate: new Date(ms) }
    : null;
}

/**
 * Create a cached-db store.
 * @example
 * const store = createCachedDbStore({
 *   db: createPostgresStore({ url: process.env.DATABASE_URL }),
 *   cache: createRedisStore({ url: process.env.REDIS_URL, prefix: CACHED_DB_KEY_PREFIX }),
 * });
 */
export function createCachedDbStore(options: CachedDbStoreOptions): SessionStore {
  const { db, cache } = options;
  if (db?.kind !== 'server' || cache?.kind !== 'server') {
    throw new ConfigError('createCachedDbStore needs a server-side db store and a server-side cache store.');
  }
  const logger = options.logger ?? consoleLogger;

  /** Cache failures are logged and swallowed (Django ≥ 5.1: "Error saving to cache"). */
  async function quietly<T>(what: string, fallback: T, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      logger.error(`${what} (${cache.name})`, { error });
      return fallback;
    }
  }
  const cacheRecord = (record: SessionRecord): SessionRecord => ({
    ...record,
    data: wrap(record.data, record.expireDate),
  });
  const cacheSet = (record: SessionRecord): Promise<void> =>
    quietly('Error saving to cache', undefined, async () => {
      const wrapped = cacheRecord(record);
      if (cache.set) await cache.set(wrapped);
      else if (!(await cache.update(wrapped))) await cache.create(wrapped);
    });

  return {
    kind: 'server',
    // The core encodes for the store of record; the cache keeps the same text.
    dataFormat: db.dataFormat,
    name: 'cached-db',
    async load(key, now) {
      const hit = await quietly('Error reading from cache', null, () => cache.load(key, now));
      const entry = hit === null ? null : unwrap(hit.data);
      if (entry !== null && entry.expireDate.getTime() > now.getTime()) return entry;
      const stored: StoredSession | null = await db.load(key, now);
      if (stored?.expireDate !== undefined) {
        // Django's get_expiry_age(expiry=s.expire_date): whole seconds left.
        const maxAge = Math.floor((stored.expireDate.getTime() - now.getTime()) / 1000);
        if (maxAge > 0) await cacheSet({ key, data: stored.data, expireDate: stored.expireDate, maxAge });
      }
      return stored;
    },
    // The cache first: a hit costs no database query (Django test_exists_searches_cache_first).
    async exists(key) {
      if (await quietly('Error reading from cache', false, () => cache.exists(key))) return true;
      return db.exists(key);
    },
    async create(record) {
      if (!(await db.create(record))) return false;
      await cacheSet(record);
      return true;
    },
    async update(record) {
      if (!(await db.update(record))) {
        // The row is gone (concurrent logout): make sure no cached copy outlives it.
        await quietly('Error deleting from cache', undefined, () => cache.delete(record.key));
        return false;
      }
      // Only refresh an entry that is still cached: an unconditional set could re-insert a session
      // that a concurrent delete removed between our db update and this write.
      await quietly('Error saving to cache', false, () => cache.update(cacheRecord(record)));
      return true;
    },
    ...(db.replace && {
      // Compare-and-swap on the store of record. On a conflict or a missing row the cached copy is
      // dropped, so the reload that follows reads the database, not a copy older than it.
      async replace(record: SessionRecord, expected: ExpectedRecord): Promise<ReplaceOutcome> {
        const outcome = await db.replace!(record, { data: expected.data });
        if (outcome === 'ok') {
          await quietly('Error saving to cache', false, () => cache.update(cacheRecord(record)));
        } else {
          await quietly('Error deleting from cache', undefined, () => cache.delete(record.key));
        }
        return outcome;
      },
    }),
    ...(db.lock && { lock: db.lock.bind(db) }),
    ...(db.touch && {
      // The database first, then the cache: its entry carries the old expiry, so it is dropped and
      // the next load reads the row (with the new expiry) and caches it again.
      async touch(record: TouchRecord): Promise<boolean> {
        const touched = await db.touch!(record);
        if (touched) await quietly('Error deleting from cache', undefined, () => cache.delete(record.key));
        return touched;
      },
    }),
    // A failing cache delete propagates (as in Django): a cached copy would keep the session alive.
    async delete(key) {
      await db.delete(key);
      await cache.delete(key);
    },
    async clearExpired(context) {
      if (!db.clearExpired) return 0;
      return db.clearExpired(context);
    },
    async createTable() {
      await db.createTable?.();
    },
    validateKey(key) {
      db.validateKey?.(key);
    },
    async close() {
      await Promise.all([db.close?.(), cache.close?.()]);
    },
    // Start-up check of both stores: a cache that cannot serve would only slow requests down, but it is
    // still a setup mistake worth reporting at start.
    async ready() {
      await db.ready?.();
      await cache.ready?.();
    },
  };
}

/** Cache URL schemes whose stores take a `prefix` parameter. */
const PREFIXED_SCHEMES = /^(redis|rediss|redis-cluster|memcached):/i;

/**
 * Build a cached-db store from two store URLs (the CLI's `--store <db-url> --cache <cache-url>`). The
 * cache gets Django's cached_db key prefix unless its URL sets `prefix`.
 * @example
 * await createCachedDbStoreFromUrls('postgres://localhost/app', 'redis://127.0.0.1:6379', sessions.settings);
 * @throws {ConfigError} when either URL is invalid or names a signed-cookie store.
 */
export async function createCachedDbStoreFromUrls(
  dbUrl: string,
  cacheUrl: string,
  settings: Pick<ResolvedSettings, 'cookieName' | 'logger'>,
): Promise<SessionStore> {
  let url = cacheUrl;
  if (PREFIXED_SCHEMES.test(url) && !/[?&]prefix=/.test(url)) {
    url += `${url.includes('?') ? '&' : '?'}prefix=${encodeURIComponent(CACHED_DB_KEY_PREFIX)}`;
  }
  const [db, cache] = await Promise.all([resolveStore(dbUrl, settings), resolveStore(url, settings)]);
  if (db.kind !== 'server' || cache.kind !== 'server') {
    throw new ConfigError(
      'cached-db needs server-side stores for both the database and the cache, not signed-cookie:.',
    );
  }
  return createCachedDbStore({ db, cache, logger: settings.logger });
}
