/**
 * Store data formats: `django` (signed, Django's bytes) and `json` (the serializer's text, unsigned),
 * what each writes, what each accepts, and switching a store from one to the other.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, SerializationError } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import { loads } from '../../src/signing/dumps.js';
import { parseCacheUrl } from '../../src/stores/_cache.js';
import { createCachedDbStore } from '../../src/stores/cached-db.js';
import { createMemcachedStore } from '../../src/stores/memcached.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createRedisStore } from '../../src/stores/redis.js';
import { parseStoreUrl, resolveStore } from '../../src/stores/resolve.js';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import type { SessionStore } from '../../src/stores/types.js';
import { createRecordingLogger, SECRET } from '../helpers.js';

const settings = { cookieName: 'sessionid', logger: createRecordingLogger() };

async function saved(store: SessionStore, data: Record<string, unknown>) {
  const sessions = createSessionManager({ secretKey: SECRET, store });
  const s = sessions.open();
  for (const [name, value] of Object.entries(data)) await s.set(name, value);
  await s.save();
  const stored = await store.load(s.sessionKey!, new Date());
  return { key: s.sessionKey!, text: stored!.data, sessions };
}

describe('dataFormat json', () => {
  it("is the memory store's default and stores exactly the serializer's text", async () => {
    const store = createMemoryStore();
    expect(store.dataFormat).toBe('json');
    const { text } = await saved(store, { counter: 1, name: 'Zoë', list: [0.5, null] });
    // Django's JSONSerializer text: compact, ASCII-only, keys in order; no signature, no zlib.
    expect(text).toBe('{"counter":1,"name":"Zo\\u00eb","list":[0.5,null]}');
  });

  it('reads back what it stored', async () => {
    const store = createMemoryStore();
    const { key, sessions } = await saved(store, { counter: 7, nested: { a: [1, 'b'] } });
    const s = sessions.open(key);
    expect(await s.get('counter')).toBe(7);
    expect(await s.get('nested')).toEqual({ a: [1, 'b'] });
  });

  it('refuses the values every other store refuses', async () => {
    const sessions = createSessionManager({ secretKey: SECRET, store: createMemoryStore() });
    const s = sessions.open();
    await s.set('map', new Map([['a', 1]]));
    await expect(s.save()).rejects.toThrow(SerializationError);
  });

  it('uses a custom serializer and wraps its failures in SerializationError', async () => {
    const serializer = {
      dumps: (value: unknown) => {
        if ((value as { bad?: unknown }).bad) throw new TypeError('nope');
        return JSON.stringify({ wrapped: value });
      },
      loads: (text: string) => (JSON.parse(text) as { wrapped: unknown }).wrapped,
    };
    const store = createMemoryStore();
    const sessions = createSessionManager({ secretKey: SECRET, store, serializer });
    const s = sessions.open();
    await s.set('a', 1);
    await s.save();
    expect((await store.load(s.sessionKey!, new Date()))!.data).toBe('{"wrapped":{"a":1}}');
    expect(await sessions.open(s.sessionKey).get('a')).toBe(1);
    await s.set('bad', true);
    await expect(s.save()).rejects.toMatchObject({ code: 'ERR_SERIALIZATION' });
  });

  it('turns stored text that is not a JSON object into an empty session with a warning', async () => {
    const logger = createRecordingLogger();
    const store = createMemoryStore();
    const sessions = createSessionManager({ secretKey: SECRET, store, logger });
    for (const data of ['[1,2]', '{"a":', 'null', '"text"']) {
      const key = `k${Math.random().toString(36).slice(2)}abcdefgh`;
      await store.create({ key, data, expireDate: new Date(Date.now() + 60_000), maxAge: 60 });
      const s = sessions.open(key);
      expect(await s.keys()).toEqual([]);
    }
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(4);
  });

  it("still reads Django's signed format, so switching a store to json keeps live sessions", async () => {
    const signedStore = createMemoryStore({ dataFormat: 'django' });
    const { key, text } = await saved(signedStore, { counter: 3 });
    expect(text).toMatch(/^[\w-]+:[0-9A-Za-z]+:[\w-]{43}$/);
    // The same storage, now declared json: the old signed entry is still read.
    const switched: SessionStore = { ...signedStore, dataFormat: 'json' };
    const sessions = createSessionManager({ secretKey: SECRET, store: switched });
    const s = sessions.open(key);
    expect(await s.get('counter')).toBe(3);
    await s.set('counter', 4);
    await s.save();
    expect((await switched.load(key, new Date()))!.data).toBe('{"counter":4}');
  });

  it('refuses a signed entry whose signature does not verify', async () => {
    const logger = createRecordingLogger();
    const other = createMemoryStore({ dataFormat: 'django' });
    const { key } = await saved(other, { counter: 3 });
    const sessions = createSessionManager({
      secretKey: `${SECRET}-another-secret`,
      store: { ...other, dataFormat: 'json' },
      logger,
    });
    expect(await sessions.open(key).get('counter')).toBeUndefined();
    expect(logger.records.map((r) => r.message)).toContain('Session data corrupted');
  });
});

describe('dataFormat django', () => {
  it("writes Django's signed format with the session salt", async () => {
    const store = createMemoryStore({ dataFormat: 'django' });
    const { text, sessions } = await saved(store, { counter: 1 });
    expect(loads(text, { key: SECRET, salt: sessions.settings.keySalt })).toEqual({ counter: 1 });
  });

  it('refuses unsigned JSON: a store shared with Django only trusts signed data', async () => {
    const logger = createRecordingLogger();
    const store = createMemoryStore({ dataFormat: 'django' });
    const sessions = createSessionManager({ secretKey: SECRET, store, logger });
    const key = 'abcdefghijklmnopqrstuvwxyz012345';
    await store.create({
      key,
      data: '{"admin":true}',
      expireDate: new Date(Date.now() + 60_000),
      maxAge: 60,
    });
    expect(await sessions.open(key).get('admin')).toBeUndefined();
    expect(logger.records.map((r) => r.message)).toContain('Session data corrupted');
  });

  it('is the default of database stores, and cached-db follows its database', () => {
    const db = createSqliteStore({ path: ':memory:' });
    expect(db.dataFormat).toBeUndefined();
    const cachedDb = createCachedDbStore({ db, cache: createMemoryStore() });
    expect(cachedDb.dataFormat).toBeUndefined();
    const jsonDb = { ...createMemoryStore({ dataFormat: 'json' }) };
    expect(createCachedDbStore({ db: jsonDb, cache: createMemoryStore() }).dataFormat).toBe('json');
  });
});

describe('dataFormat option', () => {
  it('is checked', () => {
    const bad = () => createMemoryStore({ dataFormat: 'xml' as never });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow("memory store dataFormat must be 'django' or 'json', not \"xml\".");
  });

  it('comes from the format URL parameter', async () => {
    expect(((await resolveStore('memory:', settings)) as SessionStore).dataFormat).toBe('json');
    expect(((await resolveStore('memory:?format=django', settings)) as SessionStore).dataFormat).toBe(
      'django',
    );
    await expect(resolveStore('memory:?format=pickle', settings)).rejects.toThrow(ConfigError);
    expect(parseCacheUrl('redis://127.0.0.1:6379/0?format=json', 6379).dataFormat).toBe('json');
    expect(parseCacheUrl('memcached://127.0.0.1', 11211).dataFormat).toBeUndefined();
    expect(() => parseCacheUrl('redis://127.0.0.1?format=yaml', 6379)).toThrow(/dataFormat must be/);
  });

  it('is json for the caches (Redis, memcached), django for the databases, unless the URL says', () => {
    for (const url of ['redis://127.0.0.1', 'rediss://127.0.0.1', 'redis-cluster://127.0.0.1:7101']) {
      expect(parseStoreUrl(url, settings).dataFormat).toBe('json');
      expect(parseStoreUrl(`${url}?format=django`, settings).dataFormat).toBe('django');
    }
    expect(parseStoreUrl('memcached://127.0.0.1', settings).dataFormat).toBe('json');
    expect(parseStoreUrl('memcached://127.0.0.1?format=django', settings).dataFormat).toBe('django');
    for (const url of ['sqlite::memory:', 'postgres://127.0.0.1/test', 'mysql://root@127.0.0.1/test']) {
      expect(parseStoreUrl(url, settings).dataFormat).toBe('django');
    }
    // The stores built without a URL agree (nothing connects until a call).
    expect(createRedisStore({ url: 'redis://127.0.0.1' }).dataFormat).toBe('json');
    expect(createRedisStore({ url: 'redis://127.0.0.1', dataFormat: 'django' }).dataFormat).toBe('django');
    expect(createMemcachedStore({ servers: ['127.0.0.1:11211'] }).dataFormat).toBe('json');
  });
});
