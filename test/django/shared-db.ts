/**
 * The shared-database interop suite: Django's `db` backend and a sessionkit SQL store on one
 * `django_session` table (created by Django's own `migrate`), in both directions. Each database's test
 * file calls {@link describeDjangoDatabase} once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, type SessionManager } from '../../src/core/manager.js';
import {
  authenticateDjangoSession,
  djangoSessionAuthHash,
  getDjangoUser,
  loginDjangoUser,
  verifyDjangoSessionAuthHash,
} from '../../src/django/index.js';
import type { SessionStore } from '../../src/stores/types.js';
import {
  createClock,
  createRecordingLogger,
  type RecordingLogger,
  SECRET,
  type TestClock,
} from '../helpers.js';
import {
  type DjangoDatabase,
  type DjangoEnv,
  django,
  largeData,
  RICH_DATA,
  wholeSecondNow,
} from './harness.js';

/** What a database's test file provides. */
export interface DjangoDatabaseSetup {
  /** Django's database settings. */
  db: DjangoDatabase;
  /** The sessionkit store on the same database (opened after Django's migrate). */
  createStore(): SessionStore | Promise<SessionStore>;
  /** `auth_user.password` of a user, read by the Node side. */
  passwordHash(userId: string): Promise<string | null>;
  /** Release connections. */
  close(): Promise<void>;
}

/** Options of {@link describeDjangoDatabase}. */
export interface DjangoDatabaseOptions {
  /** Database name for the describe titles, e.g. `SQLite`. */
  name: string;
  skip: boolean;
  /** Prepare the database (e.g. create it); called once before Django migrates. */
  setup(): Promise<DjangoDatabaseSetup>;
}

const ISO_2030 = '2030-01-01T00:00:00+00:00';
const ISO_2031 = '2031-06-15T12:30:00+00:00';
const COOKIE_AGE_MS = 1_209_600_000;
let userCounter = 0;

/** The interop suite for one database. */
export function describeDjangoDatabase(options: DjangoDatabaseOptions): void {
  let setup: DjangoDatabaseSetup;
  let store: SessionStore;
  let env: DjangoEnv;
  let clock: TestClock;
  let logger: RecordingLogger;
  let sessions: SessionManager;

  beforeAll(async () => {
    if (options.skip) return;
    setup = await options.setup();
    env = { secretKey: SECRET, db: setup.db };
    await django(env, [{ op: 'migrate' }]);
    store = await setup.createStore();
  });
  afterAll(async () => {
    if (options.skip) return;
    await store?.close?.();
    await setup?.close();
  });

  /** A fresh manager on the shared store, its clock at a whole second near now. */
  function manager(now = wholeSecondNow()): SessionManager {
    clock = createClock(now);
    logger = createRecordingLogger();
    sessions = createSessionManager({ secretKey: SECRET, store, now: clock.now, logger });
    return sessions;
  }

  async function savedSession(data: Record<string, unknown>, expiry?: number | Date): Promise<string> {
    const session = sessions.open();
    await session.update(data);
    if (expiry !== undefined) await session.setExpiry(expiry);
    await session.save();
    return session.sessionKey!;
  }

  async function newUser(): Promise<{ username: string; id: string; password: string }> {
    const username = `u${process.pid}x${Date.now()}x${userCounter++}`;
    const [user] = await django(env, [{ op: 'create-user', username, password: 'first-pw' }]);
    return { username, id: user.id!, password: user.password! };
  }

  describe.skipIf(options.skip)(`Django db backend on ${options.name}: sessions saved by sessionkit`, () => {
    it('gives Django the same non-ASCII and nested data, and the same expire_date', async () => {
      const start = wholeSecondNow();
      manager(start);
      const key = await savedSession(RICH_DATA);
      const [loaded, row] = await django(env, [
        { op: 'load', key, expiry_info: true },
        { op: 'row', key },
      ]);
      expect(loaded.key).toBe(key);
      expect(loaded.data).toEqual(RICH_DATA);
      expect(loaded.expiry_age).toBe(1_209_600);
      expect(row.expire_ms).toBe(start + COOKIE_AGE_MS);
    });

    it('gives Django a large payload that sessionkit stored compressed', async () => {
      manager();
      const data = largeData('from sessionkit');
      const key = await savedSession(data);
      const [loaded, row] = await django(env, [
        { op: 'load', key },
        { op: 'row', key },
      ]);
      expect(row.session_data?.startsWith('.')).toBe(true);
      expect(loaded.data).toEqual(data);
    });

    it('stores an integer expiry that Django reads back with the same expire_date', async () => {
      const start = wholeSecondNow();
      manager(start);
      const key = await savedSession({ remember: false }, 3600);
      const [loaded, row] = await django(env, [
        { op: 'load', key, expiry_info: true, now: start / 1000 },
        { op: 'row', key },
      ]);
      expect(loaded.data).toEqual({ remember: false, _session_expiry: 3600 });
      expect(loaded.expiry_age).toBe(3600);
      expect(loaded.expiry_ms).toBe(start + 3_600_000);
      expect(row.expire_ms).toBe(start + 3_600_000);
    });

    it('stores a datetime expiry as the ISO string Django ≥ 5.1 writes, with the same expire_date', async () => {
      manager();
      const key = await savedSession({ a: 1 }, new Date(ISO_2030));
      const [native, as51, row] = await django(env, [
        { op: 'load', key },
        { op: 'load', key, django51: true, expiry_info: true },
        { op: 'row', key },
      ]);
      expect(native.data).toEqual({ a: 1, _session_expiry: ISO_2030 });
      expect(as51.expiry_ms).toBe(Date.parse(ISO_2030));
      expect(as51.browser_close).toBe(false);
      expect(row.expire_ms).toBe(Date.parse(ISO_2030));
    });

    it('sees the changes Django saves to a sessionkit session', async () => {
      manager();
      const key = await savedSession({ ...RICH_DATA, keep: 'me' });
      const [changed] = await django(env, [
        { op: 'modify', key, set: { fromDjango: 'ñandú', list: [1, { x: null }] }, delete: ['greeting'] },
      ]);
      expect(changed.key).toBe(key);
      const { greeting: _, ...rest } = RICH_DATA;
      expect(await manager().open(key).toObject()).toEqual({
        ...rest,
        keep: 'me',
        fromDjango: 'ñandú',
        list: [1, { x: null }],
      });
    });
  });

  describe.skipIf(options.skip)(`Django db backend on ${options.name}: sessions saved by Django`, () => {
    it("loads Django's data identically and saves changes that Django then sees", async () => {
      const [created] = await django(env, [{ op: 'create', data: RICH_DATA }]);
      const key = created.key!;
      const session = manager().open(key);
      expect(await session.toObject()).toEqual(RICH_DATA);
      await session.set('counter', 1);
      await session.delete('greeting');
      await session.set('nested', { ...RICH_DATA.nested, added: 'ü' });
      await session.save();
      expect(session.sessionKey).toBe(key);
      const [loaded] = await django(env, [{ op: 'load', key }]);
      const { greeting: _, ...rest } = RICH_DATA;
      expect(loaded.data).toEqual({ ...rest, nested: { ...RICH_DATA.nested, added: 'ü' }, counter: 1 });
    });

    it('reads and rewrites a large payload Django stored compressed', async () => {
      const data = largeData('from Django');
      const [created] = await django(env, [{ op: 'create', data }]);
      const key = created.key!;
      const session = manager().open(key);
      expect(await session.toObject()).toEqual(data);
      await session.set('tag', 'rewritten by sessionkit');
      await session.save();
      const [loaded, row] = await django(env, [
        { op: 'load', key },
        { op: 'row', key },
      ]);
      expect(row.session_data?.startsWith('.')).toBe(true);
      expect(loaded.data).toEqual({ ...data, tag: 'rewritten by sessionkit' });
    });

    it("keeps Django's integer expiry and moves expire_date with the modification time, as Django does", async () => {
      const created = wholeSecondNow(-120);
      const [made] = await django(env, [{ op: 'create', data: { n: 1 }, expiry: 3600, now: created / 1000 }]);
      const key = made.key!;
      const modified = created + 120_000;
      const session = manager(modified).open(key);
      expect(await session.getExpiryAge()).toBe(3600);
      expect((await session.getExpiryDate()).getTime()).toBe(modified + 3_600_000);
      await session.set('n', 2);
      await session.save();
      const [loaded, row] = await django(env, [
        { op: 'load', key, expiry_info: true, now: modified / 1000 },
        { op: 'row', key },
      ]);
      expect(loaded.data).toEqual({ n: 2, _session_expiry: 3600 });
      expect(row.expire_ms).toBe(modified + 3_600_000);
      expect(loaded.expiry_ms).toBe(row.expire_ms);
    });

    it('reads an ISO _session_expiry written the way Django ≥ 5.1 writes it, and keeps the expire_date', async () => {
      const [made] = await django(env, [
        { op: 'create', data: { n: 1 }, expiry: { datetime: ISO_2031 }, django51: true },
      ]);
      const key = made.key!;
      const session = manager().open(key);
      expect(await session.get('_session_expiry')).toBe(ISO_2031);
      expect((await session.getExpiryDate()).getTime()).toBe(Date.parse(ISO_2031));
      expect(await session.getExpireAtBrowserClose()).toBe(false);
      await session.set('n', 2);
      await session.save();
      const [loaded, row] = await django(env, [
        { op: 'load', key, django51: true, expiry_info: true },
        { op: 'row', key },
      ]);
      expect(loaded.data).toEqual({ n: 2, _session_expiry: ISO_2031 });
      expect(row.expire_ms).toBe(Date.parse(ISO_2031));
      expect(loaded.expiry_ms).toBe(Date.parse(ISO_2031));
    });

    it('refuses the pre-3.1 legacy format like Django ≥ 4, although Django 3.2 still reads it', async () => {
      const key = `legacy${Date.now()}${userCounter++}`;
      const [legacy] = await django(env, [{ op: 'legacy-encode', data: { legacy: true } }]);
      const [, djangoView] = await django(env, [
        { op: 'insert-row', key, session_data: legacy.value, expire_ms: wholeSecondNow(3600) },
        { op: 'load', key },
      ]);
      expect(djangoView.data).toEqual({ legacy: true });
      const session = manager().open(key);
      expect(await session.toObject()).toEqual({});
      expect(session.sessionKey).toBe(key);
      expect(logger.records).toContainEqual(expect.objectContaining({ message: 'Session data corrupted' }));
    });

    it('drops the key of a session Django stored already expired, without creating a row', async () => {
      const [made] = await django(env, [{ op: 'create', data: { old: true }, expiry: -60 }]);
      const session = manager().open(made.key!);
      expect(await session.get('old')).toBeUndefined();
      expect(session.sessionKey).toBeNull();
      const [row] = await django(env, [{ op: 'row', key: made.key }]);
      expect(row.exists).toBe(true);
    });
  });

  describe.skipIf(options.skip)(`clearsessions on ${options.name}`, () => {
    it("Django's clearsessions deletes sessionkit's expired rows and keeps live ones", async () => {
      manager();
      const expired = await savedSession({ who: 'sessionkit' }, -60);
      const live = await savedSession({ who: 'sessionkit' });
      const [djExpired, djLive, , ...rows] = await django(env, [
        { op: 'create', data: { who: 'django' }, expiry: -60 },
        { op: 'create', data: { who: 'django' } },
        { op: 'clearsessions' },
        { op: 'row', key: expired },
        { op: 'row', key: live },
      ]);
      expect(rows.map((row) => row.exists)).toEqual([false, true]);
      expect(await store.exists(djExpired.key!)).toBe(false);
      expect(await store.exists(djLive.key!)).toBe(true);
    });

    it("sessionkit's clearExpired deletes Django's expired rows and keeps live ones", async () => {
      const [djExpired, djLive] = await django(env, [
        { op: 'create', data: { who: 'django' }, expiry: -60 },
        { op: 'create', data: { who: 'django' } },
      ]);
      manager();
      const expired = await savedSession({ who: 'sessionkit' }, -60);
      const live = await savedSession({ who: 'sessionkit' });
      expect(await sessions.clearExpired()).toBeGreaterThanOrEqual(2);
      expect([await store.exists(expired), await store.exists(live)]).toEqual([false, true]);
      const rows = await django(env, [
        { op: 'row', key: djExpired.key },
        { op: 'row', key: djLive.key },
      ]);
      expect(rows.map((row) => row.exists)).toEqual([false, true]);
    });
  });

  describe.skipIf(options.skip)(`Django logins on ${options.name} (sessionkit/django)`, () => {
    it('reads the user id, backend and hash that auth.login() stored, and the hash verifies', async () => {
      const user = await newUser();
      const [login] = await django(env, [{ op: 'login', username: user.username, password: 'first-pw' }]);
      const session = manager().open(login.key);
      const passwordHash = await setup.passwordHash(user.id);
      expect(passwordHash).toBe(user.password);
      const found = await getDjangoUser(session);
      expect(found).toEqual({
        userId: user.id,
        backend: 'django.contrib.auth.backends.ModelBackend',
        hash: djangoSessionAuthHash(user.password, SECRET),
      });
      expect(verifyDjangoSessionAuthHash(found, passwordHash!, SECRET)).toBe(true);
      const getPasswordHash = (id: string) => setup.passwordHash(id);
      expect(await authenticateDjangoSession(session, { getPasswordHash })).toEqual(found);
    });

    it('stops honouring the login after a password change and flushes the session, as Django does', async () => {
      const user = await newUser();
      const [first, second, changed] = await django(env, [
        { op: 'login', username: user.username, password: 'first-pw' },
        { op: 'login', username: user.username, password: 'first-pw' },
        { op: 'set-password', username: user.username, password: 'second-pw' },
      ]);
      const session = manager().open(first.key);
      const passwordHash = await setup.passwordHash(user.id);
      expect(passwordHash).toBe(changed.password);
      expect(verifyDjangoSessionAuthHash(await getDjangoUser(session), passwordHash!, SECRET)).toBe(false);
      const getPasswordHash = (id: string) => setup.passwordHash(id);
      expect(await authenticateDjangoSession(session, { getPasswordHash })).toBeNull();
      expect(session.sessionKey).toBeNull();
      expect(await store.exists(first.key!)).toBe(false);
      const [djangoView] = await django(env, [{ op: 'get-user', key: second.key }]);
      expect(djangoView).toEqual({ user_id: null, key: null });
    });

    it("logs a user in with loginDjangoUser and Django's get_user accepts it", async () => {
      const user = await newUser();
      manager();
      const anonymousKey = await savedSession({ cart: ['book'] });
      const session = sessions.open(anonymousKey);
      await loginDjangoUser(session, { userId: user.id, passwordHash: user.password });
      await session.save();
      expect(session.sessionKey).not.toBe(anonymousKey);
      expect(await store.exists(anonymousKey)).toBe(false);
      const [djangoView, loaded] = await django(env, [
        { op: 'get-user', key: session.sessionKey },
        { op: 'load', key: session.sessionKey },
      ]);
      expect(djangoView).toEqual({ user_id: user.id, key: session.sessionKey });
      expect(loaded.data).toMatchObject({ cart: ['book'], _auth_user_id: user.id });
    });
  });
}
