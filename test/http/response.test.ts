import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { createSessionManager } from '../../src/core/manager.js';
import type { SessionSettings } from '../../src/core/settings.js';
import { deletionCookie, type FinalizeContext, finalizeSession } from '../../src/http/response.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createSignedCookieStore } from '../../src/stores/signed-cookie.js';
import type { SessionStore } from '../../src/stores/types.js';
import { SECRET } from '../helpers.js';

const NOW = 1_700_000_000_000;
const DEFAULT_TAIL = 'expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax';
const DELETION = 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax';

function setup(settings: Partial<SessionSettings> = {}) {
  const store = createMemoryStore();
  const manager = createSessionManager({
    secretKey: SECRET,
    store,
    now: () => NOW,
    logger: silentLogger,
    ...settings,
  });
  return { store, manager };
}

const ok = (extra: Partial<FinalizeContext> = {}): FinalizeContext => ({
  requestHadCookie: false,
  status: 200,
  secureRequest: false,
  existingVary: null,
  ...extra,
});

describe('finalizeSession', () => {
  it('saves a modified session and sets the default cookie with Vary: Cookie', async () => {
    const { manager } = setup();
    const session = manager.open();
    await session.set('foo', 'bar');
    const result = await finalizeSession(session, ok());
    expect(result).toEqual({
      setCookie: [`sessionid=${session.sessionKey}; ${DEFAULT_TAIL}`],
      vary: 'Cookie',
    });
    expect(await manager.open(session.sessionKey).get('foo')).toBe('bar');
  });

  it('gives each response the expiry of its own session and second (attributes are reused only when equal)', async () => {
    let now = NOW;
    const { manager } = setup({ now: () => now });
    const cookieFor = async (expiry?: number): Promise<string> => {
      const session = manager.open();
      await session.set('n', 1);
      if (expiry !== undefined) await session.setExpiry(expiry);
      const [cookie] = (await finalizeSession(session, ok())).setCookie;
      return cookie!.slice(cookie!.indexOf(';') + 2);
    };
    expect(await cookieFor()).toBe(DEFAULT_TAIL);
    expect(await cookieFor(60)).toBe(
      'expires=Tue, 14 Nov 2023 22:14:20 GMT; HttpOnly; Max-Age=60; Path=/; SameSite=Lax',
    );
    expect(await cookieFor()).toBe(DEFAULT_TAIL);
    now += 1000;
    expect(await cookieFor()).toBe(DEFAULT_TAIL.replace('22:13:20', '22:13:21'));
    expect(await cookieFor(0)).toBe('HttpOnly; Path=/; SameSite=Lax');
    expect(await cookieFor()).toBe(DEFAULT_TAIL.replace('22:13:20', '22:13:21'));
  });

  it('changes nothing for an untouched session', async () => {
    const { manager } = setup();
    expect(await finalizeSession(manager.open(), ok())).toEqual({ setCookie: [], vary: null });
  });

  it('only adds Vary when a visitor without a cookie reads the session (spec §7 item 127)', async () => {
    const { manager } = setup();
    const session = manager.open();
    await session.get('foo');
    expect(await finalizeSession(session, ok({ existingVary: 'Accept' }))).toEqual({
      setCookie: [],
      vary: 'Accept, Cookie',
    });
  });

  it('reports Vary unchanged when it already names Cookie', async () => {
    const { manager } = setup();
    const session = manager.open();
    await session.get('foo');
    expect((await finalizeSession(session, ok({ existingVary: 'cookie' }))).vary).toBeNull();
  });

  it('deletes the cookie when the request had one and the session was flushed (item 101)', async () => {
    const { manager } = setup();
    const session = manager.open('abc');
    await session.flush();
    expect(await finalizeSession(session, ok({ requestHadCookie: true }))).toEqual({
      setCookie: [DELETION],
      vary: 'Cookie',
    });
  });

  it('sets no cookie when a visitor without a cookie flushes (item 103)', async () => {
    const { manager } = setup();
    const session = manager.open();
    await session.flush();
    expect(await finalizeSession(session, ok())).toEqual({ setCookie: [], vary: 'Cookie' });
  });

  it('keeps setting the cookie after the last key is removed (item 104)', async () => {
    const { manager, store } = setup();
    const first = manager.open();
    await first.set('foo', 'bar');
    await finalizeSession(first, ok());
    const second = manager.open(first.sessionKey);
    await second.delete('foo');
    const result = await finalizeSession(second, ok({ requestHadCookie: true }));
    expect(result.setCookie).toEqual([`sessionid=${first.sessionKey}; ${DEFAULT_TAIL}`]);
    expect(await store.exists(first.sessionKey!)).toBe(true);
    expect(await manager.open(first.sessionKey).keys()).toEqual([]);
  });

  it('leaves an unknown cookie alone when the session is untouched (item 129)', async () => {
    const { manager } = setup();
    const session = manager.open('unknownkey123');
    expect(await finalizeSession(session, ok({ requestHadCookie: true }))).toEqual({
      setCookie: [],
      vary: null,
    });
  });

  it('deletes an unknown cookie once the session is read (item 130)', async () => {
    const { manager } = setup();
    const session = manager.open('unknownkey123');
    await session.get('foo');
    expect(await finalizeSession(session, ok({ requestHadCookie: true }))).toEqual({
      setCookie: [DELETION],
      vary: 'Cookie',
    });
  });

  it('stores a new empty session for an unknown cookie with saveEveryRequest (item 131)', async () => {
    const { manager, store } = setup({ saveEveryRequest: true });
    const session = manager.open('unknownkey123');
    const result = await finalizeSession(session, ok({ requestHadCookie: true }));
    expect(session.sessionKey).not.toBe('unknownkey123');
    expect(result.setCookie).toEqual([`sessionid=${session.sessionKey}; ${DEFAULT_TAIL}`]);
    expect(await store.exists(session.sessionKey!)).toBe(true);
  });

  it('sends nothing for an untouched new session with saveEveryRequest (item 128)', async () => {
    const { manager } = setup({ saveEveryRequest: true });
    expect(await finalizeSession(manager.open(), ok())).toEqual({ setCookie: [], vary: null });
  });

  it('neither saves nor sets the cookie on any 5xx, but still varies (items 98, 99, 132)', async () => {
    const { manager, store } = setup();
    for (const status of [500, 503, 599]) {
      const session = manager.open();
      await session.set('hello', 'world');
      expect(await finalizeSession(session, ok({ status }))).toEqual({ setCookie: [], vary: 'Cookie' });
      expect(session.sessionKey).toBeNull();
    }
    const existing = manager.open();
    await existing.set('hello', 'before');
    await finalizeSession(existing, ok());
    const again = manager.open(existing.sessionKey);
    await again.set('hello', 'after');
    await finalizeSession(again, ok({ status: 500, requestHadCookie: true }));
    expect(await manager.open(existing.sessionKey).get('hello')).toBe('before');
    expect(await store.exists(existing.sessionKey!)).toBe(true);
  });

  it('writes a browser-session cookie for setExpiry(0) and Max-Age=60 for setExpiry(60) (item 133)', async () => {
    const { manager } = setup();
    const browser = manager.open();
    await browser.setExpiry(0);
    expect((await finalizeSession(browser, ok())).setCookie).toEqual([
      `sessionid=${browser.sessionKey}; HttpOnly; Path=/; SameSite=Lax`,
    ]);
    const minute = manager.open();
    await minute.setExpiry(60);
    expect((await finalizeSession(minute, ok())).setCookie).toEqual([
      `sessionid=${minute.sessionKey}; expires=Tue, 14 Nov 2023 22:14:20 GMT; HttpOnly; Max-Age=60; Path=/; SameSite=Lax`,
    ]);
  });

  it('writes browser-close, Secure, Domain and Strict from the settings', async () => {
    const { manager } = setup({
      expireAtBrowserClose: true,
      cookieSecure: true,
      cookieDomain: '.example.com',
      cookieSameSite: 'Strict',
    });
    const session = manager.open();
    await session.set('a', 1);
    expect((await finalizeSession(session, ok())).setCookie).toEqual([
      `sessionid=${session.sessionKey}; Domain=.example.com; HttpOnly; Path=/; SameSite=Strict; Secure`,
    ]);
  });

  it("sets Secure for cookieSecure 'auto' only on a secure request", async () => {
    const { manager } = setup({ cookieSecure: 'auto' });
    const plain = manager.open();
    await plain.set('a', 1);
    expect((await finalizeSession(plain, ok())).setCookie[0]).not.toMatch(/Secure/);
    const secure = manager.open();
    await secure.set('a', 1);
    expect((await finalizeSession(secure, ok({ secureRequest: true }))).setCookie[0]).toMatch(/; Secure$/);
  });

  it('throws SessionInterrupted with the UpdateError as cause when the record vanished (item 100)', async () => {
    const { manager, store } = setup();
    const first = manager.open();
    await first.set('a', 1);
    await finalizeSession(first, ok());
    const second = manager.open(first.sessionKey);
    await second.get('a');
    await store.delete(first.sessionKey!);
    await second.set('a', 2);
    const error = await finalizeSession(second, ok({ requestHadCookie: true })).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_SESSION_INTERRUPTED',
      status: 400,
      message:
        "The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example.",
      cause: { code: 'ERR_UPDATE_MISSING' },
    });
    expect(await store.exists(first.sessionKey!)).toBe(false);
  });

  it('lets store errors propagate', async () => {
    const failing = new Error('disk on fire');
    const store: SessionStore = {
      ...createMemoryStore(),
      create: () => Promise.reject(failing),
    };
    const manager = createSessionManager({ secretKey: SECRET, store, logger: silentLogger });
    const session = manager.open();
    await session.set('a', 1);
    await expect(finalizeSession(session, ok())).rejects.toBe(failing);
  });

  it('sets the signed-cookie value as the cookie', async () => {
    const manager = createSessionManager({
      secretKey: SECRET,
      store: createSignedCookieStore(),
      now: () => NOW,
      logger: silentLogger,
    });
    const session = manager.open();
    await session.set('a', 1);
    const [header] = (await finalizeSession(session, ok())).setCookie;
    expect(header).toBe(`sessionid=${session.sessionKey}; ${DEFAULT_TAIL}`);
    expect(await manager.open(session.sessionKey).get('a')).toBe(1);
  });
});

describe('deletionCookie', () => {
  it('adds Secure for SameSite=None (item 134)', () => {
    const { manager } = setup({ cookieSameSite: 'None' });
    expect(deletionCookie(manager.settings)).toBe(
      'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=None; Secure',
    );
  });

  it('adds Secure for a prefixed cookie name, and never HttpOnly', () => {
    const { manager } = setup({ cookieName: '__Host-sid', cookieSecure: true });
    expect(deletionCookie(manager.settings)).toBe(
      '__Host-sid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax; Secure',
    );
  });
});
