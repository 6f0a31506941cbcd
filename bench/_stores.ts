/**
 * Every store, ready for a benchmark: scratch tables, key prefixes and temp directories unique to this
 * process, command counters (see _counters.ts), and clean-up. A store whose service is down, or whose
 * module is missing, is skipped with a printed reason instead of failing the run.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSessionManager, type SessionManager } from '../src/core/manager.js';
import type { AnyStore, SessionStore } from '../src/stores/types.js';
import { CLUSTER_PORTS, dropKeys, RUN_ID, redisFixture, sqlFixture, steps } from './_backends.js';
import type { Counter, Counts } from './_counters.js';
import * as counters from './_counters.js';
import { sweepTempDirs } from './_sweep.js';

/** A store under test. */
export interface StoreFixture {
  name: string;
  store: AnyStore;
  /** Where `counters` count commands. */
  countedAt: string;
  counters: Counter[];
  close(): Promise<void>;
}

/** Every store, in table order. */
export const STORE_NAMES = [
  ...['memory', 'memory-django', 'sqlite', 'file', 'signed-cookie', 'postgres', 'mysql'],
  ...['redis', 'redis-cluster', 'memcached', 'cached-db'],
] as const;

export const SECRET_KEY = 'bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz';

function local(name: string, store: SessionStore, dir?: string): StoreFixture {
  const { store: counted, counter } = counters.countCalls(store);
  const close = steps(
    () => store.close?.(),
    () => dir && rmSync(dir, { recursive: true }),
  );
  return { name, store: counted, countedAt: 'store calls (no network)', counters: [counter], close };
}

const tempDir = (): string => mkdtempSync(join(tmpdir(), `sessionkit-bench-${process.pid}-`));

const factories: Record<(typeof STORE_NAMES)[number], () => Promise<StoreFixture>> = {
  async memory() {
    const { createMemoryStore } = await import('../src/stores/memory.js');
    return local('memory', createMemoryStore({ max: 1_000_000 }));
  },
  // The memory store keeping Django's signed format, as every database store does: the codec's cost.
  async 'memory-django'() {
    const { createMemoryStore } = await import('../src/stores/memory.js');
    return local('memory-django', createMemoryStore({ max: 1_000_000, dataFormat: 'django' }));
  },
  async sqlite() {
    const { createSqliteStore } = await import('../src/stores/sqlite.js');
    const dir = tempDir();
    return local('sqlite', createSqliteStore({ path: join(dir, 'sessions.sqlite3') }), dir);
  },
  async file() {
    const { createFileStore } = await import('../src/stores/file.js');
    const dir = tempDir();
    return local('file', createFileStore({ directory: dir }), dir);
  },
  async 'signed-cookie'() {
    const { createSignedCookieStore } = await import('../src/stores/signed-cookie.js');
    const store = createSignedCookieStore();
    return {
      name: 'signed-cookie',
      store,
      countedAt: 'none (data in the cookie)',
      counters: [],
      close: steps(),
    };
  },
  async postgres() {
    const { store, counter, close } = await sqlFixture('postgres', `django_session_${RUN_ID}`);
    return { name: 'postgres', store, countedAt: 'pg pool.query calls', counters: [counter], close };
  },
  async mysql() {
    const { store, counter, close } = await sqlFixture('mysql', `django_session_${RUN_ID}`);
    return {
      name: 'mysql (MariaDB)',
      store,
      countedAt: 'mysql2 pool.query calls',
      counters: [counter],
      close,
    };
  },
  async redis() {
    const { store, monitor, close } = await redisFixture(`sessionkit-${RUN_ID}:`);
    return { name: 'redis', store, countedAt: 'server (MONITOR)', counters: [monitor], close };
  },
  async 'redis-cluster'() {
    const { createRedisClusterStore } = await import('../src/stores/redis.js');
    const prefix = `sessionkit-${RUN_ID}-cluster:`;
    const store = createRedisClusterStore({ nodes: CLUSTER_PORTS.map((p) => `127.0.0.1:${p}`), prefix });
    const monitors = CLUSTER_PORTS.map((port) =>
      counters.redisMonitor(`:${port}`, port, (line) => line.includes(`"${prefix}`)),
    );
    const close = steps(
      () => store.close?.(),
      ...CLUSTER_PORTS.map((port) => () => dropKeys(`redis://127.0.0.1:${port}`, `${prefix}*`)),
    );
    const counter = counters.sumCounters('redis', monitors);
    return {
      name: 'redis-cluster',
      store,
      countedAt: 'server (MONITOR, 3 masters)',
      counters: [counter],
      close,
    };
  },
  async memcached() {
    const { createMemcachedStore } = await import('../src/stores/memcached.js');
    const server = await counters.startMemcached();
    if (!server) throw new Error('no memcached binary to start a private server');
    const store = createMemcachedStore({
      servers: [`127.0.0.1:${server.port}`],
      prefix: `sessionkit-${RUN_ID}:`,
    });
    const close = steps(
      () => store.close?.(),
      () => server.child.kill(),
    );
    const counter = counters.memcachedCounter(server.port);
    return {
      name: 'memcached',
      store,
      countedAt: 'server (stats of a private memcached)',
      counters: [counter],
      close,
    };
  },
  async 'cached-db'() {
    const { createCachedDbStore, CACHED_DB_KEY_PREFIX } = await import('../src/stores/cached-db.js');
    const db = await sqlFixture('postgres', `django_session_${RUN_ID}_cdb`);
    const cache = await redisFixture(`${CACHED_DB_KEY_PREFIX}${RUN_ID}:`).catch(async (error: unknown) => {
      await db.close();
      throw error;
    });
    const store = createCachedDbStore({ db: db.store, cache: cache.store });
    const countedAt = 'pg pool.query + redis MONITOR';
    const close = steps(db.close, cache.close);
    return { name: 'cached-db (pg+redis)', store, countedAt, counters: [db.counter, cache.monitor], close };
  },
};

/** `--stores=redis,postgres` limits a run to those stores. */
const SELECTED = process.argv
  .find((arg) => arg.startsWith('--stores='))
  ?.slice('--stores='.length)
  .split(',');

/** Open the stores; print and skip those whose service or module is unavailable. */
export async function openStores(
  names: readonly string[] = SELECTED ?? STORE_NAMES,
): Promise<StoreFixture[]> {
  const fixtures: StoreFixture[] = [];
  sweepTempDirs();
  // A time limit (bench/run.ts) or Ctrl-C still drops this run's tables and keys.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void closeStores(fixtures).finally(() => process.exit(130)));
  }
  for (const name of names) {
    let fixture: StoreFixture | undefined;
    try {
      const factory = factories[name as (typeof STORE_NAMES)[number]];
      if (!factory) throw new Error(`unknown store; use one of ${STORE_NAMES.join(', ')}`);
      fixture = await factory();
      const close = fixture.close;
      let closing: Promise<void> | undefined;
      fixture.close = () => (closing ??= close()); // once, whether by a signal or at the end
      // Probe: a miss on a server store proves the service answers (and creates SQL tables).
      if (fixture.store.kind === 'server')
        await fixture.store.load('benchprobe000000000000000000000', new Date());
      fixtures.push(fixture);
    } catch (error) {
      console.log(`# skipped ${name}: ${(error as Error).message.split('\n')[0]}`);
      await fixture?.close().catch(() => {});
    }
  }
  return fixtures;
}

/** Close every fixture, reporting (not throwing) clean-up failures. */
export async function closeStores(fixtures: readonly StoreFixture[]): Promise<void> {
  for (const fixture of fixtures) {
    await fixture
      .close()
      .catch((error: unknown) => console.log(`# clean-up of ${fixture.name} failed: ${error}`));
  }
}

/** A session manager for a fixture (short cookie age, so anything left behind expires soon). */
export function managerFor(fixture: StoreFixture): SessionManager {
  return createSessionManager({ secretKey: SECRET_KEY, store: fixture.store, cookieAge: 1800 });
}

/** Each counter's current count. */
export function readCounters(list: readonly Counter[]): Promise<Counts[]> {
  return Promise.all(list.map((c) => c.read()));
}
