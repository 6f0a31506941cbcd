/** The user-sessions API on its own: options, errors, what a save costs the index, fail-closed saves. */
import { describe, expect, it } from 'vitest';
import { ConfigError, NotSupported, StoreUnavailable } from '../../src/core/errors.js';
import { createSessionManager, type SessionManager } from '../../src/core/manager.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createSignedCookieStore } from '../../src/stores/signed-cookie.js';
import type { SessionStore } from '../../src/stores/types.js';
import { createMemoryUserIndex } from '../../src/stores/user-index/memory.js';
import type { UserSessionIndex } from '../../src/stores/user-index/types.js';
import { CLIENT_KEY, recordClient } from '../../src/user-sessions/client-info.js';
import { sessionHandle } from '../../src/user-sessions/handle.js';
import { InvalidUserId } from '../../src/user-sessions/user-sessions.js';
import { SECRET } from '../helpers.js';

/** A memory index that counts the calls it gets. */
function countingIndex(): UserSessionIndex & { calls: string[] } {
  const inner = createMemoryUserIndex();
  const calls: string[] = [];
  return {
    calls,
    name: 'memory',
    link: (key, userId, now) => {
      calls.push(`link ${userId}`);
      return inner.link(key, userId, now);
    },
    unlink: (keys, userId) => {
      calls.push('unlink');
      return inner.unlink(keys, userId);
    },
    sessionsOf: (userId, now) => inner.sessionsOf(userId, now),
  };
}

async function login(sessions: SessionManager, userId: unknown, key = '_auth_user_id') {
  const session = sessions.open();
  await session.cycleKey();
  await session.set(key, userId);
  await session.save();
  return session;
}

describe('createSessionManager({ userSessions })', () => {
  it('refuses an invalid option or userKey, and a store it has no index for', async () => {
    const store = createMemoryStore();
    expect(() => createSessionManager({ secretKey: SECRET, store, userSessions: 'yes' as never })).toThrow(
      ConfigError,
    );
    expect(() => createSessionManager({ secretKey: SECRET, store, userSessions: { userKey: '' } })).toThrow(
      ConfigError,
    );
    // The index is found when the store loads (with user-sessions' code): on first use.
    const custom: SessionStore = { ...createMemoryStore(), name: 'custom' };
    await expect(
      createSessionManager({ secretKey: SECRET, store: custom, userSessions: true }).sessionsOf('1'),
    ).rejects.toThrow(/has no user-session index/);
    await expect(
      createSessionManager({ secretKey: SECRET, store: 'sqlite::memory:', userSessions: true }).sessionsOf(
        '1',
      ),
    ).rejects.toThrow(ConfigError);
  });

  it('takes a custom store whose userIndex capability it uses', async () => {
    const index = createMemoryUserIndex();
    const store: SessionStore = { ...createMemoryStore(), name: 'custom', userIndex: index };
    const sessions = createSessionManager({ secretKey: SECRET, store, userSessions: true });
    const session = await login(sessions, '5');
    expect((await sessions.sessionsOf('5', session.sessionKey)).map((s) => s.current)).toEqual([true]);
  });
});

describe('manager.sessionsOf / endSessionsOf / endSession errors', () => {
  it('are NotSupported on the signed-cookie store, with or without userSessions', async () => {
    const store = createSignedCookieStore();
    const sessions = createSessionManager({ secretKey: SECRET, store });
    await expect(sessions.sessionsOf('1')).rejects.toThrow(NotSupported);
    await expect(sessions.endSessionsOf('1')).rejects.toThrow(/cookie/);
    await expect(sessions.endSession('1', 'x')).rejects.toHaveProperty('code', 'ERR_NOT_SUPPORTED');
    expect(() => createSessionManager({ secretKey: SECRET, store, userSessions: true })).toThrow(
      NotSupported,
    );
  });

  it('are NotSupported without the userSessions option', async () => {
    const sessions = createSessionManager({ secretKey: SECRET, store: createMemoryStore() });
    await expect(sessions.sessionsOf('1')).rejects.toThrow(/userSessions/);
  });

  it('refuse a user id that cannot be indexed', async () => {
    const sessions = createSessionManager({
      secretKey: SECRET,
      store: createMemoryStore(),
      userSessions: true,
    });
    for (const bad of ['', 'x'.repeat(256), {}, null, Number.NaN]) {
      await expect(sessions.sessionsOf(bad as never)).rejects.toThrow(InvalidUserId);
    }
    await expect(sessions.sessionsOf('1')).resolves.toEqual([]);
  });
});

describe('user-session indexing on save', () => {
  it('costs the index nothing on saves that leave the user alone, one link per login', async () => {
    const index = countingIndex();
    const sessions = createSessionManager({
      secretKey: SECRET,
      store: createMemoryStore(),
      userSessions: { index },
    });
    const anonymous = sessions.open();
    await anonymous.set('cart', [1]);
    await anonymous.save();
    expect(index.calls).toEqual([]);
    const session = await login(sessions, '9');
    expect(index.calls).toEqual(['link 9']);
    index.calls.length = 0;
    for (let i = 0; i < 3; i++) {
      const again = sessions.open(session.sessionKey);
      await again.set('visits', i);
      await again.save();
    }
    expect(index.calls).toEqual([]);
  });

  it('follows a user change on the same key, with a custom userKey and numeric ids', async () => {
    const sessions = createSessionManager({
      secretKey: SECRET,
      store: createMemoryStore(),
      userSessions: { userKey: 'uid' },
    });
    const session = await login(sessions, 7, 'uid');
    expect((await sessions.sessionsOf(7)).length).toBe(1);
    await session.set('uid', 8);
    await session.save();
    expect(await sessions.sessionsOf('7')).toEqual([]);
    expect((await sessions.sessionsOf('8')).length).toBe(1);
    await session.delete('uid');
    await session.save();
    expect(await sessions.sessionsOf('8')).toEqual([]);
  });

  it('fails closed: when the index cannot record a login, the save fails and the session is deleted', async () => {
    const store = createMemoryStore();
    const index: UserSessionIndex = {
      ...createMemoryUserIndex(),
      link: async () => {
        throw new StoreUnavailable('index down');
      },
    };
    const sessions = createSessionManager({ secretKey: SECRET, store, userSessions: { index } });
    const session = sessions.open();
    await session.set('_auth_user_id', '1');
    await expect(session.save()).rejects.toThrow(StoreUnavailable);
    expect(session.sessionKey).not.toBeNull();
    expect(await store.exists(session.sessionKey!)).toBe(false);
  });

  it('unlinks a session on flush and on cycleKey', async () => {
    const sessions = createSessionManager({
      secretKey: SECRET,
      store: createMemoryStore(),
      userSessions: true,
    });
    const session = await login(sessions, '3');
    const first = session.sessionKey;
    await session.cycleKey();
    const listed = await sessions.sessionsOf('3', session.sessionKey);
    expect(listed.map((s) => s.current)).toEqual([true]);
    expect(listed[0]!.handle).not.toBe(sessionHandle(SECRET, first!));
    await session.flush();
    expect(await sessions.sessionsOf('3')).toEqual([]);
  });
});

describe('sessionHandle', () => {
  it('is 22 URL-safe characters, not the key, stable, and different under another secret', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz012345';
    const handle = sessionHandle(SECRET, key);
    expect(handle).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(key).not.toContain(handle);
    expect(sessionHandle(SECRET, key)).toBe(handle);
    expect(sessionHandle(`${SECRET}x`, key)).not.toBe(handle);
  });
});

describe('recordClient', () => {
  it('stores the user agent and IP, and leaves the session unmodified when they did not change', async () => {
    const sessions = createSessionManager({ secretKey: SECRET, store: createMemoryStore() });
    const session = sessions.open();
    await recordClient(session, { userAgent: 'UA', ip: '::1' });
    expect(await session.get(CLIENT_KEY)).toEqual({ userAgent: 'UA', ip: '::1' });
    await session.save();
    const again = sessions.open(session.sessionKey);
    await recordClient(again, { userAgent: 'UA', ip: '::1' });
    expect(again.modified).toBe(false);
    await recordClient(again, { userAgent: 'x'.repeat(600), ip: undefined });
    expect(await again.get(CLIENT_KEY)).toEqual({ userAgent: 'x'.repeat(512), ip: null });
  });
});
