import pg from 'pg';
import { createPostgresStore } from '../../src/stores/postgres.js';
import { djangoProblem, mustSkip, pythonModuleProblem } from './harness.js';
import { describeDjangoDatabase } from './shared-db.js';

const SERVER = process.env.SESSIONKIT_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** A database of its own: Django's table name is fixed, so it cannot share `test` with the store tests. */
const DATABASE = 'sessionkit_django';

async function postgresProblem(): Promise<string | null> {
  const client = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return null;
  } catch (error) {
    return `no PostgreSQL server answers at ${SERVER} (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

const skip = mustSkip(
  'Django interop tests on PostgreSQL',
  (await djangoProblem()) ??
    (await pythonModuleProblem('psycopg2', 'python3-psycopg2')) ??
    (await postgresProblem()),
);

describeDjangoDatabase({
  name: 'PostgreSQL',
  skip,
  async setup() {
    const admin = new pg.Client({ connectionString: SERVER });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${DATABASE}`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // duplicate_database: created by an earlier run
    });
    await admin.end();
    const server = new URL(SERVER);
    const url = new URL(SERVER);
    url.pathname = `/${DATABASE}`;
    const reader = new pg.Pool({ connectionString: url.href, max: 1 });
    return {
      db: {
        engine: 'postgresql',
        name: DATABASE,
        host: server.hostname,
        port: Number(server.port || 5432),
        user: decodeURIComponent(server.username),
      },
      // Through the store URL (resolveStore's postgres:// scheme), as an application would configure it.
      createStore: () => createPostgresStore({ url: url.href }),
      async passwordHash(userId) {
        const { rows } = await reader.query<{ password: string }>(
          'SELECT password FROM auth_user WHERE id = $1 AND is_active',
          [userId],
        );
        return rows[0]?.password ?? null;
      },
      close: () => reader.end(),
    };
  },
});
