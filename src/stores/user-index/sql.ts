/**
 * The user-session index of the SQL stores (SQLite, PostgreSQL, MySQL/MariaDB): a side table next to
 * Django's `django_session`, one row per session key seen (`user_id` NULL for an anonymous session),
 * joined with the session table to list a user's live sessions. Django's own table is never altered.
 * @module
 */
import { ConfigError } from '../../core/errors.js';
import { DJANGO_SESSION_TABLE, withTimeout } from '../_shared.js';
import { DEFAULT_SQL_TIMEOUT_MS, parseUrlOrPool } from '../sql-common.js';
import type { StoredSession } from '../types.js';
import type { IndexedSession, UnindexedSession, UserSessionIndex } from './types.js';

/** Options every SQL index takes. */
export interface SqlUserIndexOptions {
  /** The session table the index follows; the same as the store's. @default 'django_session' */
  table?: string;
  /** The side table holding the index. @default `<table>_user` */
  indexTable?: string;
}

/** A row as the drivers return it (column name → value). */
export type SqlRow = Record<string, unknown>;

/** How one SQL dialect runs statements and writes values. */
export interface SqlIndexDialect {
  /** Index name for errors, e.g. `postgres`. */
  readonly name: 'sqlite' | 'postgres' | 'mysql';
  /** Run a query and resolve its rows. */
  all(sql: string, params: readonly unknown[]): Promise<SqlRow[]>;
  /** Run a statement. */
  run(sql: string, params: readonly unknown[]): Promise<void>;
  /** A date as the driver binds it for the session table's `expire_date` comparisons. */
  date(value: Date): unknown;
  /** A date the driver read back. */
  readDate(value: unknown): Date;
  /** Longest identifier the database accepts. */
  readonly maxIdentifier: number;
  /** Release connections the index opened. */
  close?(): Promise<void>;
}

/** Rows per multi-row INSERT of a sweep. */
const RECORD_BATCH = 200;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The validated session and index table names. @throws {ConfigError} for an invalid name. */
export function indexTables(options: SqlUserIndexOptions, maxIdentifier: number): [string, string] {
  const table = options.table ?? DJANGO_SESSION_TABLE;
  const indexTable = options.indexTable ?? `${table}_user`;
  for (const name of [table, indexTable, `${indexTable}_user_id`]) {
    if (!IDENTIFIER.test(name) || name.length > maxIdentifier) {
      throw new ConfigError(
        `Invalid table name ${JSON.stringify(name)} for the user-session index: use letters, digits and _ (at most ${maxIdentifier}).`,
      );
    }
  }
  return [table, indexTable];
}

/** Create an index over `dialect` for the session table `table` and the side table `indexTable`. */
export function createSqlUserIndex(
  dialect: SqlIndexDialect,
  table: string,
  indexTable: string,
): UserSessionIndex {
  const mysql = dialect.name === 'mysql';
  const q = (name: string): string => (mysql ? `\`${name}\`` : `"${name}"`);
  const p = (i: number): string => (dialect.name === 'postgres' ? `$${i}` : '?');
  const t = q(table);
  const x = q(indexTable);
  const timestamp =
    dialect.name === 'postgres' ? 'timestamp with time zone' : mysql ? 'datetime(6)' : 'datetime';
  const userIndex = q(`${indexTable}_user_id`);
  const schema = mysql
    ? [
        `CREATE TABLE IF NOT EXISTS ${x} (\`session_key\` varchar(40) NOT NULL PRIMARY KEY, \`user_id\` varchar(255) NULL, \`since\` ${timestamp} NOT NULL, KEY ${userIndex} (\`user_id\`))`,
      ]
    : [
        `CREATE TABLE IF NOT EXISTS ${x} ("session_key" varchar(40) NOT NULL PRIMARY KEY, "user_id" varchar(255) NULL, "since" ${timestamp} NOT NULL)`,
        `CREATE INDEX IF NOT EXISTS ${userIndex} ON ${x} ("user_id")`,
      ];
  // `since` keeps the first link's time while the user stays the same.
  const sameUser =
    dialect.name === 'postgres'
      ? `${x}.user_id IS NOT DISTINCT FROM excluded.user_id`
      : `${x}.user_id IS excluded.user_id`;
  const upsert = mysql
    ? `INSERT INTO ${x} (session_key, user_id, since) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE since = IF(user_id <=> VALUES(user_id), since, VALUES(since)), user_id = VALUES(user_id)`
    : `INSERT INTO ${x} (session_key, user_id, since) VALUES (${p(1)}, ${p(2)}, ${p(3)}) ON CONFLICT (session_key) DO UPDATE SET since = CASE WHEN ${sameUser} THEN ${x}.since ELSE excluded.since END, user_id = excluded.user_id`;
  const insertMany = (count: number): string => {
    const rows = Array.from(
      { length: count },
      (_, i) => `(${p(3 * i + 1)}, ${p(3 * i + 2)}, ${p(3 * i + 3)})`,
    );
    const head = `INSERT INTO ${x} (session_key, user_id, since) VALUES ${rows.join(', ')}`;
    return mysql
      ? `${head} ON DUPLICATE KEY UPDATE session_key = session_key`
      : `${head} ON CONFLICT (session_key) DO NOTHING`;
  };
  const prune = mysql
    ? `DELETE i FROM ${x} i LEFT JOIN ${t} s ON s.session_key = i.session_key WHERE s.session_key IS NULL`
    : `DELETE FROM ${x} WHERE NOT EXISTS (SELECT 1 FROM ${t} s WHERE s.session_key = ${x}.session_key)`;

  let ready: Promise<void> | null = null;
  /** Create the side table once. */
  const ensure = (): Promise<void> => {
    ready ??= (async () => {
      // A concurrent `CREATE ... IF NOT EXISTS` elsewhere can fail this one (PostgreSQL's catalog
      // unique violation): run it again, which then finds the table.
      for (const sql of schema) await dialect.run(sql, []).catch(() => dialect.run(sql, []));
    })().catch((error: unknown) => {
      ready = null;
      throw error;
    });
    return ready;
  };
  const stored = (row: SqlRow): StoredSession => ({
    data: String(row.session_data),
    expireDate: dialect.readDate(row.expire_date),
  });

  return {
    name: dialect.name,
    async link(key, userId, now) {
      await ensure();
      await dialect.run(upsert, [key, userId, dialect.date(now)]);
    },
    async unlink(keys) {
      if (keys.length === 0) return;
      await ensure();
      const marks = keys.map((_, i) => p(i + 1)).join(', ');
      await dialect.run(`DELETE FROM ${x} WHERE session_key IN (${marks})`, keys);
    },
    async sessionsOf(userId, now): Promise<IndexedSession[]> {
      await ensure();
      const rows = await dialect.all(
        `SELECT i.session_key, i.since, s.session_data, s.expire_date FROM ${x} i LEFT JOIN ${t} s ON s.session_key = i.session_key AND s.expire_date > ${p(1)} WHERE i.user_id = ${p(2)}`,
        [dialect.date(now), userId],
      );
      return rows.map((row) => ({
        key: String(row.session_key),
        since: dialect.readDate(row.since),
        stored: row.session_data === null || row.session_data === undefined ? null : stored(row),
      }));
    },
    async prune() {
      await ensure();
      await dialect.run(prune, []);
    },
    async unindexed(now, limit): Promise<UnindexedSession[]> {
      await ensure();
      const rows = await dialect.all(
        `SELECT s.session_key, s.session_data, s.expire_date FROM ${t} s WHERE s.expire_date > ${p(1)} AND NOT EXISTS (SELECT 1 FROM ${x} i WHERE i.session_key = s.session_key) LIMIT ${p(2)}`,
        [dialect.date(now), limit],
      );
      return rows.map((row) => ({ key: String(row.session_key), stored: stored(row) }));
    },
    async record(entries, now) {
      await ensure();
      const since = dialect.date(now);
      for (let start = 0; start < entries.length; start += RECORD_BATCH) {
        const batch = entries.slice(start, start + RECORD_BATCH);
        await dialect.run(
          insertMany(batch.length),
          batch.flatMap((entry) => [entry.key, entry.userId, since]),
        );
      }
    },
    close: async () => dialect.close?.(),
  };
}

/** Options of the server SQL indexes (PostgreSQL, MySQL): the store's `pool` or its `url`. */
export interface PooledSqlUserIndexOptions<Pool> extends SqlUserIndexOptions {
  /** The store's URL; its `table` and `timeout` parameters are honoured. A pool of two connections is opened. */
  url?: string;
  /** The store's pool (never ended by the index). */
  pool?: Pool;
  /** Longest wait for a statement, in ms. @default 5000 */
  timeoutMs?: number;
}

/** How a server SQL index opens, uses and ends its driver's pool. */
export interface PooledDriver<Pool> extends Pick<SqlIndexDialect, 'date' | 'readDate' | 'maxIdentifier'> {
  readonly name: 'postgres' | 'mysql';
  /** URL schemes and an example URL, for configuration errors. */
  readonly schemes: readonly string[];
  readonly example: string;
  /** Open a pool of two connections on the (parsed) store URL. */
  open(url: URL, timeoutMs: number): Pool;
  /** Run a statement; resolves its rows for a query. */
  query(pool: Pool, sql: string, params: unknown[]): Promise<unknown>;
  end(pool: Pool): Promise<void>;
}

/** A server SQL index over `driver`, on the store's pool or a small pool of its own. */
export function createPooledSqlUserIndex<Pool extends object>(
  options: PooledSqlUserIndexOptions<Pool>,
  driver: PooledDriver<Pool>,
): UserSessionIndex {
  const parsed = parseUrlOrPool(options, driver.schemes, driver.name, driver.example);
  const [table, indexTable] = indexTables(
    { ...options, table: options.table ?? parsed?.options.table },
    driver.maxIdentifier,
  );
  const timeoutMs = options.timeoutMs ?? parsed?.options.timeoutMs ?? DEFAULT_SQL_TIMEOUT_MS;
  let pool: Pool | null = options.pool ?? null;
  const query = (sql: string, params: readonly unknown[]) =>
    withTimeout(driver.name, timeoutMs, () => {
      pool ??= driver.open(parsed!.url, timeoutMs);
      return driver.query(pool, sql, [...params]);
    });
  return createSqlUserIndex(
    {
      name: driver.name,
      maxIdentifier: driver.maxIdentifier,
      all: async (sql, params) => (await query(sql, params)) as SqlRow[],
      run: async (sql, params) => {
        await query(sql, params);
      },
      date: driver.date,
      readDate: driver.readDate,
      async close() {
        if (pool !== null && options.pool === undefined) await driver.end(pool).catch(() => {});
        pool = null;
      },
    },
    table,
    indexTable,
  );
}
