/**
 * A PostgreSQL or MariaDB store on its own table, for the per-store suites (concurrency, touch): skipped
 * locally when the server is down (failed in CI), the table dropped when the suite is done.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createMysqlStore } from '../../src/stores/mysql.js';
import { createPostgresStore } from '../../src/stores/postgres.js';
import type { SessionStore } from '../../src/stores/types.js';
import { listens, skipWithout } from './probe.js';

const POSTGRES_URL = process.env.SESSIONKIT_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.SESSIONKIT_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** Store options a suite may set: a longer timeout for a loaded machine (the soak). */
export interface TestStoreOptions {
  timeoutMs?: number;
}

/** What a per-store suite needs: whether to skip, and how to make and remove its store. */
export interface SqlTestStore {
  skip: boolean;
  createStore(): Promise<SessionStore>;
  destroyStore(store: SessionStore): Promise<void>;
}

/** A PostgreSQL store on `table`; `what` names the suite in the skip message. */
export async function postgresTestStore(
  table: string,
  what: string,
  options: TestStoreOptions = {},
): Promise<SqlTestStore> {
  return {
    skip: skipWithout(what, (await listens(5432)) ? null : 'nothing listens on 127.0.0.1:5432'),
    async createStore() {
      const store = createPostgresStore({ url: POSTGRES_URL, table, ...options });
      await store.createTable?.();
      return store;
    },
    async destroyStore(store) {
      await store.close?.();
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`DROP TABLE IF EXISTS "${table}"`);
      await admin.end();
    },
  };
}

/** A MariaDB/MySQL store on `table`; `what` names the suite in the skip message. */
export async function mysqlTestStore(
  table: string,
  what: string,
  options: TestStoreOptions = {},
): Promise<SqlTestStore> {
  return {
    skip: skipWithout(what, (await listens(3306)) ? null : 'nothing listens on 127.0.0.1:3306'),
    async createStore() {
      const store = createMysqlStore({ url: MYSQL_URL, table, ...options });
      await store.createTable?.();
      return store;
    },
    async destroyStore(store) {
      await store.close?.();
      const admin = await mysql.createConnection({ uri: MYSQL_URL });
      await admin.query(`DROP TABLE IF EXISTS \`${table}\``);
      await admin.end();
    },
  };
}
