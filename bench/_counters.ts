/**
 * Counting the commands a store really sends, by command name, for the round-trips table:
 * - Redis: `MONITOR` on a separate raw connection, keeping the lines of one client address (or of one
 *   key prefix, on a cluster) — counted at the server;
 * - memcached: the `stats` counters of a private memcached started for the run — counted at the server;
 * - PostgreSQL / MySQL: the `pool.query` calls of the store's injected pool, by SQL verb — one query each;
 * - local stores (memory, sqlite, file): calls of the store's methods (no network).
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionStore } from '../src/stores/types.js';

/** Cumulative command counts by name (`GET`, `SET XX`, `UPDATE`, `load` ...). */
export type Counts = Map<string, number>;

/**
 * Counts commands. `read()` waits until the server's view has settled. Counters that cost something
 * while on (MONITOR) only count between `open()` and `close()`.
 */
export interface Counter {
  label: string;
  read(): Promise<Counts>;
  open?(): Promise<void>;
  close?(): Promise<void>;
}

const bump = (counts: Counts, name: string, by = 1): void => {
  counts.set(name, (counts.get(name) ?? 0) + by);
};

/** `"SET" "key" "value" "EX" "1800" "XX"` → `SET XX`; other commands → their name. */
function redisCommand(line: string): string {
  const args = line.slice(line.indexOf('] ') + 2);
  const name = /^"([^"]+)"/.exec(args)?.[1]?.toUpperCase() ?? '?';
  const condition = name === 'SET' ? / "(NX|XX)"/i.exec(args)?.[1]?.toUpperCase() : undefined;
  return condition ? `${name} ${condition}` : name;
}

/** Count the commands of a Redis `MONITOR` feed whose lines `match` accepts, while open. */
export function redisMonitor(label: string, port: number, match: (line: string) => boolean): Counter {
  let socket: Socket | null = null;
  const counts: Counts = new Map();
  let lastMatch = 0;
  let buffer = '';
  const onData = (chunk: string): void => {
    buffer += chunk;
    for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      if (line.startsWith('+') && line !== '+OK' && match(line)) {
        bump(counts, redisCommand(line));
        lastMatch = Date.now();
      }
    }
  };
  return {
    label,
    async open() {
      socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.setEncoding('utf8');
      socket.on('data', onData);
      socket.write('MONITOR\r\n');
      await sleep(50);
    },
    async read() {
      // The feed trails the replies by a few ms: wait until it has been quiet for 100 ms.
      await sleep(100);
      while (Date.now() - lastMatch < 100) await sleep(20);
      return new Map(counts);
    },
    async close() {
      socket?.destroy();
      socket = null;
    },
  };
}

/** One counter merging several (e.g. the masters of a cluster). */
export function sumCounters(label: string, counters: readonly Counter[]): Counter {
  return {
    label,
    async read() {
      const total: Counts = new Map();
      for (const counts of await Promise.all(counters.map((c) => c.read()))) {
        for (const [name, n] of counts) bump(total, name, n);
      }
      return total;
    },
    open: async () => void (await Promise.all(counters.map((c) => c.open?.()))),
    close: async () => void (await Promise.all(counters.map((c) => c.close?.()))),
  };
}

/** The `addr=` of a node-redis connection (`CLIENT INFO`), to filter a MONITOR feed by client. */
export async function redisClientAddr(client: {
  sendCommand(args: string[]): Promise<unknown>;
}): Promise<string> {
  const info = String(await client.sendCommand(['CLIENT', 'INFO']));
  const addr = /\baddr=(\S+)/.exec(info)?.[1];
  if (!addr) throw new Error(`No addr in CLIENT INFO: ${info}`);
  return addr;
}

/** memcached `stats` counters and the command names they stand for (add/replace/set all count as set). */
const MEMCACHED_STATS: Record<string, string> = {
  cmd_get: 'get',
  cmd_set: 'add/replace/set',
  cmd_touch: 'touch',
  delete_hits: 'delete',
  delete_misses: 'delete',
};

/** Send one memcached text-protocol `stats` and return its command counters. */
async function memcachedStats(port: number): Promise<Counts> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.setEncoding('utf8');
  socket.write('stats\r\n');
  let text = '';
  for await (const chunk of socket) {
    text += chunk as string;
    if (text.endsWith('END\r\n')) break;
  }
  socket.destroy();
  const counts: Counts = new Map();
  for (const [, stat, value] of text.matchAll(/^STAT (\S+) (\d+)\r$/gm)) {
    const name = MEMCACHED_STATS[stat!];
    if (name) bump(counts, name, Number(value));
  }
  return counts;
}

/** Count commands at a memcached server from its `stats` (only meaningful on a private server). */
export function memcachedCounter(port: number): Counter {
  return { label: 'memcached', read: () => memcachedStats(port) };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Start a private memcached on a free loopback port; resolves null when the binary is missing. */
export async function startMemcached(): Promise<{ port: number; child: ChildProcess } | null> {
  const port = await freePort();
  const asRoot = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  const child = spawn('memcached', [...asRoot, '-l', '127.0.0.1', '-p', String(port), '-m', '64'], {
    stdio: 'ignore',
  });
  const failed = once(child, 'error').then(() => null);
  process.once('exit', () => child.kill());
  for (let attempt = 0; attempt < 40; attempt++) {
    const up = await Promise.race([
      memcachedStats(port).then(
        () => true,
        () => false,
      ),
      failed,
    ]);
    if (up === null) return null;
    if (up) return { port, child };
    await sleep(50);
  }
  child.kill();
  return null;
}

/** Count query calls on a driver pool (`pg.Pool` or a mysql2/promise pool) by SQL verb. */
export function countQueries(label: string, pool: object): Counter {
  const target = pool as { query: (...args: unknown[]) => unknown };
  const original = target.query.bind(pool);
  const counts: Counts = new Map();
  target.query = (...args: unknown[]) => {
    const sql = typeof args[0] === 'string' ? args[0] : String((args[0] as { sql?: unknown })?.sql ?? '?');
    bump(counts, sql.trimStart().split(/\s/, 1)[0]!.toUpperCase());
    return original(...args);
  };
  return { label, read: async () => new Map(counts) };
}

/** Wrap a local store so that every method call is counted (memory, sqlite, file: no network). */
export function countCalls(store: SessionStore): { store: SessionStore; counter: Counter } {
  const counts: Counts = new Map();
  const counted =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      bump(counts, name);
      return fn(...args);
    };
  const wrapped: SessionStore = {
    ...store,
    load: counted('load', store.load),
    exists: counted('exists', store.exists),
    create: counted('create', store.create),
    update: counted('update', store.update),
    delete: counted('delete', store.delete),
    ...(store.set ? { set: counted('set', store.set) } : {}),
    // Merge-on-save's compare-and-swap is a save too.
    ...(store.replace ? { replace: counted('replace', store.replace) } : {}),
  };
  return { store: wrapped, counter: { label: 'store', read: async () => new Map(counts) } };
}
