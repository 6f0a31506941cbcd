import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, StoreUnavailable, UpdateError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { createSessionManager } from '../../src/core/manager.js';
import {
  CACHE_KEY_PREFIX,
  createRedisStore,
  createRedisStoreFromUrl,
  type RedisLikeClient,
  type RedisSetOptions,
} from '../../src/stores/redis.js';
import { COMMAND_QUEUE_LIMIT } from '../../src/stores/redis-client.js';
import { resolveStore } from '../../src/stores/resolve.js';
import { describeStoreContract } from '../../src/testing/index.js';
import { createRecordingLogger, record, SECRET, uniqueKey } from '../helpers.js';
import { freePort, hasCommand, listens, skipWithout, waitUntil } from '../services/probe.js';
import { REDIS_URL, rawRedis, redisProblem } from '../services/redis.js';
import { vitestRunner } from './runner.js';

const skip = skipWithout('Redis tests (127.0.0.1:6379)', await redisProblem());
const hasRedisServer = await hasCommand('redis-server');
/** Unique to this file, so parallel test files never share keys. */
const PREFIX = `sessionkit.test.redis.${process.pid}.`;
const settings = { cookieName: 'sessionid', logger: silentLogger };

describeStoreContract(vitestRunner, {
  name: 'redis',
  skip,
  createStore: () => createRedisStore({ url: REDIS_URL, prefix: PREFIX }),
});

describeStoreContract(vitestRunner, {
  name: 'redis (dataFormat json)',
  skip,
  createStore: () => createRedisStoreFromUrl(`${REDIS_URL}?prefix=${PREFIX}json.&format=json`),
});

describe.skipIf(skip)('createRedisStore', () => {
  let raw: Awaited<ReturnType<typeof rawRedis>>;
  beforeAll(async () => {
    raw = await rawRedis();
  });
  afterAll(async () => {
    await raw?.close();
  });

  it("stores a session under Django's cache key: the prefix and the session key, no separator", async () => {
    const store = createRedisStore({ url: REDIS_URL });
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const s = sessions.open();
    await s.set('cat', 'dog');
    await s.save();
    const key = `django.contrib.sessions.cache${s.sessionKey}`;
    expect(CACHE_KEY_PREFIX).toBe('django.contrib.sessions.cache');
    const value = await raw.get(key);
    expect(value).not.toBeNull();
    expect(sessions.codec.decode(value!)).toEqual({ cat: 'dog' });
    await s.destroy();
    expect(await raw.exists(key)).toBe(0);
    await store.close?.();
  });

  it('sets the Redis TTL to the session expiry age', async () => {
    const store = createRedisStore({ url: REDIS_URL, prefix: PREFIX });
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const s = sessions.open();
    await s.set('x', 1);
    await s.save();
    const ttl = await raw.ttl(PREFIX + s.sessionKey);
    expect(ttl).toBeGreaterThan(1209600 - 60);
    expect(ttl).toBeLessThanOrEqual(1209600);
    await s.setExpiry(300);
    await s.save();
    const custom = await raw.ttl(PREFIX + s.sessionKey);
    expect(custom).toBeGreaterThan(240);
    expect(custom).toBeLessThanOrEqual(300);
    await s.destroy();
    await store.close?.();
  });

  it('never resurrects: update of a deleted key resolves false and writes nothing', async () => {
    const store = createRedisStore({ url: REDIS_URL, prefix: PREFIX });
    const key = uniqueKey();
    expect(await store.create(record(key, 'v1', 60))).toBe(true);
    await store.delete(key);
    expect(await store.update(record(key, 'v2', 60))).toBe(false);
    expect(await raw.exists(PREFIX + key)).toBe(0);
    await store.close?.();
  });

  it('refuses to create over an existing key and keeps the stored value', async () => {
    const store = createRedisStore({ url: REDIS_URL, prefix: PREFIX });
    const key = uniqueKey();
    expect(await store.create(record(key, 'first', 60))).toBe(true);
    expect(await store.create(record(key, 'second', 60))).toBe(false);
    expect(await store.load(key, new Date())).toEqual({ data: 'first' });
    await store.delete(key);
    await store.close?.();
  });

  it('keeps nothing for an already expired record, yet reports create and update truthfully', async () => {
    const store = createRedisStore({ url: REDIS_URL, prefix: PREFIX });
    const key = uniqueKey();
    expect(await store.create(record(key, 'gone', 0))).toBe(true);
    expect(await raw.exists(PREFIX + key)).toBe(0);
    expect(await store.create(record(key, 'live', 60))).toBe(true);
    expect(await store.create(record(key, 'gone', -5))).toBe(false);
    expect(await store.update(record(key, 'gone', -5))).toBe(true);
    expect(await raw.exists(PREFIX + key)).toBe(0);
    expect(await store.update(record(key, 'gone', -5))).toBe(false);
    await store.close?.();
  });

  it('set writes unconditionally and deletes for a non-positive maxAge', async () => {
    const store = createRedisStore({ url: REDIS_URL, prefix: PREFIX });
    const key = uniqueKey();
    await store.set?.(record(key, 'one', 60));
    await store.set?.(record(key, 'two', 60));
    expect(await raw.get(PREFIX + key)).toBe('two');
    await store.set?.(record(key, 'three', 0));
    expect(await raw.exists(PREFIX + key)).toBe(0);
    await store.close?.();
  });

  it('sends exactly one command per load, exists, create, update and delete', async () => {
    const calls: string[] = [];
    const counting =
      <A extends unknown[], R>(command: string, send: (...args: A) => R) =>
      (...args: A): R => {
        calls.push(command);
        return send(...args);
      };
    const counted: RedisLikeClient = {
      get: counting('GET', (key: string) => raw.get(key)),
      set: counting('SET', (key: string, value: string, options: RedisSetOptions) =>
        raw.set(key, value, options),
      ),
      exists: counting('EXISTS', (key: string) => raw.exists(key)),
      del: counting('DEL', (key: string) => raw.del(key)),
    };
    const store = createRedisStore({ client: counted, prefix: PREFIX });
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const s = sessions.open();
    await s.set('n', 1);
    await s.save();
    expect(calls.splice(0)).toEqual(['SET']);
    const again = sessions.open(s.sessionKey);
    await again.set('n', 2);
    expect(calls.splice(0)).toEqual(['GET']);
    await again.save();
    expect(calls.splice(0)).toEqual(['SET']);
    expect(await again.exists(s.sessionKey!)).toBe(true);
    expect(calls.splice(0)).toEqual(['EXISTS']);
    await again.destroy();
    expect(calls.splice(0)).toEqual(['DEL']);
  });

  it('arms no node-redis timer per command: the store bounds each call itself', async () => {
    const timeouts = vi.spyOn(AbortSignal, 'timeout');
    const store = createRedisStore({ url: REDIS_URL, prefix: PREFIX });
    try {
      const key = uniqueKey();
      expect(await store.create(record(key, 'x', 60))).toBe(true);
      expect(await store.load(key, new Date())).toEqual({ data: 'x' });
      expect(await store.exists(key)).toBe(true);
      await store.delete(key);
      expect(timeouts).not.toHaveBeenCalled();
    } finally {
      timeouts.mockRestore();
      await store.close?.();
    }
  });

  it('loads data written by another store instance (a second app server)', async () => {
    const a = createSessionManager({
      secretKey: SECRET,
      store: createRedisStore({ url: REDIS_URL, prefix: PREFIX }),
    });
    const b = createSessionManager({
      secretKey: SECRET,
      store: createRedisStore({ url: REDIS_URL, prefix: PREFIX }),
    });
    const s = a.open();
    await s.set('user', 42);
    await s.save();
    const other = b.open(s.sessionKey);
    expect(await other.get('user')).toBe(42);
    await a.open(s.sessionKey).destroy();
    await other.set('user', 43);
    await expect(other.save()).rejects.toBeInstanceOf(UpdateError);
    await Promise.all([a.close(), b.close()]);
  });

  it('reads prefix, timeout and database from the URL', async () => {
    const store = createRedisStoreFromUrl(
      `${REDIS_URL}/1?prefix=${encodeURIComponent(PREFIX)}url.&timeout=1500`,
    );
    const key = uniqueKey();
    expect(await store.create(record(key, 'in-db-1', 60))).toBe(true);
    const db1 = await rawRedis(`${REDIS_URL}/1`);
    expect(await db1.get(`${PREFIX}url.${key}`)).toBe('in-db-1');
    expect(await raw.exists(`${PREFIX}url.${key}`)).toBe(0);
    await store.delete(key);
    await db1.close();
    await store.close?.();
  });

  it('is what resolveStore builds for redis:// and rediss:// URLs', async () => {
    const store = await resolveStore(`${REDIS_URL}?prefix=${PREFIX}`, settings);
    expect(store.kind === 'server' && store.name).toBe('redis');
    expect(store.kind === 'server' && (await store.exists('nosuchkey000000'))).toBe(false);
    if (store.kind === 'server') await store.close?.();
    const tls = await resolveStore('rediss://127.0.0.1:6380', settings);
    expect(tls.kind === 'server' && tls.name).toBe('redis');
  });

  it('resolves 0 from clearExpired: Redis expires entries itself', async () => {
    const store = createRedisStore({ url: REDIS_URL, prefix: PREFIX });
    const sessions = createSessionManager({ secretKey: SECRET, store });
    expect(await sessions.clearExpired()).toBe(0);
    await store.close?.();
  });
});

describe('createRedisStore outages and configuration', () => {
  let silent: Server;
  let silentPort = 0;
  const connections = new Set<Socket>();
  /** Drop the hung server's connections, so that the client's pending commands fail and it can close. */
  const hangUp = () => {
    for (const socket of connections) socket.destroy();
    connections.clear();
  };
  // Without the handshake (CLIENT SETINFO) the client is ready at once: a server that hangs once connected.
  const connectedToHungServer = { disableClientInfo: true };
  beforeAll(async () => {
    // Accepts connections and never answers: a hung server.
    silent = createServer((socket) => {
      connections.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    hangUp();
    silent.close();
  });

  it('fails with StoreUnavailable on a dead port, on every call, without hanging', async () => {
    const store = createRedisStore({ url: 'redis://127.0.0.1:1', timeoutMs: 500 });
    await expect(store.load('abcdefghijklmnop', new Date())).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(store.create(record('abcdefghijklmnop', 'x', 60))).rejects.toBeInstanceOf(StoreUnavailable);
    const error = await store.exists('abcdefghijklmnop').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as StoreUnavailable).status).toBe(503);
    await store.close?.();
  });

  it.skipIf(!hasRedisServer)(
    'answers StoreUnavailable at once while the server is down, logs once, and recovers when it returns',
    async () => {
      const port = await freePort();
      const start = async (): Promise<ChildProcess> => {
        const server = spawn('redis-server', [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
        ]);
        expect(await waitUntil(() => listens(port), 10_000)).toBe(true);
        return server;
      };
      const logger = createRecordingLogger();
      const store = createRedisStore({ url: `redis://127.0.0.1:${port}`, timeoutMs: 5000, logger });
      let server = await start();
      try {
        expect(await store.create(record('outagekey0000000', 'x', 60))).toBe(true);
        server.kill('SIGKILL');
        await once(server, 'exit');
        for (let i = 0; i < 3; i++) {
          const error = await Promise.resolve(store.load('outagekey0000000', new Date())).catch(
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(StoreUnavailable);
          // Not the 5 s timeout: the offline client rejects at once.
          expect((error as Error).message).not.toMatch(/did not answer/);
        }
        expect(logger.records.filter((r) => r.message === 'redis connection error')).toHaveLength(1);
        server = await start();
        const recovered = await waitUntil(
          () =>
            store.exists('outagekey0000000').then(
              () => true,
              () => false,
            ),
          10_000,
        );
        expect(recovered).toBe(true);
      } finally {
        await store.close?.();
        server.kill('SIGKILL');
      }
    },
  );

  it('fails with StoreUnavailable when the server accepts but never answers', async () => {
    const store = createRedisStore({ url: `redis://127.0.0.1:${silentPort}`, timeoutMs: 300 });
    await expect(store.load('abcdefghijklmnop', new Date())).rejects.toBeInstanceOf(StoreUnavailable);
    await store.close?.();
  });

  /** A store whose connection reaches the server that accepts and never answers. */
  const storeOnHungServer = (timeoutMs: number) =>
    createRedisStore({
      url: `redis://127.0.0.1:${silentPort}`,
      timeoutMs,
      clientOptions: connectedToHungServer,
    });

  it('fails with StoreUnavailable within the timeout when a connected server stops answering', async () => {
    const store = storeOnHungServer(300);
    const error = await store.load('abcdefghijklmnop', new Date()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as StoreUnavailable).detail).toMatch(/did not answer within 300 ms/);
    // The client reconnects only once it has dropped the unanswered command, which close() waits for.
    const reconnected = once(silent, 'connection');
    hangUp();
    await reconnected;
    await store.close?.();
  });

  it('fails at once, not after the timeout, once the client holds its limit of commands for a hung server', async () => {
    // Far above what the queued commands need to fail at once; a queue without bound waits for it.
    const store = storeOnHungServer(20_000);
    const waiting = Array.from({ length: COMMAND_QUEUE_LIMIT }, () =>
      store.load('abcdefghijklmnop', new Date()).catch((e: unknown) => e),
    );
    const beyond = await store.load('abcdefghijklmnop', new Date()).catch((e: unknown) => e);
    expect(beyond).toBeInstanceOf(StoreUnavailable);
    expect((beyond as StoreUnavailable).detail).toMatch(/queue is full/);
    hangUp();
    for (const error of await Promise.all(waiting)) expect(error).toBeInstanceOf(StoreUnavailable);
    await store.close?.();
  }, 60_000);

  it('fails with StoreUnavailable when an injected client never answers', async () => {
    const hung = new Promise<never>(() => {});
    const client: RedisLikeClient = { get: () => hung, set: () => hung, exists: () => hung, del: () => hung };
    const store = createRedisStore({ client, timeoutMs: 100 });
    await expect(store.update(record('abcdefghijklmnop', 'x', 60))).rejects.toBeInstanceOf(StoreUnavailable);
  });

  it('turns a failed session load into StoreUnavailable for the request', async () => {
    const sessions = createSessionManager({ secretKey: SECRET, store: 'redis://127.0.0.1:1?timeout=300' });
    await expect(sessions.open('abcdefghijklmnop').get('x')).rejects.toBeInstanceOf(StoreUnavailable);
    await sessions.close();
  });

  it('rejects malformed URLs and options with ConfigError at construction', () => {
    for (const url of [
      'redis://127.0.0.1:6379?bogus=1',
      'redis://127.0.0.1:6379?timeout=soon',
      'redis://127.0.0.1:0',
      'redis://a:6379,b:6379',
      'redis://',
    ]) {
      expect(() => createRedisStoreFromUrl(url), url).toThrow(ConfigError);
    }
    expect(() => createRedisStore({ url: 'http://127.0.0.1:6379' })).toThrow(ConfigError);
    expect(() => createRedisStore({ timeoutMs: 0 })).toThrow(ConfigError);
  });
});
