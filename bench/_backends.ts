/**
 * The services behind the server stores: connection URLs (overridable by environment), node-redis
 * clients, and Redis / SQL stores built on injected clients so their commands can be counted.
 * @module
 */
import type { RowDataPacket } from 'mysql2/promise';
import * as counters from './_counters.js';
import { sweepTables, TABLE_LIKE } from './_sweep.js';

/** PostgreSQL for the postgres and cached-db stores (env SESSIONKIT_POSTGRES_URL). */
export const POSTGRES_URL = process.env.SESSIONKIT_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** MySQL / MariaDB (env SESSIONKIT_MYSQL_URL). */
export const MYSQL_URL = process.env.SESSIONKIT_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
/** Redis for the redis and cached-db stores and express-session (env SESSIONKIT_REDIS_URL). */
export const REDIS_URL = process.env.SESSIONKIT_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Port of {@link REDIS_URL}, for MONITOR. */
export const REDIS_PORT = Number(new URL(REDIS_URL).port || 6379);
/** Masters of the loopback Redis Cluster (test/services/redis-cluster.ts starts it). */
export const CLUSTER_PORTS = [7101, 7102, 7103];
/** Unique to this run: tables, key prefixes. */
export const RUN_ID = `bench${process.pid}`;

type Step = () => unknown;
/** Run clean-up steps in order. */
export const steps =
  (...list: Step[]) =>
  async (): Promise<void> => {
    for (const step of list) await step();
  };

/** A node-redis v5 client connected to `url`. */
export async function connectRedis(url: string) {
  const { createClient } = await import('redis');
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Delete every key matching `pattern` (SCAN + UNLINK) on the server at `url`. */
export async function dropKeys(url: string, pattern: string): Promise<void> {
  const client = await connectRedis(url);
  for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 1000 })) {
    for (const key of keys) await client.unlink(key);
  }
  client.destroy();
}

/** A Redis store on an injected client whose commands are counted at the server by client address. */
export async function redisFixture(prefix: string) {
  const { createRedisStore } = await import('../src/stores/redis.js');
  const client = await connectRedis(REDIS_URL);
  const addr = await counters.redisClientAddr(client);
  const monitor = counters.redisMonitor('redis', REDIS_PORT, (line) => line.includes(` ${addr}]`));
  const store = createRedisStore({ client: client as never, prefix });
  const close = steps(
    () => client.destroy(),
    () => dropKeys(REDIS_URL, `${prefix}*`),
  );
  return { store, monitor, close };
}

/** A PostgreSQL or MySQL store on an injected pool whose queries are counted; stale tables are swept. */
export async function sqlFixture(kind: 'postgres' | 'mysql', table: string) {
  if (kind === 'postgres') {
    const { default: pg } = await import('pg');
    const { createPostgresStore } = await import('../src/stores/postgres.js');
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 10 });
    const { rows } = await pool.query<{ name: string }>(
      'SELECT tablename AS name FROM pg_tables WHERE tablename LIKE $1',
      [TABLE_LIKE],
    );
    await sweepTables(
      rows.map((row) => row.name),
      (sql) => pool.query(sql),
      (name) => `"${name}"`,
    );
    const counter = counters.countQueries('postgres', pool);
    const store = createPostgresStore({ pool, table, createTable: true });
    const close = steps(
      () => pool.query(`DROP TABLE IF EXISTS "${table}"`),
      () => pool.end(),
    );
    return { store, counter, close };
  }
  const mysql = await import('mysql2/promise');
  const { createMysqlStore } = await import('../src/stores/mysql.js');
  const url = new URL(MYSQL_URL);
  const pool = mysql.createPool({
    ...{ host: url.hostname, port: Number(url.port || 3306), database: url.pathname.slice(1) },
    ...{ user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) },
    ...{ connectionLimit: 10, timezone: 'Z', dateStrings: true },
  });
  const [rows] = await pool.query<Array<{ name: string } & RowDataPacket>>(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?',
    [TABLE_LIKE],
  );
  await sweepTables(
    rows.map((row) => row.name),
    (sql) => pool.query(sql),
    (name) => `\`${name}\``,
  );
  const counter = counters.countQueries('mysql', pool);
  const store = createMysqlStore({ pool, table, createTable: true });
  const close = steps(
    () => pool.query(`DROP TABLE IF EXISTS \`${table}\``),
    () => pool.end(),
  );
  return { store, counter, close };
}
