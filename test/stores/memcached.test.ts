import { createServer, type Server } from 'node:net';
import memjs from 'memjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, InvalidSessionKey, StoreUnavailable, UpdateError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { createSessionManager } from '../../src/core/manager.js';
import { createHashRing } from '../../src/stores/hash-ring.js';
import {
  createMemcachedStore,
  createMemcachedStoreFromUrl,
  isValidMemcachedKey,
  memcachedExpiry,
} from '../../src/stores/memcached.js';
import { resolveStore } from '../../src/stores/resolve.js';
import { describeStoreContract } from '../../src/testing/index.js';
import { record, SECRET, uniqueKey } from '../helpers.js';
import { MEMCACHED_PORTS, memcachedPool } from '../services/memcached.js';
import { skipWithout } from '../services/probe.js';
import { vitestRunner } from './runner.js';

const { servers, problem } = await memcachedPool();
const skip = skipWithout(`memcached tests (127.0.0.1:${MEMCACHED_PORTS.join(', :')})`, problem);
/** Unique to this file, so parallel test files never share keys. */
const PREFIX = `sessionkit.test.memcached.${process.pid}.`;

describeStoreContract(vitestRunner, {
  name: 'memcached (2 servers)',
  skip,
  createStore: () => createMemcachedStore({ servers, prefix: PREFIX }),
});

describeStoreContract(vitestRunner, {
  name: 'memcached (dataFormat json)',
  skip,
  createStore: () => createMemcachedStore({ servers, prefix: `${PREFIX}json.`, dataFormat: 'json' }),
});

describe.skipIf(skip)('createMemcachedStore', () => {
  const raw = new Map<string, memjs.Client>();
  const rawGet = async (server: string, key: string) =>
    (await raw.get(server)!.get(key)).value?.toString() ?? null;
  beforeAll(() => {
    for (const server of servers) raw.set(server, memjs.Client.create(server, { logger: { log() {} } }));
  });
  afterAll(() => {
    for (const client of raw.values()) client.close();
  });

  it('spreads keys over both servers and keeps each key on the server the hash ring picks', async () => {
    const store = createMemcachedStore({ servers, prefix: PREFIX });
    const ring = createHashRing(servers);
    const keys = Array.from({ length: 40 }, uniqueKey);
    for (const key of keys) expect(await store.create(record(key, `data-${key}`, 60))).toBe(true);
    const used = new Set<string>();
    for (const key of keys) {
      const home = ring.nodeFor(PREFIX + key);
      used.add(home);
      expect(await rawGet(home, PREFIX + key)).toBe(`data-${key}`);
      const elsewhere = servers.filter((server) => server !== home);
      for (const server of elsewhere) expect(await rawGet(server, PREFIX + key)).toBeNull();
    }
    expect(used).toEqual(new Set(servers));
    // A second store (another app server) finds every key.
    const other = createMemcachedStore({ servers, prefix: PREFIX });
    for (const key of keys) expect(await other.load(key, new Date())).toMatchObject({ data: `data-${key}` });
    for (const key of keys) await store.delete(key);
    await Promise.all([store.close?.(), other.close?.()]);
  });

  it("stores under Django's cache key by default", async () => {
    const store = createMemcachedStore({ servers });
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const s = sessions.open();
    await s.set('cat', 'dog');
    await s.save();
    const key = `django.contrib.sessions.cache${s.sessionKey}`;
    const value = await rawGet(createHashRing(servers).nodeFor(key), key);
    expect(sessions.codec.decode(value!)).toEqual({ cat: 'dog' });
    await s.destroy();
    await store.close?.();
  });

  it('never resurrects: replace of a deleted key resolves false and writes nothing', async () => {
    const store = createMemcachedStore({ servers, prefix: PREFIX });
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const s = sessions.open();
    await s.set('a', 1);
    await s.save();
    await sessions.open(s.sessionKey).destroy();
    await s.set('a', 2);
    await expect(s.save()).rejects.toBeInstanceOf(UpdateError);
    expect(await store.exists(s.sessionKey!)).toBe(false);
    await store.close?.();
  });

  it('keeps nothing for an already expired record, yet reports create and update truthfully', async () => {
    const store = createMemcachedStore({ servers, prefix: PREFIX });
    const key = uniqueKey();
    expect(await store.create(record(key, 'gone', 0))).toBe(true);
    expect(await store.exists(key)).toBe(false);
    expect(await store.create(record(key, 'live', 60))).toBe(true);
    expect(await store.create(record(key, 'gone', -5))).toBe(false);
    expect(await store.update(record(key, 'gone', -5))).toBe(true);
    expect(await store.exists(key)).toBe(false);
    expect(await store.update(record(key, 'gone', -5))).toBe(false);
    await store.close?.();
  });

  it('keeps a session whose expiry is beyond 30 days (sent as an absolute unix time)', async () => {
    const store = createMemcachedStore({ servers, prefix: PREFIX });
    const key = uniqueKey();
    expect(await store.create(record(key, 'long', 60 * 60 * 24 * 60))).toBe(true);
    expect(await store.load(key, new Date())).toMatchObject({ data: 'long' });
    await store.delete(key);
    await store.close?.();
  });

  it('treats an overlong key as a miss on load and exists (Django test_load_overlong_key)', async () => {
    const store = createMemcachedStore({ servers, prefix: PREFIX });
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const overlong = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
      .repeat(10)
      .slice(0, 620);
    const s = sessions.open(overlong);
    expect(await s.load()).toEqual({});
    expect(s.sessionKey).toBeNull();
    expect(await store.exists(overlong)).toBe(false);
    expect(await store.exists('has a space')).toBe(false);
    await expect(store.update(record(overlong, 'x', 60))).rejects.toBeInstanceOf(InvalidSessionKey);
    await expect(store.create(record('bad\nkey0', 'x', 60))).rejects.toBeInstanceOf(InvalidSessionKey);
    await expect(store.delete(overlong)).resolves.toBeUndefined();
    await store.close?.();
  });

  it('is what resolveStore builds for memcached:// URLs', async () => {
    const url = `memcached://${servers.join(',')}?prefix=${encodeURIComponent(PREFIX)}&timeout=1500`;
    const store = await resolveStore(url, { cookieName: 'sessionid', logger: silentLogger });
    expect(store.kind === 'server' && store.name).toBe('memcached');
    expect(store.kind === 'server' && (await store.exists('nosuchkey0000000'))).toBe(false);
    if (store.kind === 'server') await store.close?.();
  });
});

describe('memcached helpers and outages', () => {
  let silent: Server;
  let silentPort = 0;
  beforeAll(async () => {
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(() => {
    silent.close();
  });

  it('validates keys as memcached does: at most 250 bytes, no spaces or control characters', () => {
    expect(isValidMemcachedKey('a'.repeat(250))).toBe(true);
    expect(isValidMemcachedKey('a'.repeat(251))).toBe(false);
    expect(isValidMemcachedKey('é'.repeat(126))).toBe(false);
    expect(isValidMemcachedKey('with space')).toBe(false);
    expect(isValidMemcachedKey('tab\there')).toBe(false);
    expect(isValidMemcachedKey('del\u007f')).toBe(false);
  });

  it('sends TTLs up to 30 days as is and longer ones as an absolute unix time', () => {
    const now = Date.UTC(2030, 0, 1);
    expect(memcachedExpiry(60, now)).toBe(60);
    expect(memcachedExpiry(0.2, now)).toBe(1);
    expect(memcachedExpiry(2_592_000, now)).toBe(2_592_000);
    expect(memcachedExpiry(2_592_001, now)).toBe(now / 1000 + 2_592_001);
  });

  it('fails with StoreUnavailable on a dead port and on a server that never answers', async () => {
    const dead = createMemcachedStore({ servers: ['127.0.0.1:1'], timeoutMs: 500 });
    await expect(dead.load('abcdefghijklmnop', new Date())).rejects.toBeInstanceOf(StoreUnavailable);
    await dead.close?.();
    const hung = createMemcachedStore({ servers: [`127.0.0.1:${silentPort}`], timeoutMs: 300 });
    await expect(hung.create(record('abcdefghijklmnop', 'x', 60))).rejects.toBeInstanceOf(StoreUnavailable);
    await hung.close?.();
  });

  it('rejects malformed URLs with ConfigError at construction', () => {
    expect(() => createMemcachedStoreFromUrl('memcached://')).toThrow(ConfigError);
    expect(() => createMemcachedStoreFromUrl('memcached://a:11211,a:11211')).toThrow(ConfigError);
    expect(() => createMemcachedStoreFromUrl('memcached://user:pw@a:11211')).toThrow(ConfigError);
    expect(() => createMemcachedStoreFromUrl('memcached://a:11211?ttl=5')).toThrow(ConfigError);
    expect(createMemcachedStoreFromUrl('memcached://a,b:11212').name).toBe('memcached');
  });
});
