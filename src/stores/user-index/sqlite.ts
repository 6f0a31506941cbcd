/**
 * The user-session index for the SQLite store: the side table `<table>_user` in the same database.
 * @module
 */
import type BetterSqlite3 from 'better-sqlite3';
import { StoreUnavailable } from '../../core/errors.js';
import { fromSqliteDatetime, loadPeer, toSqliteDatetime } from '../_shared.js';
import { createSqlUserIndex, indexTables, type SqlUserIndexOptions } from './sql.js';
import type { UserSessionIndex } from './types.js';

/** Options of {@link createSqliteUserIndex}. Give the store's `database` or its `path`. */
export interface SqliteUserIndexOptions extends SqlUserIndexOptions {
  /** The database file the store uses (a second connection is opened on it). Not `:memory:`. */
  path?: string;
  /** The store's open better-sqlite3 database (then no connection is opened or closed). */
  database?: BetterSqlite3.Database;
}

/**
 * Create the SQLite user-session index.
 * @example
 * const database = new Database('./sessions.db');
 * const store = createSqliteStore({ database });
 * const sessions = createSessionManager({ secretKey, store, userSessions: { index: createSqliteUserIndex({ database }) } });
 */
export function createSqliteUserIndex(options: SqliteUserIndexOptions): UserSessionIndex {
  const [table, indexTable] = indexTables(options, 128);
  let db = options.database ?? null;
  const statements = new Map<string, BetterSqlite3.Statement>();
  const connect = (): BetterSqlite3.Database => {
    if (db !== null) return db;
    const Database = loadPeer<typeof BetterSqlite3>('better-sqlite3', 'sqlite');
    db = new Database(options.path ?? './sessions.sqlite3', { timeout: 5000 });
    return db;
  };
  const prepared = (sql: string): BetterSqlite3.Statement => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = connect().prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const guard = async <T>(operation: () => T): Promise<T> => {
    try {
      return operation();
    } catch (error) {
      throw new StoreUnavailable(`SQLite user-session index error: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  return createSqlUserIndex(
    {
      name: 'sqlite',
      maxIdentifier: 128,
      all: (sql, params) => guard(() => prepared(sql).all(...params) as Record<string, unknown>[]),
      run: (sql, params) =>
        guard(() => {
          prepared(sql).run(...params);
        }),
      date: toSqliteDatetime,
      readDate: (value) => fromSqliteDatetime(String(value)),
      async close() {
        if (db !== null && options.database === undefined) db.close();
        db = null;
        statements.clear();
      },
    },
    table,
    indexTable,
  );
}
