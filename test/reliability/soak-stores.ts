/**
 * The stores the soak runs on: every server-side store (each with its own table, key prefix or
 * folder) and signed cookies. Services come from test/services, like the concurrency and touch
 * suites; a missing service skips its store locally and fails in CI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/logger.js';
import { createCachedDbStore } from '../../src/stores/cached-db.js';
import { createFileStore } from '../../src/stores/file.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createRedisStore } from '../../src/stores/redis.js';
import { createSignedCookieStore } from '../../src/stores/signed-cookie.js';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import type { AnyStore, SessionStore } from '../../src/stores/types.js';
import { memcachedTestStore, redisClusterTestStore } from '../services/cache-stores.js';
import { skipWithout } from '../services/probe.js';
import { REDIS_URL, redisProblem } from '../services/redis.js';
import { mysqlTestStore, postgresTestStore } from '../services/sql-stores.js';

/** A store to soak: whether to skip it, how to make it, how to remove what it left. */
export interface SoakTarget {
  name: string;
  skip?: boolean;
  createStore(): AnyStore | Promise<AnyStore>;
  /** Close it and remove its table or folder. @default store.close() */
  destroyStore?(store: SessionStore): Promise<void>;
}

/**
 * The per-operation timeout of the networked stores. A soak checks counters, not latency: 200 users
 * and the server share one process on a loaded machine, where the 2 s default would turn event-loop
 * lag into 503s.
 */
const TIMEOUT_MS = 10_000;

/** A store kept in a temporary folder of its own, removed with the store. */
function inTempDir(name: string, make: (dir: string) => SessionStore): SoakTarget {
  let dir = '';
  return {
    name,
    createStore() {
      dir = mkdtempSync(join(tmpdir(), `sk-soak-${name}-`));
      return make(dir);
    },
    async destroyStore(store) {
      await store.close?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Every store of the soak. Tables and key prefixes carry the process id, so that a soak never meets
 * another run's records on the shared servers; cache records expire by themselves (the soak's short
 * `cookieAge`).
 */
export async function soakTargets(): Promise<SoakTarget[]> {
  const id = process.pid;
  const redisSkip = skipWithout('the Redis soak', await redisProblem());
  const redis = (prefix: string) => createRedisStore({ url: REDIS_URL, prefix, timeoutMs: TIMEOUT_MS });
  const options = { timeoutMs: TIMEOUT_MS };
  return [
    inTempDir('sqlite', (dir) => createSqliteStore({ path: join(dir, 'sessions.db') })),
    {
      name: 'postgres',
      ...(await postgresTestStore(`django_session_soak_${id}`, 'the PostgreSQL soak', options)),
    },
    { name: 'mysql', ...(await mysqlTestStore(`django_session_soak_${id}`, 'the MariaDB soak', options)) },
    { name: 'redis', skip: redisSkip, createStore: () => redis(`sk-soak-${id}:`) },
    {
      name: 'redis-cluster',
      ...(await redisClusterTestStore(`sk-soak-cluster-${id}:`, 'the Redis Cluster soak', options)),
    },
    { name: 'memcached', ...(await memcachedTestStore(`sk-soak-${id}:`, 'the memcached soak', options)) },
    { name: 'memory', createStore: () => createMemoryStore() },
    {
      ...inTempDir('cached-db', (dir) =>
        createCachedDbStore({
          db: createSqliteStore({ path: join(dir, 'sessions.db') }),
          cache: redis(`sk-soak-cdb-${id}:`),
          logger: silentLogger,
        }),
      ),
      skip: redisSkip,
    },
    inTempDir('file', (dir) => createFileStore({ directory: dir })),
    // The session travels in the user's jar: the soak checks that every answer signs that user's
    // counter, never another's.
    { name: 'signed-cookie', createStore: () => createSignedCookieStore() },
  ];
}
