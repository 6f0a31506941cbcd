/**
 * The SQLite store, the embedded default: Django's `django_session` table (spec §4.1) in a local
 * database file through `better-sqlite3`, so a Django site using the same file shares sessions.
 * @module
 */

import { existsSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { ConfigError, StoreUnavailable } from '../core/errors.js';
import { createLocalLocks } from './_lock.js';
import { checkReady, READY_PROBE_KEY } from './_ready.js';
import {
  CLEAR_BATCH_SIZE,
  DJANGO_EXPIRE_INDEX,
  DJANGO_SESSION_TABLE,
  fromSqliteDatetime,
  loadPeer,
  toSqliteDatetime,
} from './_shared.js';
import { touchThreshold } from './sql-common.js';
import type { SessionStore } from './types.js';

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file, or `:memory:`. Ignored when `database` is given. @default './sessions.sqlite3' */
  path?: string;
  /** An open better-sqlite3 database to use instead of opening `path`. */
  database?: BetterSqlite3.Database;
  /** Table name; keep Django's to share sessions with a Django site. @default 'django_session' */
  table?: string;
  /** Create the table and index on first use if missing. @default true */
  createTable?: boolean;
  /** How long to wait for a lock held by another process, in ms. @default 5000 */
  busyTimeout?: number;
}

/** The DDL Django's migration runs on SQLite (spec §4.1). */
export function sqliteSchema(table = DJANGO_SESSION_TABLE): string[] {
  const index = table === DJANGO_SESSION_TABLE ? DJANGO_EXPIRE_INDEX : `${table}_expire_date`;
  return [
    `CREATE TABLE IF NOT EXISTS "${table}" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS "${index}" ON "${table}" ("expire_date")`,
  ];
}

/** Whether a better-sqlite3 error says the table is missing (`createTable: false` on a new file). */
const isSqliteMissingTable = (error: unknown): boolean =>
  /no such table/.test(error instanceof Error ? error.message : '');

/**
 * Create a SQLite store.
 * @example
 * const store = createSqliteStore({ path: './sessions.db' });
 */
export function createSqliteStore(options: SqliteStoreOptions = {}): SessionStore {
  const table = options.table ?? DJANGO_SESSION_TABLE;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new TypeError(`Invalid table name ${table}`);
  const path = options.path ?? './sessions.sqlite3';
  let db: BetterSqlite3.Database | null = options.database ?? null;
  let statements: ReturnType<typeof prepare> | null = null;

  function prepare(conn: BetterSqlite3.Database) {
    const t = `"${table}"`;
    return {
      load: conn.prepare<[string, string], { session_data: string; expire_date: string }>(
        `SELECT session_data, expire_date FROM ${t} WHERE session_key = ? AND expire_date > ?`,
      ),
      exists: conn.prepare<[string]>(`SELECT 1 FROM ${t} WHERE session_key = ?`).pluck(),
      create: conn.prepare<[string, string, string]>(
        `INSERT INTO ${t} (session_key, session_data, expire_date) VALUES (?, ?, ?) ON CONFLICT (session_key) DO NOTHING`,
      ),
      update: conn.prepare<[string, string, string]>(
        `UPDATE ${t} SET session_data = ?, expire_date = ? WHERE session_key = ?`,
      ),
      replace: conn.prepare<[string, string, string, string]>(
        `UPDATE ${t} SET session_data = ?, expire_date = ? WHERE session_key = ? AND session_data = ?`,
      ),
      delete: conn.prepare<[string]>(`DELETE FROM ${t} WHERE session_key = ?`),
      touch: conn.prepare<[string, string, string]>(
        `UPDATE ${t} SET expire_date = ? WHERE session_key = ? AND expire_date < ?`,
      ),
      countExpired: conn.prepare<[string]>(`SELECT count(*) FROM ${t} WHERE expire_date < ?`).pluck(),
      clearBatch: conn.prepare<[string, number]>(
        `DELETE FROM ${t} WHERE rowid IN (SELECT rowid FROM ${t} WHERE expire_date < ? LIMIT ?)`,
      ),
    };
  }

  function connect(): BetterSqlite3.Database {
    if (db) return db;
    try {
      const Database = loadPeer<typeof BetterSqlite3>('better-sqlite3', 'sqlite');
      db = new Database(path, { timeout: options.busyTimeout ?? 5000 });
      if (path !== ':memory:') db.pragma('journal_mode = WAL');
      return db;
    } catch (error) {
      throw new StoreUnavailable(
        `Cannot open the SQLite session database ${path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  function createSchema(conn: BetterSqlite3.Database): void {
    for (const sql of sqliteSchema(table)) conn.exec(sql);
  }

  function open(): ReturnType<typeof prepare> {
    if (statements) return statements;
    const conn = connect();
    try {
      if (options.createTable ?? true) createSchema(conn);
      statements = prepare(conn);
      return statements;
    } catch (error) {
      throw new StoreUnavailable(`SQLite session table ${table} is not usable: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** SQLITE_BUSY / I/O errors mean the database cannot serve the request now. */
  function run<T>(fn: (s: ReturnType<typeof prepare>) => T): T {
    const s = open();
    try {
      return fn(s);
    } catch (error) {
      throw new StoreUnavailable(`SQLite session store error: ${(error as Error).message}`, { cause: error });
    }
  }

  return {
    kind: 'server',
    name: 'sqlite',
    async load(key, now) {
      const row = run((s) => s.load.get(key, toSqliteDatetime(now)));
      return row ? { data: row.session_data, expireDate: fromSqliteDatetime(row.expire_date) } : null;
    },
    async exists(key) {
      return run((s) => s.exists.get(key) !== undefined);
    },
    async create(record) {
      return run(
        (s) => s.create.run(record.key, record.data, toSqliteDatetime(record.expireDate)).changes === 1,
      );
    },
    async update(record) {
      return run(
        (s) => s.update.run(record.data, toSqliteDatetime(record.expireDate), record.key).changes === 1,
      );
    },
    // One statement, so atomic also against other processes on the same file; the existence check only
    // runs when it wrote nothing (to tell a conflict from a deleted session).
    async replace(record, expected) {
      return run((s) => {
        const { changes } = s.replace.run(
          record.data,
          toSqliteDatetime(record.expireDate),
          record.key,
          expected.data,
        );
        if (changes === 1) return 'ok';
        return s.exists.get(record.key) === undefined ? 'missing' : 'conflict';
      });
    },
    lock: createLocalLocks(),
    async delete(key) {
      run((s) => s.delete.run(key));
    },
    // Only expire_date changes (Django's table as it is); a missing row matches nothing.
    async touch(record) {
      const below = touchThreshold(record);
      return run(
        (s) =>
          s.touch.run(toSqliteDatetime(record.expireDate), record.key, toSqliteDatetime(below)).changes === 1,
      );
    },
    async clearExpired(context) {
      const now = toSqliteDatetime(context.now);
      const total = run((s) => Number(s.countExpired.get(now)));
      let deleted = 0;
      for (;;) {
        const changes = run((s) => s.clearBatch.run(now, CLEAR_BATCH_SIZE).changes);
        deleted += changes;
        context.onProgress?.(deleted, total);
        if (changes < CLEAR_BATCH_SIZE) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      return deleted;
    },
    async createTable() {
      createSchema(connect());
    },
    // Start-up check: the addon loads, the folder exists, the table is there (or is created).
    async ready() {
      const target = { store: 'sqlite', where: path, table, isMissingTable: isSqliteMissingTable };
      if (!options.database && path !== ':memory:' && !path.startsWith('file:')) {
        const folder = dirname(resolvePath(path));
        if (!existsSync(folder)) {
          throw new ConfigError(
            `The SQLite session database ${JSON.stringify(path)} is in a folder that does not exist (${folder}). ` +
              'Create the folder, or fix the path of the sqlite: store.',
          );
        }
      }
      await checkReady(target, () => run((s) => s.exists.get(READY_PROBE_KEY)));
    },
    async close() {
      if (db && !options.database) db.close();
      db = null;
      statements = null;
    },
  };
}
