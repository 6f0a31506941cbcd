/**
 * The MySQL / MariaDB store: Django's `django_session` table (spec §4.1) through a pooled `mysql2`
 * client, so a Django site on the same database shares sessions. `mysql2` is an optional peer
 * dependency, loaded only when this store is created.
 * @module
 */
import type { Pool, PoolConnection, PoolOptions, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { ConfigError } from '../core/errors.js';
import { connectionLock } from './_lock.js';
import { redactUrl } from './_redact.js';
import { DJANGO_SESSION_TABLE, loadPeer, toSqliteDatetime } from './_shared.js';
import {
  createSqlStore,
  expireIndexName,
  lockId,
  parseUrlOrPool,
  resolveSqlOptions,
  type SqlDriver,
  type SqlStoreOptions,
  toUtcDate,
} from './sql-common.js';
import type { SessionStore } from './types.js';

/** Options of {@link createMysqlStore}. Give `url` or `pool`. */
export interface MysqlStoreOptions extends SqlStoreOptions {
  /**
   * Connection URL, `mysql://user:password@host:3306/db` (or `mariadb://`). Query parameters: `table`,
   * `timeout` (ms), `poolSize`, `createTable`, `clearBatchSize`, and `socketPath` for a Unix socket.
   */
  url?: string;
  /** A `mysql2/promise` pool to use instead of opening one; the store never ends it. */
  pool?: Pool;
  /** Extra `mysql2` pool settings (ssl, ...) for the pool the store opens. */
  poolOptions?: PoolOptions;
}

/** The DDL Django's migration runs on MySQL/MariaDB (spec §4.1): the table, then the expiry index. */
export function mysqlSchema(table = DJANGO_SESSION_TABLE): [createTable: string, createIndex: string] {
  return [
    `CREATE TABLE IF NOT EXISTS \`${table}\` (\`session_key\` varchar(40) NOT NULL PRIMARY KEY, \`session_data\` longtext NOT NULL, \`expire_date\` datetime(6) NOT NULL)`,
    `CREATE INDEX \`${expireIndexName(table)}\` ON \`${table}\` (\`expire_date\`)`,
  ];
}

const ER_DUP_ENTRY = 1062;
const ER_DUP_KEYNAME = 1061;
const ER_NO_SUCH_TABLE = 1146;
const errno = (error: unknown): unknown => (error as { errno?: unknown } | null)?.errno;

/**
 * Rows an UPDATE matched. MySQL's `affectedRows` counts only *changed* rows unless the client sets
 * FOUND_ROWS (mysql2 does by default, but an injected pool may not); the server's info text
 * `Rows matched: N  Changed: M` is exact either way.
 */
function matchedRows(result: ResultSetHeader): number {
  const match = /Rows matched:\s*(\d+)/i.exec(result.info ?? '');
  return match ? Number(match[1]) : result.affectedRows;
}

function poolOptionsFromUrl(url: URL): PoolOptions {
  const known = new Set(['socketPath']);
  for (const name of url.searchParams.keys()) {
    if (!known.has(name)) {
      throw new ConfigError(
        `Unknown mysql store URL parameter ${name}. Use table, timeout, poolSize, createTable, clearBatchSize or ` +
          'socketPath; pass anything else through poolOptions.',
      );
    }
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database)
    throw new ConfigError(
      `The mysql store URL ${redactUrl(url.href)} names no database (mysql://user@host/db).`,
    );
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || undefined,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || undefined,
    password: decodeURIComponent(url.password) || undefined,
    database,
    socketPath: url.searchParams.get('socketPath') ?? undefined,
  };
}

/**
 * Create a MySQL / MariaDB store. Dates are written and read as UTC `datetime(6)` text, as Django does
 * with `USE_TZ = True`, whatever the pool's `timezone` setting. Every operation is bounded by
 * `timeoutMs` and fails with `StoreUnavailable` when the server cannot answer.
 *
 * The table is not created unless you ask: on a database shared with Django its `migrate` owns it.
 * Pass `createTable: true` (or `?createTable=true`) to create it on first use, or call `createTable()`.
 * @throws {ConfigError} for a missing or invalid URL, an invalid option, or when `mysql2` is not installed.
 * @example
 * const store = createMysqlStore({ url: 'mysql://app@127.0.0.1:3306/app' });
 * const sessions = createSessionManager({ secretKey, store });
 */
export function createMysqlStore(options: MysqlStoreOptions): SessionStore {
  const parsed = parseUrlOrPool(options, ['mysql', 'mariadb'], 'mysql', 'mysql://user@host:3306/db');
  const settings = resolveSqlOptions(options, parsed?.options ?? {}, 64);
  const { table, timeoutMs } = settings;

  let pool: Pool;
  const ownsPool = !options.pool;
  if (options.pool) {
    pool = options.pool;
  } else {
    const mysql = loadPeer<typeof import('mysql2/promise')>('mysql2/promise', 'mysql');
    pool = mysql.createPool({
      ...poolOptionsFromUrl(parsed!.url),
      connectionLimit: settings.poolSize,
      connectTimeout: timeoutMs,
      timezone: 'Z',
      dateStrings: true,
      charset: 'utf8mb4',
      enableKeepAlive: true,
      ...options.poolOptions,
    });
  }
  let closed = false;

  // Dates travel as UTC text, never as JS Dates, which mysql2 would convert with the pool's timezone.
  const utc = toSqliteDatetime;
  const query = <T extends RowDataPacket[] | ResultSetHeader>(sql: string, values: unknown[] = []) =>
    pool.query<T>({ sql, values, dateStrings: true }).then(([result]) => result);

  const t = `\`${table}\``;
  const driver: SqlDriver = {
    name: 'mysql',
    async load(key, now) {
      const rows = await query<RowDataPacket[]>(
        `SELECT session_data, expire_date FROM ${t} WHERE session_key = ? AND expire_date > ?`,
        [key, utc(now)],
      );
      const row = rows[0];
      return row ? { data: String(row.session_data), expireDate: toUtcDate(row.expire_date) } : null;
    },
    async exists(key) {
      return (await query<RowDataPacket[]>(`SELECT 1 FROM ${t} WHERE session_key = ?`, [key])).length > 0;
    },
    async insert({ key, data, expireDate }) {
      // A plain INSERT: INSERT IGNORE would also swallow other errors (data too long ...), and
      // ON DUPLICATE KEY UPDATE reports 0 rows both for "unchanged" and "taken".
      try {
        await query<ResultSetHeader>(
          `INSERT INTO ${t} (session_key, session_data, expire_date) VALUES (?, ?, ?)`,
          [key, data, utc(expireDate)],
        );
        return true;
      } catch (error) {
        if (errno(error) === ER_DUP_ENTRY) return false;
        throw error;
      }
    },
    async update({ key, data, expireDate }) {
      const result = await query<ResultSetHeader>(
        `UPDATE ${t} SET session_data = ?, expire_date = ? WHERE session_key = ?`,
        [data, utc(expireDate), key],
      );
      return matchedRows(result) > 0;
    },
    async touch({ key, expireDate }, threshold) {
      const result = await query<ResultSetHeader>(
        `UPDATE ${t} SET expire_date = ? WHERE session_key = ? AND expire_date < ?`,
        [utc(expireDate), key, utc(threshold)],
      );
      return matchedRows(result) > 0;
    },
    async replace({ key, data, expireDate }, expected) {
      // Compared as bytes: the column's collation may ignore case or trailing spaces.
      const result = await query<ResultSetHeader>(
        `UPDATE ${t} SET session_data = ?, expire_date = ? WHERE session_key = ? AND CAST(session_data AS BINARY) = CAST(? AS BINARY)`,
        [data, utc(expireDate), key, expected],
      );
      if (matchedRows(result) > 0) return 'ok';
      return (await driver.exists(key)) ? 'conflict' : 'missing';
    },
    // GET_LOCK belongs to the connection that took it (released when it closes, so with the process):
    // the connection is held until release.
    lock(key, lockOptions) {
      const name = `sessionkit:${lockId(table, key).toString(16)}`;
      return connectionLock<PoolConnection>(
        {
          connect: () => pool.getConnection(),
          tryLock: async (conn) => {
            const [rows] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, 0) AS got', [name]);
            return Number(rows[0]?.got) === 1;
          },
          unlock: async (conn) => {
            await conn.query('SELECT RELEASE_LOCK(?)', [name]);
          },
          release: (conn, broken) => (broken ? conn.destroy() : conn.release()),
        },
        lockOptions,
      );
    },
    async delete(key) {
      await query<ResultSetHeader>(`DELETE FROM ${t} WHERE session_key = ?`, [key]);
    },
    async countExpired(now) {
      const rows = await query<RowDataPacket[]>(`SELECT count(*) AS n FROM ${t} WHERE expire_date < ?`, [
        utc(now),
      ]);
      return Number(rows[0]?.n ?? 0);
    },
    async deleteExpired(now, limit) {
      const result = await query<ResultSetHeader>(`DELETE FROM ${t} WHERE expire_date < ? LIMIT ?`, [
        utc(now),
        limit,
      ]);
      return result.affectedRows;
    },
    async createTable() {
      const [createTable, createIndex] = mysqlSchema(table);
      await query<ResultSetHeader>(createTable);
      // MySQL has no CREATE INDEX IF NOT EXISTS (MariaDB has): look first, and accept losing a race.
      const found = await query<RowDataPacket[]>(
        'SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ?',
        [table, expireIndexName(table)],
      );
      if (found.length > 0) return;
      try {
        await query<ResultSetHeader>(createIndex);
      } catch (error) {
        if (errno(error) !== ER_DUP_KEYNAME) throw error;
      }
    },
    isMissingTable: (error) => errno(error) === ER_NO_SUCH_TABLE,
    async close() {
      if (ownsPool && !closed) {
        closed = true;
        // A connection that never opened rejects end() with its connect error: nothing left to release.
        await pool.end().catch(() => {});
      }
    },
  };
  return createSqlStore(driver, settings);
}
