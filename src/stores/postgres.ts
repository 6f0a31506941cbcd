/**
 * The PostgreSQL store: Django's `django_session` table (spec §4.1) through a pooled `pg` client, so a
 * Django site on the same database shares sessions. `pg` is an optional peer dependency, loaded only
 * when this store is created.
 * @module
 */
import type { Pool, PoolClient, PoolConfig } from 'pg';
import { consoleLogger, type Logger } from '../core/logger.js';
import { connectionLock } from './_lock.js';
import { DJANGO_SESSION_TABLE, loadPeer } from './_shared.js';
import {
  createSqlStore,
  expireIndexName,
  lockId,
  parseUrlOrPool,
  resolveSqlOptions,
  type SqlDriver,
  type SqlStoreOptions,
  sessionIndexName,
  toUtcDate,
} from './sql-common.js';
import type { SessionStore } from './types.js';

/** Options of {@link createPostgresStore}. Give `url` or `pool`. */
export interface PostgresStoreOptions extends SqlStoreOptions {
  /**
   * Connection URL, `postgres://user:password@host:5432/db` (or `postgresql://`). sessionkit's own
   * query parameters `table`, `timeout` (ms), `poolSize`, `createTable` and `clearBatchSize` are read
   * from it; other parameters (e.g. `sslmode`) go to `pg`.
   */
  url?: string;
  /** A `pg.Pool` to use instead of opening one; the store never ends it. */
  pool?: Pool;
  /** Extra `pg.Pool` settings (ssl, ...) for the pool the store opens. */
  poolConfig?: PoolConfig;
  /** Where errors of idle pooled connections go. @default console */
  logger?: Logger;
}

/** Django's name for the `varchar_pattern_ops` index it adds to `session_key` on PostgreSQL. */
export const DJANGO_SESSION_KEY_LIKE_INDEX = 'django_session_session_key_c0390e0f_like';

/** The DDL Django's migration runs on PostgreSQL (spec §4.1), made idempotent with `IF NOT EXISTS`. */
export function postgresSchema(table = DJANGO_SESSION_TABLE): string[] {
  const likeIndex = sessionIndexName(table, DJANGO_SESSION_KEY_LIKE_INDEX, 'session_key_like');
  return [
    `CREATE TABLE IF NOT EXISTS "${table}" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" timestamp with time zone NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS "${expireIndexName(table)}" ON "${table}" ("expire_date")`,
    `CREATE INDEX IF NOT EXISTS "${likeIndex}" ON "${table}" ("session_key" varchar_pattern_ops)`,
  ];
}

/** SQLSTATEs of a concurrent `CREATE ... IF NOT EXISTS` that lost the race: the object exists. */
const CREATE_RACE_CODES = new Set(['42P07', '23505']);

const sqlState = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/**
 * Create a PostgreSQL store. Every operation is bounded by `timeoutMs` (connection, statement and client
 * read timeouts) and fails with `StoreUnavailable` when the server cannot answer.
 *
 * The table is not created unless you ask: on a database shared with Django its `migrate` owns it.
 * Pass `createTable: true` (or `?createTable=true`) to create it on first use, or call `createTable()`.
 * @throws {ConfigError} for a missing or invalid URL, an invalid option, or when `pg` is not installed.
 * @example
 * const store = createPostgresStore({ url: 'postgres://app@127.0.0.1:5432/app' });
 * const sessions = createSessionManager({ secretKey, store });
 */
export function createPostgresStore(options: PostgresStoreOptions): SessionStore {
  const parsed = parseUrlOrPool(
    options,
    ['postgres', 'postgresql'],
    'postgres',
    'postgres://user@host:5432/db',
  );
  const settings = resolveSqlOptions(options, parsed?.options ?? {}, 63);
  const { table, timeoutMs } = settings;

  const ownsPool = !options.pool;
  const openPool = (): Pool => {
    const pg = loadPeer<typeof import('pg')>('pg', 'postgres');
    const opened = new pg.Pool({
      connectionString: parsed!.url.href,
      max: settings.poolSize,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      statement_timeout: timeoutMs,
      application_name: 'sessionkit',
      ...options.poolConfig,
    });
    // Without a listener, an idle connection dropped by the server would crash the process.
    const logger = options.logger ?? consoleLogger;
    opened.on('error', (error) =>
      logger.warn('PostgreSQL session store: idle connection lost', { error: error.message }),
    );
    return opened;
  };
  const pool: Pool = options.pool ?? openPool();
  // Session locks hold a connection each for as long as they are held: a pool of their own (opened on
  // first use) keeps them from starving the session queries. An injected pool serves both.
  let lockPool: Pool | null = options.pool ?? null;
  let closed = false;

  const t = `"${table}"`;
  const driver: SqlDriver = {
    name: 'postgres',
    async load(key, now) {
      const { rows } = await pool.query<{ session_data: string; expire_date: unknown }>(
        `SELECT session_data, expire_date FROM ${t} WHERE session_key = $1 AND expire_date > $2`,
        [key, now.toISOString()],
      );
      const row = rows[0];
      return row ? { data: row.session_data, expireDate: toUtcDate(row.expire_date) } : null;
    },
    async exists(key) {
      const { rowCount } = await pool.query(`SELECT 1 FROM ${t} WHERE session_key = $1`, [key]);
      return (rowCount ?? 0) > 0;
    },
    async insert({ key, data, expireDate }) {
      const { rowCount } = await pool.query(
        `INSERT INTO ${t} (session_key, session_data, expire_date) VALUES ($1, $2, $3) ON CONFLICT (session_key) DO NOTHING`,
        [key, data, expireDate.toISOString()],
      );
      return rowCount === 1;
    },
    async update({ key, data, expireDate }) {
      const { rowCount } = await pool.query(
        `UPDATE ${t} SET session_data = $2, expire_date = $3 WHERE session_key = $1`,
        [key, data, expireDate.toISOString()],
      );
      return rowCount === 1;
    },
    async touch({ key, expireDate }, threshold) {
      const { rowCount } = await pool.query(
        `UPDATE ${t} SET expire_date = $2 WHERE session_key = $1 AND expire_date < $3`,
        [key, expireDate.toISOString(), threshold.toISOString()],
      );
      return rowCount === 1;
    },
    async replace({ key, data, expireDate }, expected) {
      const { rowCount } = await pool.query(
        `UPDATE ${t} SET session_data = $2, expire_date = $3 WHERE session_key = $1 AND session_data = $4`,
        [key, data, expireDate.toISOString(), expected],
      );
      if (rowCount === 1) return 'ok';
      return (await driver.exists(key)) ? 'conflict' : 'missing';
    },
    // A session-level advisory lock on a connection held until release: PostgreSQL drops it when the
    // connection ends, so it dies with the process.
    lock(key, lockOptions) {
      const id = lockId(table, key).toString();
      lockPool ??= openPool();
      const locks = lockPool;
      return connectionLock<PoolClient>(
        {
          connect: () => locks.connect(),
          tryLock: async (client) =>
            (await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [id])).rows[0]
              ?.got === true,
          unlock: async (client) => {
            await client.query('SELECT pg_advisory_unlock($1)', [id]);
          },
          release: (client, broken) => client.release(broken),
        },
        lockOptions,
      );
    },
    async delete(key) {
      await pool.query(`DELETE FROM ${t} WHERE session_key = $1`, [key]);
    },
    async countExpired(now) {
      const { rows } = await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${t} WHERE expire_date < $1`,
        [now.toISOString()],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async deleteExpired(now, limit) {
      // Row ids of one batch, deleted by TID scan: short statements, no long transaction. A row updated
      // meanwhile has a new ctid and is skipped, so a session refreshed during the purge survives.
      const { rowCount } = await pool.query(
        `DELETE FROM ${t} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${t} WHERE expire_date < $1 LIMIT $2))`,
        [now.toISOString(), limit],
      );
      return rowCount ?? 0;
    },
    async createTable() {
      for (const sql of postgresSchema(table)) {
        try {
          await pool.query(sql);
        } catch (error) {
          if (!CREATE_RACE_CODES.has(sqlState(error) as string)) throw error;
        }
      }
    },
    isMissingTable: (error) => sqlState(error) === '42P01',
    async close() {
      if (ownsPool && !closed) {
        closed = true;
        // A connection that never opened rejects end() with its connect error: nothing left to release.
        await Promise.all([pool.end().catch(() => {}), lockPool?.end().catch(() => {})]);
      }
    },
  };
  return createSqlStore(driver, settings);
}
