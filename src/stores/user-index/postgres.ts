/**
 * The user-session index for the PostgreSQL store: the side table `<table>_user` in the same database.
 * @module
 */
import type { Pool } from 'pg';
import { loadPeer } from '../_shared.js';
import { toUtcDate } from '../sql-common.js';
import { createPooledSqlUserIndex, type PooledSqlUserIndexOptions } from './sql.js';
import type { UserSessionIndex } from './types.js';

/** Options of {@link createPostgresUserIndex}: the store's `pg.Pool` or its `url`. */
export type PostgresUserIndexOptions = PooledSqlUserIndexOptions<Pool>;

/**
 * Create the PostgreSQL user-session index.
 * @example
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const sessions = createSessionManager({
 *   secretKey, store: createPostgresStore({ pool }), userSessions: { index: createPostgresUserIndex({ pool }) },
 * });
 */
export function createPostgresUserIndex(options: PostgresUserIndexOptions): UserSessionIndex {
  return createPooledSqlUserIndex(options, {
    name: 'postgres',
    schemes: ['postgres', 'postgresql'],
    example: 'postgres://user@host:5432/db',
    maxIdentifier: 63,
    open(url, timeoutMs) {
      const pg = loadPeer<typeof import('pg')>('pg', 'postgres');
      const pool = new pg.Pool({ connectionString: url.href, max: 2, connectionTimeoutMillis: timeoutMs });
      // Without a listener, an idle connection dropped by the server would crash the process.
      pool.on('error', () => {});
      return pool;
    },
    query: async (pool, sql, params) => (await pool.query(sql, params)).rows,
    end: (pool) => pool.end(),
    date: (value) => value.toISOString(),
    readDate: toUtcDate,
  });
}
