import pg from 'pg';
import { createPostgresStore } from '../../src/stores/postgres.js';
import { createPostgresUserIndex } from '../../src/stores/user-index/postgres.js';
import { skipWithout } from '../services/probe.js';
import { describeUserSessions } from './scenario.js';

const URL = process.env.SESSIONKIT_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TABLE = 'us_session_pg';

async function problem(): Promise<string | null> {
  const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query(`DROP TABLE IF EXISTS ${TABLE}_user, ${TABLE}_url_user`);
    return null;
  } catch (error) {
    return `no PostgreSQL server at ${URL} (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

const skip = skipWithout('user-sessions tests on PostgreSQL', await problem());

describeUserSessions({
  name: 'postgres (store URL)',
  skip,
  setup: () => ({
    options: () => ({ store: `${URL}?table=${TABLE}_url&createTable=true`, userSessions: true }),
  }),
});

describeUserSessions({
  name: 'postgres (shared pool)',
  skip,
  setup() {
    const pool = new pg.Pool({ connectionString: URL, max: 4 });
    return {
      options: () => ({
        store: createPostgresStore({ pool, table: TABLE, createTable: true }),
        userSessions: { index: createPostgresUserIndex({ pool, table: TABLE }) },
      }),
      cleanup: () => pool.end(),
    };
  },
});
