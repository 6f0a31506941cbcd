/**
 * Key rotation: data signed with a key that is now in the fallbacks is read by both sides and re-signed
 * with the current key on the next save. Django 3.2 has no SECRET_KEY_FALLBACKS (added in 4.1): where
 * Django itself must verify with a fallback key, fixtures/emulation.py grafts 4.1's verification loop onto
 * 3.2's backends (used only when Django < 4.1). Everything else is Django 3.2's own code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/core/manager.js';
import { authenticateDjangoSession, djangoSessionAuthHash } from '../../src/django/index.js';
import { createSignedCookieStore } from '../../src/stores/signed-cookie.js';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import type { SessionStore } from '../../src/stores/types.js';
import { createRecordingLogger, SECRET } from '../helpers.js';
import { type DjangoEnv, django, djangoProblem, mustSkip, OLD_SECRET } from './harness.js';

const skip = mustSkip('Django key-rotation interop tests', await djangoProblem());

const directory = mkdtempSync(join(tmpdir(), 'sessionkit-django-rotation-'));
const db = { engine: 'sqlite3', name: join(directory, 'rotation.sqlite3') } as const;
/** Django before the rotation, after it (3.2's own code), and after it with the old key as a fallback. */
const oldDjango: DjangoEnv = { secretKey: OLD_SECRET, db };
const newDjango: DjangoEnv = { secretKey: SECRET, db };
const rotatedDjango: DjangoEnv = { secretKey: SECRET, fallbacks: [OLD_SECRET], db };

let store: SessionStore;
beforeAll(async () => {
  if (skip) return;
  await django(newDjango, [{ op: 'migrate' }]);
  store = createSqliteStore({ path: db.name, createTable: false });
});
afterAll(async () => {
  await store?.close?.();
  rmSync(directory, { recursive: true, force: true });
});

function manager(secretKey: string, secretKeyFallbacks: string[] = [], cookies = false) {
  const logger = createRecordingLogger();
  const sessions = createSessionManager({
    secretKey,
    secretKeyFallbacks,
    logger,
    store: cookies ? createSignedCookieStore() : store,
  });
  return Object.assign(sessions, { logger });
}

describe.skipIf(skip)('SECRET_KEY rotation shared with Django (secretKeyFallbacks)', () => {
  it('sessionkit reads a session Django signed with the old key and re-signs it with the new key on save', async () => {
    const [made, before] = await django(oldDjango, [
      { op: 'create', data: { v: 1 } },
      { op: 'load', key: '$0' },
    ]);
    expect(before.data).toEqual({ v: 1 });
    const session = manager(SECRET, [OLD_SECRET]).open(made.key);
    expect(await session.get('v')).toBe(1);
    await session.set('v', 2);
    await session.save();
    const [withNew] = await django(newDjango, [{ op: 'load', key: made.key }]);
    expect(withNew.data).toEqual({ v: 2 });
    const [oldView] = await django(oldDjango, [{ op: 'load', key: made.key }]);
    expect(oldView).toMatchObject({ data: {}, warnings: ['Session data corrupted'] });
  });

  it('Django with the old key in SECRET_KEY_FALLBACKS reads a session sessionkit signed with it and re-signs it', async () => {
    const old = manager(OLD_SECRET).open();
    await old.set('v', 1);
    await old.save();
    const key = old.sessionKey!;
    const [unrotated] = await django(newDjango, [{ op: 'load', key }]);
    expect(unrotated).toMatchObject({ data: {}, warnings: ['Session data corrupted'] });
    const [changed] = await django(rotatedDjango, [{ op: 'modify', key, set: { v: 2 } }]);
    expect(changed.data).toEqual({ v: 2 });
    expect(await manager(SECRET).open(key).toObject()).toEqual({ v: 2 });
    const stale = manager(OLD_SECRET);
    expect(await stale.open(key).toObject()).toEqual({});
    expect(stale.logger.records).toContainEqual(
      expect.objectContaining({ message: 'Session data corrupted' }),
    );
  });

  it('a signed cookie made with the old key is accepted by both sides and re-signed with the new key', async () => {
    const cookieEnv = { engine: 'signed_cookies' } as const;
    const [made, ownView] = await django({ ...oldDjango, ...cookieEnv }, [
      { op: 'create', data: { cart: [1, 2] } },
      { op: 'load', key: '$0' },
    ]);
    expect(ownView.data).toEqual({ cart: [1, 2] });
    const [fromFallback] = await django({ ...rotatedDjango, ...cookieEnv }, [{ op: 'load', key: made.key }]);
    expect(fromFallback.data).toEqual({ cart: [1, 2] });
    expect(await manager(SECRET, [], true).open(made.key).toObject()).toEqual({});
    const session = manager(SECRET, [OLD_SECRET], true).open(made.key);
    await session.set('cart', [1, 2, 3]);
    await session.save();
    const [withNew] = await django({ ...newDjango, ...cookieEnv }, [{ op: 'load', key: session.sessionKey }]);
    expect(withNew).toMatchObject({ data: { cart: [1, 2, 3] }, modified: false });
  });

  it('authenticateDjangoSession accepts a login hashed with the old key and re-hashes it for the new one', async () => {
    const username = `rot${process.pid}x${Date.now()}`;
    const [user, login] = await django(oldDjango, [
      { op: 'create-user', username, password: 'pw' },
      { op: 'login', username, password: 'pw' },
    ]);
    expect(login.data?._auth_user_hash).toBe(djangoSessionAuthHash(user.password!, OLD_SECRET));
    const session = manager(SECRET, [OLD_SECRET]).open(login.key);
    const found = await authenticateDjangoSession(session, { getPasswordHash: () => user.password });
    expect(found).toEqual({
      userId: user.id,
      backend: 'django.contrib.auth.backends.ModelBackend',
      hash: djangoSessionAuthHash(user.password!, SECRET),
    });
    await session.save();
    expect(session.sessionKey).not.toBe(login.key);
    expect(await store.exists(login.key!)).toBe(false);
    // Django 3.2's own get_user, with only the new key, now accepts the session.
    const [djangoView] = await django(newDjango, [{ op: 'get-user', key: session.sessionKey }]);
    expect(djangoView.user_id).toBe(user.id);
  });
});
