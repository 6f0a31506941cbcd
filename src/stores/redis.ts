/**
 * The Redis store: Django's cache backend (spec §4.2) on Redis, Valkey or a Redis Cluster. Keys are
 * `prefix + sessionKey` (no separator), entries expire through Redis TTLs, and every operation is one
 * atomic command: create is `SET NX EX`, update is `SET XX EX` (so a deleted session is never
 * resurrected), load is `GET`, and a merging save's compare-and-swap is one Lua script (`EVALSHA`).
 * Session locks are `SET <key>.lock <token> NX PX <ttl>`, released by a script that checks the token.
 *
 * Peer dependency: `redis` (node-redis v4 or v5), loaded on first use. Any other client (ioredis, Valkey
 * GLIDE ...) can be injected through {@link RedisStoreOptions.client}.
 * @module
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { CACHE_KEY_PREFIX, parseCacheUrl } from './_cache.js';
import { lockToken, pollLock } from './_lock.js';
import { checkReady, READY_PROBE_KEY } from './_ready.js';
import { quoteUrl } from './_redact.js';
import { checkDataFormat, withTimeout } from './_shared.js';
import { type LazyRedisClient, lazyNodeRedis } from './redis-client.js';
import type { DataFormat, ReplaceOutcome, SessionRecord, SessionStore, TouchRecord } from './types.js';

export { CACHE_KEY_PREFIX };

/** Options of the `SET` command the store sends, in node-redis v4/v5 form. */
export interface RedisSetOptions {
  /** Time to live in seconds (`EX`). */
  EX: number;
  /** Only set a key that does not exist (`NX`). */
  NX?: true;
  /** Only set a key that exists (`XX`). */
  XX?: true;
}

/**
 * The few commands the store needs. A node-redis v4/v5 client or cluster satisfies it as is; wrap other
 * clients in a small adapter.
 * @example
 * // ioredis
 * import Redis from 'ioredis';
 * const io = new Redis('redis://127.0.0.1:6379');
 * const client: RedisLikeClient = {
 *   get: (key) => io.get(key),
 *   set: (key, value, { EX, NX, XX }) =>
 *     NX ? io.set(key, value, 'EX', EX, 'NX') : XX ? io.set(key, value, 'EX', EX, 'XX') : io.set(key, value, 'EX', EX),
 *   exists: (key) => io.exists(key),
 *   del: (key) => io.del(key),
 *   // Optional, for merge on save and session locks:
 *   evalSha: (sha, { keys, arguments: args }) => io.evalsha(sha, keys.length, ...keys, ...args),
 *   eval: (script, { keys, arguments: args }) => io.eval(script, keys.length, ...keys, ...args),
 * };
 * const store = createRedisStore({ client });
 */
export interface RedisLikeClient {
  /** `GET key`: the value, or `null` when missing. */
  get(key: string): Promise<string | null>;
  /** `SET key value EX ttl [NX|XX]`: `'OK'` when written, `null` when the NX/XX condition failed. */
  set(key: string, value: string, options: RedisSetOptions): Promise<unknown>;
  /** `EXISTS key`: 1 when present, 0 when not. */
  exists(key: string): Promise<number>;
  /** `DEL key`: how many keys were deleted. */
  del(key: string): Promise<number>;
  /**
   * `EVALSHA sha1 numkeys key... arg...` (node-redis form). With {@link eval}, enables merge on save
   * (a compare-and-swap script) and session locks; a client without them saves last-write-wins.
   */
  evalSha?(sha1: string, options: RedisScriptOptions): Promise<unknown>;
  /** `EVAL script numkeys key... arg...` (node-redis form): the fallback when Redis answers `NOSCRIPT`. */
  eval?(script: string, options: RedisScriptOptions): Promise<unknown>;
}

/** Keys and arguments of a script call, in node-redis v4/v5 form. */
export interface RedisScriptOptions {
  keys: string[];
  arguments: string[];
}

/** Options shared by {@link createRedisStore} and {@link createRedisClusterStore}. */
export interface RedisCommonOptions {
  /** Prepended to every session key, without a separator. @default 'django.contrib.sessions.cache' */
  prefix?: string;
  /** How long a command (or the first connection) may take before failing with `StoreUnavailable`. @default 2000 */
  timeoutMs?: number;
  /** Where connection errors are reported (once per outage). */
  logger?: Logger;
  /** Extra node-redis options (TLS certificates, credentials, RESP version ...), merged into the client's. */
  clientOptions?: Record<string, unknown>;
  /**
   * How session data is stored: unsigned JSON (no Django site can read sessions from a cache, and Django
   * signs none it keeps there), or Django's signed format at some CPU per request. See
   * {@link DataFormat}. @default 'json'
   */
  dataFormat?: DataFormat;
}

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions extends RedisCommonOptions {
  /** `redis://[[user]:password@]host[:port][/db]` or `rediss://` for TLS. @default 'redis://127.0.0.1:6379' */
  url?: string;
  /** A client to use instead of connecting to `url`. Its lifecycle is yours: `close()` leaves it open. */
  client?: RedisLikeClient;
}

/** Options of {@link createRedisClusterStore}. */
export interface RedisClusterStoreOptions extends RedisCommonOptions {
  /** Seed nodes (`host:port` or `redis://host:port` URLs); the client discovers the rest. */
  nodes: string[];
}

/** Default {@link RedisCommonOptions.timeoutMs}. */
export const DEFAULT_REDIS_TIMEOUT_MS = 2000;

function timeoutOf(options: RedisCommonOptions): number {
  const ms = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  if (!Number.isInteger(ms) || ms < 1)
    throw new ConfigError(`Redis timeoutMs must be a positive integer, not ${ms}.`);
  return ms;
}

/**
 * Create a Redis store (a single Redis or Valkey server).
 * @example
 * const store = createRedisStore({ url: 'redis://127.0.0.1:6379/0' });
 * const sessions = createSessionManager({ secretKey, store });
 */
export function createRedisStore(options: RedisStoreOptions = {}): SessionStore {
  const timeoutMs = timeoutOf(options);
  const { client } = options;
  if (client) {
    if (options.url) throw new ConfigError('Give the Redis store either url or client, not both.');
    const scripts = typeof client.evalSha === 'function' && typeof client.eval === 'function';
    return redisSessionStore(
      'redis',
      { get: async () => client, close: async () => {} },
      options,
      timeoutMs,
      scripts,
    );
  }
  const url = options.url ?? 'redis://127.0.0.1:6379';
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    // No cause: Node's URL error carries the whole input, password included.
    throw new ConfigError(`Invalid Redis URL ${quoteUrl(url)}.`);
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new ConfigError(`A Redis URL starts with redis:// or rediss://, not ${protocol}//.`);
  }
  const source = lazyNodeRedis(
    { kind: 'client', url, options: options.clientOptions },
    { store: 'redis', timeoutMs, logger: options.logger },
  );
  return redisSessionStore('redis', source, options, timeoutMs);
}

/**
 * Create a Redis Cluster store. Every command touches one key, so sessions spread over all slots.
 * @example
 * const store = createRedisClusterStore({ nodes: ['10.0.0.1:6379', '10.0.0.2:6379', '10.0.0.3:6379'] });
 */
export function createRedisClusterStore(options: RedisClusterStoreOptions): SessionStore {
  const timeoutMs = timeoutOf(options);
  if (!Array.isArray(options.nodes) || options.nodes.length === 0) {
    throw new ConfigError('A Redis Cluster store needs at least one seed node (host:port).');
  }
  const rootUrls = options.nodes.map((node) => (/^rediss?:\/\//.test(node) ? node : `redis://${node}`));
  const source = lazyNodeRedis(
    { kind: 'cluster', rootUrls, options: options.clientOptions },
    { store: 'redis-cluster', timeoutMs, logger: options.logger },
  );
  return redisSessionStore('redis-cluster', source, options, timeoutMs);
}

/**
 * Build a Redis store from a URL: `redis://host:port/db`, `rediss://...` (TLS) or
 * `redis-cluster://[user:password@]h1:p1,h2:p2,h3:p3`, each with optional `?prefix=...&timeout=ms&format=json`.
 * @throws {ConfigError} for a malformed URL.
 */
export function createRedisStoreFromUrl(url: string, settings: { logger?: Logger } = {}): SessionStore {
  const parsed = parseCacheUrl(url, 6379);
  const common = {
    prefix: parsed.prefix,
    timeoutMs: parsed.timeoutMs,
    dataFormat: parsed.dataFormat,
    logger: settings.logger,
  };
  if (parsed.scheme === 'redis-cluster') {
    const auth = parsed.auth === undefined ? '' : `${parsed.auth}@`;
    return createRedisClusterStore({
      ...common,
      nodes: parsed.hosts.map((host) => `redis://${auth}${host}`),
    });
  }
  if (parsed.hosts.length > 1) {
    throw new ConfigError(
      `A ${parsed.scheme}:// URL names one server; use redis-cluster://h1:p1,h2:p2 for a cluster.`,
    );
  }
  return createRedisStore({ ...common, url: parsed.base });
}

/** A Lua script and its SHA-1 (EVALSHA's name for it). */
interface Script {
  source: string;
  sha: string;
}

const script = (source: string): Script => ({
  source,
  sha: createHash('sha1').update(source).digest('hex'),
});

/**
 * Compare-and-swap in one round trip: KEYS[1] the session, ARGV the expected data, the new data and
 * the TTL (0: delete). Answers 0 (missing), 1 (conflict) or 2 (written).
 */
const REPLACE = script(`local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if current ~= ARGV[1] then return 1 end
if ARGV[3] == '0' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
return 2`);

/** Take a lock: KEYS[1] the lock, ARGV the holder's token and the lifetime in ms. */
const LOCK = script(`return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])`);

/** Release a lock only if the token still holds it (an expired lock may have a new holder). */
const UNLOCK = script(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * Touch-only rolling: KEYS[1] the session, ARGV the new TTL in ms and, if not empty, the remaining TTL
 * (ms) below which the touch is due. PEXPIRE on a missing key does nothing (no resurrection); the
 * value is never rewritten. Answers 1 when the TTL was extended, else 0.
 */
const TOUCH = script(`local left = redis.call('PTTL', KEYS[1])
if left == -2 then return 0 end
if ARGV[2] ~= '' and left >= tonumber(ARGV[2]) then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[1])`);

const REPLACE_OUTCOMES: readonly ReplaceOutcome[] = ['missing', 'conflict', 'ok'];

/** EVALSHA, and EVAL when the server does not have the script cached yet (`NOSCRIPT`, e.g. after a restart). */
async function runScript(client: RedisLikeClient, { source, sha }: Script, options: RedisScriptOptions) {
  try {
    return await client.evalSha!(sha, options);
  } catch (error) {
    if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
    return client.eval!(source, options);
  }
}

/** Django cache semantics over any {@link RedisLikeClient}: one command per operation. */
function redisSessionStore(
  name: string,
  source: LazyRedisClient,
  options: RedisCommonOptions,
  timeoutMs: number,
  scripts = true,
): SessionStore {
  const prefix = options.prefix ?? CACHE_KEY_PREFIX;
  const dataFormat = checkDataFormat(options.dataFormat, 'json', name);
  const call = <T>(operation: (client: RedisLikeClient) => Promise<T>): Promise<T> =>
    withTimeout(name, timeoutMs, () => source.get().then(operation));
  // Redis rejects EX 0; a positive maxAge under a second still lives one second.
  const ttl = (record: SessionRecord): number => Math.max(1, Math.ceil(record.maxAge));

  return {
    kind: 'server',
    name,
    dataFormat,
    // Expiry is Redis's TTL (wall clock): a hit is live, so no expireDate is returned.
    async load(key) {
      const data = await call((c) => c.get(prefix + key));
      return data === null || data === undefined ? null : { data };
    },
    async exists(key) {
      return (await call((c) => c.exists(prefix + key))) > 0;
    },
    async create(record) {
      const key = prefix + record.key;
      // Already expired: nothing to keep, but the create succeeds exactly when the key is free.
      if (record.maxAge <= 0) return (await call((c) => c.exists(key))) === 0;
      return (await call((c) => c.set(key, record.data, { EX: ttl(record), NX: true }))) !== null;
    },
    async update(record) {
      const key = prefix + record.key;
      // Already expired: drop it; the update "succeeds" only if there was something to update.
      if (record.maxAge <= 0) return (await call((c) => c.del(key))) > 0;
      return (await call((c) => c.set(key, record.data, { EX: ttl(record), XX: true }))) !== null;
    },
    async set(record) {
      const key = prefix + record.key;
      if (record.maxAge <= 0) await call((c) => c.del(key));
      else await call((c) => c.set(key, record.data, { EX: ttl(record) }));
    },
    ...(scripts &&
      ({
        async replace(record, expected) {
          const ttl = record.maxAge <= 0 ? '0' : String(Math.max(1, Math.ceil(record.maxAge)));
          const answer = await call((c) =>
            runScript(c, REPLACE, {
              keys: [prefix + record.key],
              arguments: [expected.data, record.data, ttl],
            }),
          );
          return REPLACE_OUTCOMES[Number(answer)] ?? 'conflict';
        },
        lock(key, { ttlMs, waitMs }) {
          const lockKey = `${prefix}${key}.lock`;
          const px = String(Math.max(1, Math.ceil(ttlMs)));
          return pollLock(async () => {
            const token = lockToken();
            const got = await call((c) => runScript(c, LOCK, { keys: [lockKey], arguments: [token, px] }));
            if (got === null || got === undefined) return null;
            return {
              async release() {
                await call((c) => runScript(c, UNLOCK, { keys: [lockKey], arguments: [token] }));
              },
            };
          }, waitMs);
        },
      } satisfies Pick<SessionStore, 'replace' | 'lock'>)),
    ...(scripts && {
      async touch(record: TouchRecord) {
        const ms = String(Math.max(1, Math.ceil(record.maxAge * 1000)));
        const due =
          record.ifRemainingBelowMs === undefined ? '' : String(Math.floor(record.ifRemainingBelowMs));
        const answer = await call((c) =>
          runScript(c, TOUCH, { keys: [prefix + record.key], arguments: [ms, due] }),
        );
        return Number(answer) === 1;
      },
    }),
    async delete(key) {
      await call((c) => c.del(prefix + key));
    },
    // Redis expires entries itself (Django's cache backend: clear_expired is a no-op).
    async clearExpired(context) {
      context.onProgress?.(0, 0);
      return 0;
    },
    close: () => source.close(),
    // Start-up check: the redis package loads, the connection opens, one read answers.
    async ready() {
      await checkReady({ store: name }, () => this.exists(READY_PROBE_KEY));
    },
  };
}
