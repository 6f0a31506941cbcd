/**
 * The in-process memory store: a bounded LRU (`lru-cache`) for tests and single-process apps. It never
 * grows past `max` sessions; the least recently used are evicted first. Session data is kept as the
 * serializer's JSON text (`dataFormat: 'json'`): it never leaves the process, so there is nothing to
 * sign, as with Django's in-memory cache backend.
 * @module
 */
import { LRUCache } from 'lru-cache';
import { ConfigError } from '../core/errors.js';
import { consoleLogger, type Logger } from '../core/logger.js';
import { createLocalLocks } from './_lock.js';
import { checkDataFormat } from './_shared.js';
import type {
  ClearExpiredContext,
  DataFormat,
  SessionRecord,
  SessionStore,
  StoredSession,
  TouchRecord,
} from './types.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most sessions kept; past it the least recently used are evicted (that visitor is logged out), with
   * one warning to `logger` the first time. The memory store is for development and single-process apps:
   * size `max` for every visitor you must keep, anonymous first visits included. @default 10000
   */
  max?: number;
  /**
   * How session data is kept. `json` (unsigned serializer text) is the fastest and safe in process
   * memory; `django` keeps Django's signed format, e.g. to test the exact bytes a database store would
   * hold. @default 'json'
   */
  dataFormat?: DataFormat;
  /** Told once (a warning) when the store first evicts a session to stay within `max`. @default console */
  logger?: Logger;
}

// Settled promises shared by every call: the store answers without allocating one per operation.
const TRUE = Promise.resolve(true);
const FALSE = Promise.resolve(false);
const NONE: Promise<StoredSession | null> = Promise.resolve(null);
const REPLACED = Promise.resolve('ok' as const);
const CONFLICT = Promise.resolve('conflict' as const);
const MISSING = Promise.resolve('missing' as const);

interface Entry {
  data: string;
  expireDate: Date;
  /**
   * Wall-clock expiry (`Date.now()` + maxAge), as a cache TTL: decides whether create/update/exists
   * see the entry. `expireDate` (the session clock) decides what load returns.
   */
  deadline: number;
}

/**
 * Create a memory store.
 * @example
 * const sessions = createSessionManager({ secretKey, store: createMemoryStore({ max: 50_000 }) });
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): SessionStore {
  const max = options.max ?? 10_000;
  if (!Number.isInteger(max) || max < 1)
    throw new ConfigError(`memory store max must be a positive integer, not ${max}.`);
  const dataFormat = checkDataFormat(options.dataFormat, 'json', 'memory');
  // Expiry is checked here, not with lru-cache's TTLs: cheaper per request, same semantics.
  let evicting = false;
  const cache = new LRUCache<string, Entry>({
    max,
    dispose(_entry, _key, reason) {
      if (reason !== 'evict' || evicting) return;
      evicting = true;
      (options.logger ?? consoleLogger).warn(
        'Memory session store is full: evicting the least recently used sessions (raise max, or use a shared store)',
        { max },
      );
    },
  });

  /** Store `record`, into `existing` (its live entry) when there is one; `maxAge <= 0` deletes it. */
  const put = (record: SessionRecord, existing?: Entry): void => {
    if (record.maxAge <= 0) {
      cache.delete(record.key);
      return;
    }
    const deadline = Date.now() + record.maxAge * 1000;
    if (existing === undefined) {
      cache.set(record.key, { data: record.data, expireDate: record.expireDate, deadline });
      return;
    }
    existing.data = record.data;
    existing.expireDate = record.expireDate;
    existing.deadline = deadline;
  };

  /** `entry` (found under `key`) if its wall-clock deadline has not passed; an expired one is dropped. */
  const alive = (key: string, entry: Entry | undefined): Entry | undefined => {
    if (entry === undefined || entry.deadline > Date.now()) return entry;
    cache.delete(key);
    return undefined;
  };

  /** Whether a live entry is stored under `key` (without making it recently used). */
  const has = (key: string): boolean => alive(key, cache.peek(key)) !== undefined;

  return {
    kind: 'server',
    name: 'memory',
    dataFormat,
    // Not async: most answers are one of the shared settled promises. A write may evict, and the
    // eviction warning goes to the app's logger, so writes turn a throw into a rejection.
    load(key: string, now: Date): Promise<StoredSession | null> {
      const entry = alive(key, cache.get(key));
      if (entry === undefined || entry.expireDate.getTime() <= now.getTime()) return NONE;
      return Promise.resolve({ data: entry.data, expireDate: entry.expireDate });
    },
    exists(key) {
      return has(key) ? TRUE : FALSE;
    },
    create(record) {
      try {
        if (has(record.key)) return FALSE;
        put(record);
        return TRUE;
      } catch (error) {
        return Promise.reject(error);
      }
    },
    update(record) {
      try {
        // One lookup (which also makes the entry recently used, as set() would), updated in place.
        const entry = alive(record.key, cache.get(record.key));
        if (entry === undefined) return FALSE;
        put(record, entry);
        return TRUE;
      } catch (error) {
        return Promise.reject(error);
      }
    },
    // Synchronous between the compare and the write, so no other save can run in between.
    replace(record, expected) {
      try {
        const entry = alive(record.key, cache.get(record.key));
        if (entry === undefined) return MISSING;
        if (entry.data !== expected.data) return CONFLICT;
        put(record, entry);
        return REPLACED;
      } catch (error) {
        return Promise.reject(error);
      }
    },
    lock: createLocalLocks(),
    async set(record) {
      put(record);
    },
    async delete(key) {
      cache.delete(key);
    },
    // Touch-only rolling: the entry's expiry moves, its data string stays the same object.
    async touch(record: TouchRecord) {
      const entry = alive(record.key, cache.get(record.key));
      if (entry === undefined) return false;
      const due = record.ifRemainingBelowMs;
      if (due !== undefined && entry.expireDate.getTime() - Date.now() >= due) return false;
      entry.expireDate = record.expireDate;
      entry.deadline = Date.now() + record.maxAge * 1000;
      return true;
    },
    async clearExpired(context: ClearExpiredContext) {
      let deleted = 0;
      for (const [key, entry] of cache.entries()) {
        if (entry.expireDate.getTime() <= context.now.getTime()) {
          cache.delete(key);
          deleted++;
        }
      }
      context.onProgress?.(deleted, deleted);
      return deleted;
    },
  };
}
