/**
 * The user-session index for the MySQL / MariaDB store: the side table `<table>_user` in the same
 * database. Dates travel as UTC text, as the store writes them.
 * @module
 */
import type { Pool } from 'mysql2/promise';
import { loadPeer, toSqliteDatetime } from '../_shared.js';
import { toUtcDate } from '../sql-common.js';
import { createPooledSqlUserIndex, type PooledSqlUserIndexOptions } from './sql.js';
import type { UserSessionIndex } from './types.js';

/** Options of {@link createMysqlUserIndex}: the store's `mysql2/promise` pool or its `url`. */
export type MysqlUserIndexOptions = PooledSqlUserIndexOptions<Pool>;

/**
 * Create the MySQL / MariaDB user-session index.
 * @example
 * const pool = mysql.createPool(process.env.DATABASE_URL);
 * const sessions = createSessionManager({
 *   secretKey, store: createMysqlStore({ pool }), userSessions: { index: createMysqlUserIndex({ pool }) },
 * });
 */
export function createMysqlUserIndex(options: MysqlUserIndexOptions): UserSessionIndex {
  return createPooledSqlUserIndex(options, {
    name: 'mysql',
    schemes: ['mysql', 'mariadb'],
    example: 'mysql://user@host:3306/db',
    maxIdentifier: 64,
    open(url, timeoutMs) {
      const mysql = loadPeer<typeof import('mysql2/promise')>('mysql2/promise', 'mysql');
      return mysql.createPool({
        host: url.hostname.replace(/^\[|\]$/g, '') || undefined,
        port: url.port ? Number(url.port) : 3306,
        user: decodeURIComponent(url.username) || undefined,
        password: decodeURIComponent(url.password) || undefined,
        database: decodeURIComponent(url.pathname.replace(/^\//, '')),
        socketPath: url.searchParams.get('socketPath') ?? undefined,
        connectionLimit: 2,
        connectTimeout: timeoutMs,
        timezone: 'Z',
        charset: 'utf8mb4',
      });
    },
    query: async (pool, sql, params) => (await pool.query({ sql, values: params, dateStrings: true }))[0],
    end: (pool) => pool.end(),
    date: toSqliteDatetime,
    readDate: toUtcDate,
  });
}
