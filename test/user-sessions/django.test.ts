/**
 * A real Django (test/django/harness.ts) and sessionkit on one `django_session` table: Django's
 * `auth.login()` sessions are listed and ended by sessionkit, and Django keeps working on the table next
 * to sessionkit's side table. SQLite, PostgreSQL and MariaDB, each in a database of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, type SessionManager } from '../../src/core/manager.js';
import { loginDjangoUser } from '../../src/django/login.js';
import {
  type DjangoDatabase,
  type DjangoEnv,
  django,
  djangoProblem,
  mustSkip,
  pythonModuleProblem,
} from '../django/harness.js';
import { createClock, SECRET, type TestClock } from '../helpers.js';

const DATABASE = 'sessionkit_django_users';
const PG_SERVER = process.env.SESSIONKIT_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MY_SERVER = process.env.SESSIONKIT_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

const noDjango = await djangoProblem();

async function postgresDatabase(): Promise<{ db: DjangoDatabase; url: string } | string> {
  const problem = await pythonModuleProblem('psycopg2', 'python3-psycopg2');
  if (problem) return problem;
  const admin = new pg.Client({ connectionString: PG_SERVER, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${DATABASE}`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // created by an earlier run
    });
  } catch (error) {
    return `no PostgreSQL server at ${PG_SERVER} (${(error as Error).message})`;
  } finally {
    await admin.end().catch(() => {});
  }
  const server = new URL(PG_SERVER);
  const url = new URL(PG_SERVER);
  url.pathname = `/${DATABASE}`;
  const db: DjangoDatabase = {
    engine: 'postgresql',
    name: DATABASE,
    host: server.hostname,
    port: Number(server.port || 5432),
    user: decodeURIComponent(server.username),
  };
  return { db, url: url.href };
}

async function mariadbDatabase(): Promise<{ db: DjangoDatabase; url: string } | string> {
  const problem = await pythonModuleProblem('MySQLdb', 'python3-mysqldb');
  if (problem) return problem;
  const server = new URL(MY_SERVER);
  const connection = {
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
  };
  try {
    const admin = await mysql.createConnection({ ...connection, connectTimeout: 2000 });
    await admin.query(`CREATE DATABASE IF NOT EXISTS ${DATABASE} CHARACTER SET utf8mb4`);
    await admin.end();
  } catch (error) {
    return `no MariaDB server at ${MY_SERVER} (${(error as Error).message})`;
  }
  const url = new URL(MY_SERVER);
  url.pathname = `/${DATABASE}`;
  return { db: { engine: 'mysql', name: DATABASE, ...connection }, url: url.href };
}

const directory = mkdtempSync(join(tmpdir(), 'sessionkit-django-users-'));
const sqlitePath = join(directory, 'shared.sqlite3');
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const databases: Array<[name: string, found: { db: DjangoDatabase; url: string } | string]> = [
  ['SQLite', { db: { engine: 'sqlite3', name: sqlitePath }, url: `sqlite:${sqlitePath}` }],
  ['PostgreSQL', noDjango ?? (await postgresDatabase())],
  ['MariaDB', noDjango ?? (await mariadbDatabase())],
];

let counter = 0;

for (const [name, found] of databases) {
  const skip = mustSkip(
    `user-sessions Django interop on ${name}`,
    noDjango ?? (typeof found === 'string' ? found : null),
  );
  const { db, url } = typeof found === 'string' ? { db: undefined, url: '' } : found;

  describe.skipIf(skip)(`sessionsOf / endSessionsOf with Django on ${name} (shared django_session)`, () => {
    const env: DjangoEnv = { secretKey: SECRET, db };
    let sessions: SessionManager;
    let clock: TestClock;

    beforeAll(async () => {
      await django(env, [{ op: 'migrate' }]);
      clock = createClock(Date.now());
      // The store as an application configures it: Django's migrate owns django_session.
      sessions = createSessionManager({ secretKey: SECRET, store: url, now: clock.now, userSessions: true });
    });
    afterAll(async () => sessions?.close());

    async function newUser(): Promise<{ username: string; id: string; password: string }> {
      const username = `us${process.pid}x${Date.now()}x${counter++}`;
      const [user] = await django(env, [{ op: 'create-user', username, password: 'pw' }]);
      return { username, id: user.id!, password: user.password! };
    }

    /** Django's auth.login() done by sessionkit (sessionkit/django), on an anonymous session. */
    async function nodeLogin(user: { id: string; password: string }): Promise<string> {
      const session = sessions.open();
      await session.set('visits', 1);
      await loginDjangoUser(session, { userId: user.id, passwordHash: user.password });
      await session.save();
      return session.sessionKey!;
    }

    it("lists a Django auth.login() session next to sessionkit's, and ends it: Django then sees no user", async () => {
      const user = await newUser();
      const [djangoLogin] = await django(env, [{ op: 'login', username: user.username, password: 'pw' }]);
      const nodeKey = await nodeLogin(user);
      const listed = await sessions.sessionsOf(user.id, nodeKey);
      expect(listed.length).toBe(2);
      expect(listed.filter((s) => s.current).length).toBe(1);
      expect(listed.every((s) => s.expiresAt!.getTime() > clock.now())).toBe(true);

      expect(await sessions.endSessionsOf(user.id, { except: nodeKey })).toBe(1);
      const [afterEnd, row] = await django(env, [
        { op: 'get_user', key: djangoLogin.key },
        { op: 'row', key: djangoLogin.key },
      ]);
      expect(afterEnd.user_id).toBeNull();
      expect(row.exists).toBe(false);
      expect(await sessions.open(nodeKey).get('_auth_user_id')).toBe(user.id);
      expect((await sessions.sessionsOf(user.id, nodeKey)).map((s) => s.current)).toEqual([true]);
    });

    it('lists a Django login made after an earlier listing, and not its expired ones', async () => {
      const user = await newUser();
      clock.set(Date.now());
      expect(await sessions.sessionsOf(user.id)).toEqual([]);
      await django({ ...env, cookieAge: 2 }, [{ op: 'login', username: user.username, password: 'pw' }]);
      const [lasting] = await django(env, [{ op: 'login', username: user.username, password: 'pw' }]);
      expect((await sessions.sessionsOf(user.id)).length).toBe(2);
      clock.set(Date.now() + 10_000);
      const listed = await sessions.sessionsOf(user.id);
      expect(listed.length).toBe(1);
      expect(await sessions.endSessionsOf(user.id)).toBe(1);
      expect((await django(env, [{ op: 'get_user', key: lasting.key }]))[0].user_id).toBeNull();
      clock.set(Date.now());
    });

    it("keeps Django's own session work and clearsessions going next to the side table", async () => {
      const user = await newUser();
      const nodeKey = await nodeLogin(user);
      const [seen, cleared, created] = await django(env, [
        { op: 'get_user', key: nodeKey },
        { op: 'clearsessions' },
        { op: 'create', data: { fromDjango: true } },
      ]);
      expect(seen.user_id).toBe(user.id);
      expect(cleared.error).toBeUndefined();
      expect(await sessions.open(created.key).get('fromDjango')).toBe(true);
      // A Django logout (flush) deletes the row: the session drops out of the list.
      const [djangoLogin] = await django(env, [{ op: 'login', username: user.username, password: 'pw' }]);
      expect((await sessions.sessionsOf(user.id)).length).toBe(2);
      await sessions.open(djangoLogin.key).flush();
      expect((await sessions.sessionsOf(user.id)).length).toBe(1);
    });
  });
}
