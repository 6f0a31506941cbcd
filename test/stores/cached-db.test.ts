import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, UpdateError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { createSessionManager } from '../../src/core/manager.js';
import {
  CACHED_DB_KEY_PREFIX,
  createCachedDbStore,
  createCachedDbStoreFromUrls,
} from '../../src/stores/cached-db.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createRedisStore } from '../../src/stores/redis.js';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import type { SessionStore } from '../../src/stores/types.js';
import { describeStoreContract } from '../../src/testing/index.js';
import { createClock, createRecordingLogger, type RecordingLogger, record, SECRET } from '../helpers.js';
import { listens, skipWithout } from '../services/probe.js';
import { REDIS_URL, rawRedis, redisProblem } from '../services/redis.js';
import { vitestRunner } from './runner.js';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test?table=django_session_cdb';
const problems = [
  await redisProblem(),
  (await listens(5432)) ? null : 'nothing listens on 127.0.0.1:5432 (run scripts/services.sh)',
].filter((problem) => problem !== null);
const skipServices = skipWithout(
  'cached-db over PostgreSQL + Redis',
  problems.length > 0 ? problems.join('; ') : null,
);
const redisSkip = skipWithout('cached-db Redis tests', await redisProblem());
/** Unique to this file, so parallel test files never share keys. */
const PREFIX = `sessionkit.test.cached_db.${process.pid}.`;
const dir = mkdtempSync(join(tmpdir(), 'sessionkit-cached-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreContract(vitestRunner, {
  name: 'cached-db (postgres + redis)',
  skip: skipServices,
  async createStore() {
    const store = await createCachedDbStoreFromUrls(
      PG_URL,
      `${REDIS_URL}?prefix=${encodeURIComponent(PREFIX)}`,
      {
        cookieName: 'sessionid',
        logger: silentLogger,
      },
    );
    await store.createTable?.();
    return store;
  },
});

describeStoreContract(vitestRunner, {
  name: 'cached-db (sqlite + memory)',
  createStore: () =>
    createCachedDbStore({
      db: createSqliteStore({ path: join(dir, 'contract.db') }),
      cache: createMemoryStore(),
    }),
});

/** A store wrapper that records which methods were called. */
function spy(store: SessionStore): { store: SessionStore; calls: string[] } {
  const calls: string[] = [];
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: wrapped, calls };
}

/** A memory cache whose writes fail, like Django's tests/cache/failing_cache.py. */
function failingCache(): SessionStore {
  const fail = async (): Promise<never> => {
    throw new Error('Faked exception saving to cache');
  };
  return { ...createMemoryStore(), name: 'failing', create: fail, update: fail, set: fail };
}

describe('createCachedDbStore', () => {
  let n = 0;
  let logger: RecordingLogger;
  let db: ReturnType<typeof spy>;
  let cache: SessionStore;
  beforeEach(() => {
    logger = createRecordingLogger();
    db = spy(createSqliteStore({ path: join(dir, `unit-${n++}.db`) }));
    cache = createMemoryStore();
  });
  const manager = (store: SessionStore) => createSessionManager({ secretKey: SECRET, store, logger });

  it('answers exists from the cache without a database call (Django test 78)', async () => {
    const sessions = manager(createCachedDbStore({ db: db.store, cache, logger }));
    const s = sessions.open();
    await s.set('x', 1);
    await s.save();
    db.calls.length = 0;
    expect(await s.exists(s.sessionKey!)).toBe(true);
    expect(db.calls).toEqual([]);
  });

  it('serves a saved session from the cache without a database call', async () => {
    const sessions = manager(createCachedDbStore({ db: db.store, cache, logger }));
    const s = sessions.open();
    await s.set('x', 'cached');
    await s.save();
    db.calls.length = 0;
    expect(await sessions.open(s.sessionKey).get('x')).toBe('cached');
    expect(db.calls).toEqual([]);
  });

  it('loads a cache miss from the database and fills the cache with the row’s expiry', async () => {
    const store = createCachedDbStore({ db: db.store, cache, logger });
    const sessions = manager(store);
    const data = sessions.codec.encode({ from: 'db' });
    const expireDate = new Date(Date.now() + 3_600_000);
    await db.store.create({ key: 'onlyindatabase01', data, expireDate, maxAge: 3600 });
    db.calls.length = 0;
    expect(await sessions.open('onlyindatabase01').get('from')).toBe('db');
    expect(db.calls).toEqual(['load']);
    expect(await cache.load('onlyindatabase01', new Date())).not.toBeNull();
    db.calls.length = 0;
    const again = await store.load('onlyindatabase01', new Date());
    expect(again).toEqual({ data, expireDate });
    expect(db.calls).toEqual([]);
  });

  it('loads an overlong key as an empty session (Django test 79)', async () => {
    const sessions = manager(createCachedDbStore({ db: db.store, cache, logger }));
    const s = sessions.open('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.repeat(10));
    expect(await s.load()).toEqual({});
    expect(s.sessionKey).toBeNull();
  });

  it('saves despite a failing cache and logs "Error saving to cache (<cache>)" (Django test 81)', async () => {
    const sessions = manager(createCachedDbStore({ db: db.store, cache: failingCache(), logger }));
    const s = sessions.open();
    await s.set('survives', true);
    await expect(s.save()).resolves.toBeUndefined();
    await s.set('survives', 'again');
    await expect(s.save()).resolves.toBeUndefined();
    const errors = logger.records.filter((r) => r.level === 'error');
    expect(errors.map((r) => r.message)).toEqual([
      'Error saving to cache (failing)',
      'Error saving to cache (failing)',
    ]);
    expect((errors[0]!.details!.error as Error).message).toBe('Faked exception saving to cache');
    expect(await sessions.open(s.sessionKey).get('survives')).toBe('again');
  });

  it('falls back to the database when reading the cache fails', async () => {
    const broken: SessionStore = {
      ...createMemoryStore(),
      name: 'broken',
      load: async () => {
        throw new Error('cache down');
      },
      exists: async () => {
        throw new Error('cache down');
      },
    };
    const sessions = manager(createCachedDbStore({ db: db.store, cache: broken, logger }));
    const s = sessions.open();
    await s.set('x', 1);
    await s.save();
    expect(await sessions.open(s.sessionKey).get('x')).toBe(1);
    expect(await s.exists(s.sessionKey!)).toBe(true);
    expect(logger.records.some((r) => r.message === 'Error reading from cache (broken)')).toBe(true);
  });

  it('never resurrects: an update after the row was deleted fails and evicts the cached copy', async () => {
    const store = createCachedDbStore({ db: db.store, cache, logger });
    const sessions = manager(store);
    const s = sessions.open();
    await s.set('x', 1);
    await s.save();
    await db.store.delete(s.sessionKey!);
    expect(await cache.exists(s.sessionKey!)).toBe(true);
    await s.set('x', 2);
    await expect(s.save()).rejects.toBeInstanceOf(UpdateError);
    expect(await cache.exists(s.sessionKey!)).toBe(false);
    expect(await s.load()).toEqual({});
  });

  it('refreshes only entries still cached; an evicted one is refilled from the database on the next load', async () => {
    const store = createCachedDbStore({ db: db.store, cache, logger });
    const sessions = manager(store);
    const s = sessions.open();
    await s.set('v', 1);
    await s.save();
    await cache.delete(s.sessionKey!);
    await s.set('v', 2);
    await s.save();
    expect(await cache.exists(s.sessionKey!)).toBe(false);
    expect(await sessions.open(s.sessionKey).get('v')).toBe(2);
    expect(await cache.exists(s.sessionKey!)).toBe(true);
  });

  it('deletes from both the database and the cache', async () => {
    const sessions = manager(createCachedDbStore({ db: db.store, cache, logger }));
    const s = sessions.open();
    await s.set('x', 1);
    await s.save();
    const key = s.sessionKey!;
    await s.destroy();
    expect(await cache.exists(key)).toBe(false);
    expect(await db.store.exists(key)).toBe(false);
  });

  it('treats a cached entry past its expiry on the session clock as a miss', async () => {
    const clock = createClock();
    const store = createCachedDbStore({ db: db.store, cache, logger });
    await store.create(record('expiresinasecond', 'v', 1));
    clock.advance(2);
    expect(await store.load('expiresinasecond', new Date(clock.now()))).toBeNull();
  });

  it('delegates clearExpired to the database', async () => {
    const sessions = manager(createCachedDbStore({ db: db.store, cache, logger }));
    for (const expiry of [3600, -3600]) {
      const s = sessions.open();
      await s.set('e', expiry);
      await s.setExpiry(expiry);
      await s.save();
    }
    db.calls.length = 0;
    expect(await sessions.clearExpired()).toBe(1);
    expect(db.calls).toEqual(['clearExpired']);
  });

  it('needs two server-side stores', async () => {
    const cookie = { kind: 'cookie' } as unknown as SessionStore;
    expect(() => createCachedDbStore({ db: db.store, cache: cookie })).toThrow(ConfigError);
    await expect(
      createCachedDbStoreFromUrls('sqlite::memory:', 'signed-cookie:', {
        cookieName: 'sessionid',
        logger: silentLogger,
      }),
    ).rejects.toThrow(ConfigError);
  });
});

describe.skipIf(redisSkip)('createCachedDbStoreFromUrls', () => {
  it("gives a Redis cache Django's cached_db key prefix unless the URL sets one", async () => {
    const settings = { cookieName: 'sessionid', logger: silentLogger };
    const store = await createCachedDbStoreFromUrls(`sqlite:${join(dir, 'urls.db')}`, REDIS_URL, settings);
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const s = sessions.open();
    await s.set('x', 1);
    await s.save();
    const raw = await rawRedis();
    expect(CACHED_DB_KEY_PREFIX).toBe('django.contrib.sessions.cached_db');
    expect(await raw.exists(`django.contrib.sessions.cached_db${s.sessionKey}`)).toBe(1);
    const ttl = await raw.ttl(`django.contrib.sessions.cached_db${s.sessionKey}`);
    expect(ttl).toBeGreaterThan(1209600 - 60);
    await s.destroy();
    expect(await raw.exists(`django.contrib.sessions.cached_db${s.sessionKey}`)).toBe(0);
    await raw.close();
    await sessions.close();
  });

  it('fills a Redis cache with the remaining expiry of the database row', async () => {
    const db = createSqliteStore({ path: join(dir, 'fill.db') });
    const cache = createRedisStore({ url: REDIS_URL, prefix: PREFIX });
    const store = createCachedDbStore({ db, cache, logger: silentLogger });
    await db.create(record('filledfromdb0001', 'v', 600));
    expect(await store.load('filledfromdb0001', new Date())).not.toBeNull();
    const raw = await rawRedis();
    const ttl = await raw.ttl(`${PREFIX}filledfromdb0001`);
    expect(ttl).toBeGreaterThan(540);
    expect(ttl).toBeLessThanOrEqual(600);
    await store.delete('filledfromdb0001');
    await raw.close();
    await store.close?.();
  });
});
