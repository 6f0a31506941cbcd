/**
 * The memcached store: Django's cache backend (spec §4.2) on a pool of memcached servers. Keys are
 * `prefix + sessionKey` and go to one server chosen by consistent hashing ({@link createHashRing}); each
 * operation is one command on that server: create is `add`, update is `replace` (a deleted session is
 * never resurrected), load is `get`.
 *
 * Keys memcached cannot hold (over 250 bytes, or with spaces or control characters) are a miss for
 * `load` and `exists`, as in Django (its test `test_load_overlong_key`); `create`, `update` and `set`
 * throw {@link InvalidSessionKey} for them.
 *
 * Peer dependency: `memjs`, loaded on first use.
 * @module
 */
import { LRUCache } from 'lru-cache';
import type * as Memjs from 'memjs';
import { ConfigError, InvalidSessionKey } from '../core/errors.js';
import { CACHE_KEY_PREFIX, parseCacheUrl } from './_cache.js';
import { checkReady, READY_PROBE_KEY } from './_ready.js';
import { checkDataFormat, loadPeer, withTimeout } from './_shared.js';
import { createHashRing } from './hash-ring.js';
import { getWithCas, type PerformingClient, writeWithCas } from './memcached-cas.js';
import type { DataFormat, SessionRecord, SessionStore, TouchRecord } from './types.js';

/** Options of {@link createMemcachedStore}. */
export interface MemcachedStoreOptions {
  /** The pool, as `host:port` strings. @default ['127.0.0.1:11211'] */
  servers?: string[];
  /** Prepended to every session key, without a separator. @default 'django.contrib.sessions.cache' */
  prefix?: string;
  /** How long an operation may take before failing with `StoreUnavailable`. @default 2000 */
  timeoutMs?: number;
  /**
   * How session data is stored: unsigned JSON (no Django site can read sessions from a cache, and Django
   * signs none it keeps there), or Django's signed format at some CPU per request. See
   * {@link DataFormat}. @default 'json'
   */
  dataFormat?: DataFormat;
}

/** memcached's longest key, in bytes. */
export const MEMCACHED_MAX_KEY_BYTES = 250;

/** Session keys whose last touch the store remembers (see the `touch` method). */
const TOUCHED_KEYS_KEPT = 10_000;

/** Beyond 30 days memcached reads an expiry as an absolute unix time, not a TTL. */
const MAX_RELATIVE_EXPIRY = 60 * 60 * 24 * 30;

/** Whether memcached accepts `key`: at most 250 bytes, no space or control character (as Django checks). */
export function isValidMemcachedKey(key: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is banned.
  return Buffer.byteLength(key) <= MEMCACHED_MAX_KEY_BYTES && !/[\u0000-\u0020\u007f]/.test(key);
}

/** The expiry to send for `maxAge` seconds (> 0): relative up to 30 days, absolute unix time beyond. */
export function memcachedExpiry(maxAge: number, nowMs: number = Date.now()): number {
  const ttl = Math.max(1, Math.ceil(maxAge));
  return ttl > MAX_RELATIVE_EXPIRY ? Math.floor(nowMs / 1000) + ttl : ttl;
}

/**
 * Create a memcached store.
 * @example
 * const store = createMemcachedStore({ servers: ['10.0.0.1:11211', '10.0.0.2:11211'] });
 * const sessions = createSessionManager({ secretKey, store });
 */
export function createMemcachedStore(options: MemcachedStoreOptions = {}): SessionStore {
  const servers = options.servers ?? ['127.0.0.1:11211'];
  const ring = createHashRing(servers);
  const prefix = options.prefix ?? CACHE_KEY_PREFIX;
  const dataFormat = checkDataFormat(options.dataFormat, 'json', 'memcached');
  const timeoutMs = options.timeoutMs ?? 2000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new ConfigError(`memcached timeoutMs must be a positive integer, not ${timeoutMs}.`);
  }
  const clients = new Map<string, Memjs.Client<string, Buffer | null>>();
  // memcached cannot tell a key's remaining TTL: when this process last touched a key (wall-clock ms),
  // so a conditional touch is skipped within the interval. Bounded: forgetting one costs one touch.
  const touchedAt = new LRUCache<string, number>({ max: TOUCHED_KEYS_KEPT });

  /** One memjs client per server: memjs's own key → server choice is a plain modulo, not consistent. */
  function clientFor(key: string): Memjs.Client<string, Buffer | null> {
    const server = ring.nodeFor(key);
    let client = clients.get(server);
    if (!client) {
      const memjs = loadPeer<typeof Memjs>('memjs', 'memcached');
      client = memjs.Client.create<string, Buffer | null>(server, {
        retries: 1,
        timeout: timeoutMs / 1000,
        conntimeout: timeoutMs / 1000,
        keepAlive: true,
        // memjs logs every failure to the console; they surface as StoreUnavailable (with the cause) instead.
        logger: { log() {} },
      });
      clients.set(server, client);
    }
    return client;
  }

  const call = <T>(key: string, operation: (client: Memjs.Client<string, Buffer | null>) => Promise<T>) =>
    withTimeout('memcached', timeoutMs, () => operation(clientFor(key)));

  const writableKey = (record: Pick<SessionRecord, 'key'>): string => {
    const key = prefix + record.key;
    if (!isValidMemcachedKey(key)) {
      throw new InvalidSessionKey(
        `memcached cannot hold the key ${JSON.stringify(key.slice(0, 60))}…: keys are at most ${MEMCACHED_MAX_KEY_BYTES} bytes without spaces or control characters.`,
      );
    }
    return key;
  };
  const read = async (key: string): Promise<string | null> => {
    if (!isValidMemcachedKey(key)) return null;
    const { value } = await call(key, (c) => c.get(key));
    return value === null ? null : value.toString('utf8');
  };
  /** The client as one that sends raw requests (memjs 1.x), or `null` if this memjs cannot. */
  const performing = (client: unknown): PerformingClient | null =>
    typeof (client as Partial<PerformingClient>).perform === 'function' ? (client as PerformingClient) : null;
  /** A zero CAS unique means memcached runs without CAS (`-C`): a "CAS" write would then be unconditional. */
  const NO_CAS = '0000000000000000';

  return {
    kind: 'server',
    name: 'memcached',
    dataFormat,
    // Expiry is memcached's (wall clock): a hit is live, so no expireDate is returned.
    // The CAS unique comes along as the record's version: the compare-and-swap of a save then costs
    // one round trip.
    async load(key) {
      const full = prefix + key;
      if (!isValidMemcachedKey(full)) return null;
      return call(full, async (c) => {
        const raw = performing(c);
        if (raw === null) {
          const { value } = await c.get(full);
          return value === null ? null : { data: value.toString('utf8') };
        }
        const found = await getWithCas(raw, full);
        if (found === null) return null;
        return found.cas === NO_CAS ? { data: found.value } : { data: found.value, version: found.cas };
      });
    },
    async exists(key) {
      return (await read(prefix + key)) !== null;
    },
    async create(record) {
      const key = writableKey(record);
      // Already expired: nothing to keep, but the create succeeds exactly when the key is free.
      if (record.maxAge <= 0) return (await read(key)) === null;
      return call(key, (c) => c.add(key, record.data, { expires: memcachedExpiry(record.maxAge) }));
    },
    async update(record) {
      const key = writableKey(record);
      if (record.maxAge <= 0) return call(key, (c) => c.delete(key));
      return call(key, (c) => c.replace(key, record.data, { expires: memcachedExpiry(record.maxAge) }));
    },
    async replace(record, expected) {
      const key = writableKey(record);
      const expires = record.maxAge <= 0 ? null : memcachedExpiry(record.maxAge);
      return call(key, async (c) => {
        const raw = performing(c);
        if (raw === null) throw new Error('This memjs version cannot send CAS requests');
        let cas = expected.version;
        if (cas === undefined) {
          const found = await getWithCas(raw, key);
          if (found === null) return 'missing';
          if (found.value !== expected.data) return 'conflict';
          cas = found.cas;
        }
        if (cas === NO_CAS) {
          // memcached without CAS: last-write-wins, still never resurrecting a deleted session.
          if (expires === null) return (await c.delete(key)) ? 'ok' : 'missing';
          return (await c.replace(key, record.data, { expires })) ? 'ok' : 'missing';
        }
        return writeWithCas(raw, key, record.data, expires, cas);
      });
    },
    // Touch-only rolling: memcached's `touch` moves the expiry and never creates a missing key.
    async touch(record: TouchRecord) {
      const key = writableKey(record);
      const now = Date.now();
      const below = record.ifRemainingBelowMs;
      const last = touchedAt.get(key);
      if (below !== undefined && last !== undefined && last + record.maxAge * 1000 - now >= below)
        return false;
      const touched = await call(key, (c) => c.touch(key, memcachedExpiry(record.maxAge)));
      if (touched) touchedAt.set(key, now);
      else touchedAt.delete(key);
      return touched;
    },
    async set(record) {
      const key = writableKey(record);
      if (record.maxAge <= 0) await call(key, (c) => c.delete(key));
      else await call(key, (c) => c.set(key, record.data, { expires: memcachedExpiry(record.maxAge) }));
    },
    async delete(key) {
      const full = prefix + key;
      if (isValidMemcachedKey(full)) await call(full, (c) => c.delete(full));
    },
    // memcached expires entries itself (Django's cache backend: clear_expired is a no-op).
    async clearExpired(context) {
      context.onProgress?.(0, 0);
      return 0;
    },
    async close() {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
    // Start-up check: memjs loads and one read answers (the probe key lands on one server of the ring).
    async ready() {
      await checkReady({ store: 'memcached', where: servers.join(',') }, () => this.exists(READY_PROBE_KEY));
    },
  };
}

/**
 * Build a memcached store from `memcached://h1:p1,h2:p2?prefix=...&timeout=ms&format=json` (port defaults to 11211).
 * @throws {ConfigError} for a malformed URL.
 */
export function createMemcachedStoreFromUrl(url: string): SessionStore {
  const parsed = parseCacheUrl(url, 11211);
  if (parsed.auth !== undefined) throw new ConfigError('memcached:// URLs take no credentials.');
  return createMemcachedStore({
    servers: parsed.hosts,
    prefix: parsed.prefix,
    timeoutMs: parsed.timeoutMs,
    dataFormat: parsed.dataFormat,
  });
}
