/** sessionkit/django's login helpers on their own (no Django process); the interop suites cover real Django. */
import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/core/manager.js';
import {
  authenticateDjangoSession,
  checkDjangoSessionAuthHash,
  DJANGO_MODEL_BACKEND,
  djangoSessionAuthHash,
  getDjangoUser,
  loginDjangoUser,
  verifyDjangoSessionAuthHash,
} from '../../src/django/index.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { SECRET } from '../helpers.js';
import { OLD_SECRET } from './harness.js';

const PASSWORD = 'pbkdf2_sha256$260000$salt$hash=';
/** Django 3.2.25: salted_hmac(<get_session_auth_hash salt>, PASSWORD, SECRET, algorithm='sha256').hexdigest() */
const DJANGO_HASH = 'b09b02e79cf2b4b4d54fd0004130f231c698b0b9de3a01edf299611a06af20de';
/** Django 3.2.25: the same for password 'md5$Ünï$c0de' and OLD_SECRET (non-ASCII is UTF-8, as force_bytes). */
const DJANGO_HASH_NON_ASCII = '16653c125b2ec8f64c8433a91bb8cd334c0679bbb133f42f03328e6fe227210b';

function manager(secretKeyFallbacks: string[] = []) {
  return createSessionManager({ secretKey: SECRET, secretKeyFallbacks, store: createMemoryStore() });
}

async function loggedIn(data: Record<string, unknown>, fallbacks: string[] = []) {
  const sessions = manager(fallbacks);
  const session = sessions.open();
  await session.update(data);
  await session.save();
  return sessions.open(session.sessionKey);
}

const LOGIN = { _auth_user_id: '7', _auth_user_backend: DJANGO_MODEL_BACKEND, _auth_user_hash: DJANGO_HASH };

describe('djangoSessionAuthHash', () => {
  it("equals Django's get_session_auth_hash()", () => {
    expect(djangoSessionAuthHash(PASSWORD, SECRET)).toBe(DJANGO_HASH);
    expect(djangoSessionAuthHash('md5$Ünï$c0de', OLD_SECRET)).toBe(DJANGO_HASH_NON_ASCII);
  });
});

describe('checkDjangoSessionAuthHash / verifyDjangoSessionAuthHash', () => {
  it('tells a current-key match from a fallback-key match and refuses everything else', () => {
    const old = djangoSessionAuthHash(PASSWORD, OLD_SECRET);
    expect(checkDjangoSessionAuthHash(DJANGO_HASH, PASSWORD, SECRET, [OLD_SECRET])).toBe('current');
    expect(checkDjangoSessionAuthHash(old, PASSWORD, SECRET, [OLD_SECRET])).toBe('fallback');
    expect(checkDjangoSessionAuthHash(old, PASSWORD, SECRET)).toBeNull();
    expect(checkDjangoSessionAuthHash(DJANGO_HASH, `${PASSWORD}x`, SECRET)).toBeNull();
    expect(checkDjangoSessionAuthHash('', PASSWORD, SECRET)).toBeNull();
    expect(checkDjangoSessionAuthHash(undefined, PASSWORD, SECRET)).toBeNull();
  });

  it('accepts a hash string or a DjangoUser', () => {
    expect(verifyDjangoSessionAuthHash(DJANGO_HASH, PASSWORD, SECRET)).toBe(true);
    expect(verifyDjangoSessionAuthHash({ hash: DJANGO_HASH }, PASSWORD, SECRET)).toBe(true);
    expect(verifyDjangoSessionAuthHash(null, PASSWORD, SECRET)).toBe(false);
  });
});

describe('getDjangoUser', () => {
  it('reads the login from a session or from plain data', async () => {
    const expected = { userId: '7', backend: DJANGO_MODEL_BACKEND, hash: DJANGO_HASH };
    expect(await getDjangoUser(LOGIN)).toEqual(expected);
    expect(await getDjangoUser(await loggedIn(LOGIN))).toEqual(expected);
  });

  it('returns null without a user id or backend, or for a backend not in the list', async () => {
    expect(await getDjangoUser({})).toBeNull();
    expect(await getDjangoUser({ _auth_user_id: '7' })).toBeNull();
    expect(await getDjangoUser({ ...LOGIN, _auth_user_id: '' })).toBeNull();
    expect(await getDjangoUser(LOGIN, { backends: ['myapp.backends.Other'] })).toBeNull();
  });

  it('turns a numeric user id (older Django) into text and a missing hash into an empty string', async () => {
    const { _auth_user_hash: _, ...noHash } = LOGIN;
    expect(await getDjangoUser({ ...noHash, _auth_user_id: 7 })).toEqual({
      userId: '7',
      backend: DJANGO_MODEL_BACKEND,
      hash: '',
    });
  });
});

describe('authenticateDjangoSession', () => {
  it('returns the user while the hash matches the password, leaving the session alone', async () => {
    const session = await loggedIn(LOGIN);
    const key = session.sessionKey;
    expect(await authenticateDjangoSession(session, { getPasswordHash: () => PASSWORD })).toMatchObject({
      userId: '7',
    });
    expect([session.sessionKey, session.modified]).toEqual([key, false]);
  });

  it('flushes the session when the password changed or the hash is missing', async () => {
    for (const login of [LOGIN, { ...LOGIN, _auth_user_hash: '' }]) {
      const session = await loggedIn(login);
      const key = session.sessionKey!;
      const getPasswordHash = () => `${PASSWORD}-changed`;
      expect(await authenticateDjangoSession(session, { getPasswordHash })).toBeNull();
      expect(session.sessionKey).toBeNull();
      expect(await session.exists(key)).toBe(false);
    }
  });

  it('returns null without flushing for an unknown user or a backend not in the list', async () => {
    const session = await loggedIn(LOGIN);
    expect(await authenticateDjangoSession(session, { getPasswordHash: async () => null })).toBeNull();
    const other = { getPasswordHash: () => PASSWORD, backends: ['myapp.backends.Other'] };
    expect(await authenticateDjangoSession(session, other)).toBeNull();
    expect(await session.get('_auth_user_id')).toBe('7');
  });

  it('accepts a hash made with a fallback key, then moves the session to a new key and re-hashes it', async () => {
    const session = await loggedIn(
      { ...LOGIN, _auth_user_hash: djangoSessionAuthHash(PASSWORD, OLD_SECRET) },
      [OLD_SECRET],
    );
    const oldKey = session.sessionKey!;
    const user = await authenticateDjangoSession(session, { getPasswordHash: () => PASSWORD });
    expect(user?.hash).toBe(DJANGO_HASH);
    expect(await session.get('_auth_user_hash')).toBe(DJANGO_HASH);
    expect(session.sessionKey).not.toBe(oldKey);
    expect(await session.exists(oldKey)).toBe(false);
  });
});

describe('loginDjangoUser', () => {
  it('moves an anonymous session to a new key and keeps its data', async () => {
    const session = await loggedIn({ cart: [1] });
    const anonymousKey = session.sessionKey;
    await loginDjangoUser(session, { userId: 7, passwordHash: PASSWORD });
    expect(session.sessionKey).not.toBe(anonymousKey);
    expect(await session.toObject()).toEqual({ cart: [1], ...LOGIN });
  });

  it("flushes another user's session first", async () => {
    const session = await loggedIn({ ...LOGIN, _auth_user_id: '8', secret: 'of user 8' });
    await loginDjangoUser(session, { userId: '7', passwordHash: PASSWORD, backend: 'myapp.Backend' });
    expect(await session.toObject()).toEqual({ ...LOGIN, _auth_user_backend: 'myapp.Backend' });
  });

  it('keeps the key and data when the same user logs in again with the same password', async () => {
    const session = await loggedIn({ ...LOGIN, theme: 'dark' });
    const key = session.sessionKey;
    await loginDjangoUser(session, { userId: '7', passwordHash: PASSWORD });
    expect(session.sessionKey).toBe(key);
    expect(await session.get('theme')).toBe('dark');
  });
});
