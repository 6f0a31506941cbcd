/**
 * THE adapter behaviour suite: every rule of Django's `SessionMiddleware.process_response` (spec §5,
 * §7 items 94–104 and 127–135), session errors, save-before-headers and bad cookie input, checked over
 * real HTTP on loopback. Each adapter test file calls {@link describeAdapterBehaviour} once (or once per
 * store), with a harness (./harness.ts) that mounts the neutral routes on its framework.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionSettings } from '../../src/core/settings.js';
import { STORE_UNAVAILABLE_BODY } from '../../src/http/errors.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createSignedCookieStore } from '../../src/stores/signed-cookie.js';
import type { AnyStore } from '../../src/stores/types.js';
import { createClock, createRecordingLogger, type RecordingLogger, SECRET } from '../helpers.js';
import { type AdapterHarness, downStore, routesFor, type StartedServer, slowStore } from './harness.js';
import { httpsGet, TEST_TLS } from './tls-fixture.js';

export type { AdapterHarness } from './harness.js';

const NOW = 1_700_000_000_000;
const TAIL = 'expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax';
const DELETION = 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax';
const INTERRUPTED =
  "The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example.";

/** `name=value` of the first Set-Cookie header, or null. */
function cookieOf(response: Response): string | null {
  const header = response.headers.getSetCookie()[0];
  return header === undefined ? null : header.slice(0, header.indexOf(';'));
}

function cookieValue(response: Response): string {
  const cookie = cookieOf(response);
  expect(cookie).not.toBeNull();
  return cookie!.slice(cookie!.indexOf('=') + 1);
}

/** Run the behaviour suite against one adapter. */
export function describeAdapterBehaviour(harness: AdapterHarness): void {
  const storeKind = harness.store ?? 'memory';
  const serverStore = storeKind === 'memory';

  describe(`${harness.name} adapter behaviour (${storeKind} store)`, () => {
    let running: StartedServer | null = null;
    let store: AnyStore;
    let logger: RecordingLogger;

    afterEach(async () => {
      await running?.close();
      running = null;
    });

    /** Start the adapter with these settings; returns a fetch bound to its base URL. */
    async function serve(settings: Partial<SessionSettings> = {}, customStore?: AnyStore) {
      store = customStore ?? (serverStore ? createMemoryStore() : createSignedCookieStore());
      logger = createRecordingLogger();
      const clock = createClock(NOW);
      const options = { secretKey: SECRET, store, now: clock.now, logger, ...settings };
      running = await harness.start(options, routesFor(store));
      const base = running.url;
      return (path: string, cookie?: string, headers: Record<string, string> = {}) =>
        fetch(base + path, {
          redirect: 'manual',
          headers: cookie === undefined ? headers : { ...headers, Cookie: cookie },
        });
    }

    it("sets the cookie in Django's exact form when the session is modified, with Vary: Cookie", async () => {
      const get = await serve();
      const response = await get('/set');
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('ok');
      const value = cookieValue(response);
      if (serverStore) expect(value).toMatch(/^[a-z0-9]{32}$/);
      expect(response.headers.getSetCookie()).toEqual([`sessionid=${value}; ${TAIL}`]);
      expect(response.headers.get('vary')).toBe('Cookie');
      expect(await (await get('/get', `sessionid=${value}`)).text()).toBe('"a"');
    });

    it("keeps the handler's own Set-Cookie next to the session cookie", async () => {
      const get = await serve();
      const response = await get('/set-with-cookie');
      expect(response.status).toBe(200);
      const cookies = response.headers.getSetCookie();
      expect(cookies).toHaveLength(2);
      expect(cookies).toContain('theme=dark; Path=/');
      const session = cookies.find((cookie) => cookie.startsWith('sessionid='));
      expect(session?.endsWith(`; ${TAIL}`)).toBe(true);
      const value = session!.slice('sessionid='.length, session!.indexOf(';'));
      expect(await (await get('/get', `sessionid=${value}`)).text()).toBe('"a"');
    });

    it('sends neither a cookie nor Vary for an untouched session', async () => {
      const get = await serve();
      const response = await get('/untouched');
      expect(await response.text()).toBe('untouched');
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(response.headers.get('vary')).toBeNull();
    });

    it('adds only Vary: Cookie when a visitor without a cookie reads the session', async () => {
      const get = await serve();
      const response = await get('/get');
      expect(await response.text()).toBe('null');
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(response.headers.get('vary')).toBe('Cookie');
    });

    it('merges Vary: Cookie into an existing Vary without duplicates', async () => {
      const get = await serve();
      expect((await get('/vary-accept')).headers.get('vary')).toBe('Accept-Encoding, Cookie');
      expect((await get('/vary-cookie')).headers.get('vary')).toBe('Accept-Encoding, cookie');
    });

    it("deletes the cookie with Django's exact header when the session is flushed", async () => {
      const get = await serve();
      const cookie = cookieOf(await get('/set'))!;
      const response = await get('/flush', cookie);
      expect(response.headers.getSetCookie()).toEqual([DELETION]);
      expect(response.headers.get('vary')).toBe('Cookie');
      if (serverStore) expect(await (await get('/get', cookie)).text()).toBe('null');
    });

    it('deletes the cookie with the configured domain and path', async () => {
      const get = await serve({ cookieDomain: '.example.local', cookiePath: '/example/' });
      const response = await get('/flush', 'sessionid=abc');
      expect(response.headers.getSetCookie()).toEqual([
        'sessionid=""; Domain=.example.local; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/example/; SameSite=Lax',
      ]);
      expect(response.headers.get('vary')).toBe('Cookie');
    });

    it('sets no cookie when a visitor without a cookie flushes', async () => {
      const get = await serve();
      const response = await get('/flush');
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(response.headers.get('vary')).toBe('Cookie');
    });

    it('keeps setting the cookie after the last key is removed', async () => {
      const get = await serve();
      const cookie = cookieOf(await get('/set'))!;
      const response = await get('/remove', cookie);
      expect(response.headers.getSetCookie()).toHaveLength(1);
      if (serverStore) expect(cookieOf(response)).toBe(cookie);
      expect(response.headers.get('vary')).toBe('Cookie');
    });

    it('leaves an unknown cookie alone when the session is untouched', async () => {
      const get = await serve();
      const response = await get('/untouched', 'sessionid=unknownkey12345');
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(response.headers.get('vary')).toBeNull();
    });

    it.runIf(serverStore)('deletes an unknown cookie once the session is read', async () => {
      const get = await serve();
      const response = await get('/get', 'sessionid=unknownkey12345');
      expect(response.headers.getSetCookie()).toEqual([DELETION]);
      expect(response.headers.get('vary')).toBe('Cookie');
    });

    it('refreshes the cookie of an untouched session with saveEveryRequest, and sends nothing without one', async () => {
      const get = await serve({ saveEveryRequest: true });
      const cookie = cookieOf(await get('/set'))!;
      const refreshed = await get('/untouched', cookie);
      expect(refreshed.headers.getSetCookie()).toEqual([`${cookie}; ${TAIL}`]);
      const anonymous = await get('/untouched');
      expect(anonymous.headers.getSetCookie()).toEqual([]);
      expect(anonymous.headers.get('vary')).toBeNull();
    });

    it('does not save the session on a 500 response', async () => {
      const get = await serve();
      const cookie = cookieOf(await get('/set'))!;
      const response = await get('/fail500', cookie);
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('boom');
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(response.headers.get('vary')).toBe('Cookie');
      expect(await (await get('/get', cookie)).text()).toBe('"a"');
      expect((await get('/fail500')).headers.getSetCookie()).toEqual([]);
    });

    it('does not save the session on a 503 response', async () => {
      const get = await serve();
      const cookie = cookieOf(await get('/set'))!;
      const response = await get('/fail503', cookie);
      expect(response.status).toBe(503);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(await (await get('/get', cookie)).text()).toBe('"a"');
    });

    it('sets a browser-session cookie without Max-Age or expires', async () => {
      const get = await serve({ expireAtBrowserClose: true });
      const response = await get('/set');
      expect(response.headers.getSetCookie()).toEqual([
        `${cookieOf(response)}; HttpOnly; Path=/; SameSite=Lax`,
      ]);
    });

    it('follows setExpiry(0) and setExpiry(60)', async () => {
      const get = await serve();
      const browser = await get('/expiry0');
      expect(browser.headers.getSetCookie()).toEqual([
        `${cookieOf(browser)}; HttpOnly; Path=/; SameSite=Lax`,
      ]);
      const minute = await get('/expiry60');
      expect(minute.headers.getSetCookie()).toEqual([
        `${cookieOf(minute)}; expires=Tue, 14 Nov 2023 22:14:20 GMT; HttpOnly; Max-Age=60; Path=/; SameSite=Lax`,
      ]);
    });

    it('applies Secure, HttpOnly and SameSite from the settings', async () => {
      const get = await serve({ cookieSecure: true, cookieHttpOnly: false, cookieSameSite: 'Strict' });
      const response = await get('/set');
      expect(response.headers.getSetCookie()).toEqual([
        `${cookieOf(response)}; expires=Tue, 28 Nov 2023 22:13:20 GMT; Max-Age=1209600; Path=/; SameSite=Strict; Secure`,
      ]);
    });

    it('omits HttpOnly and SameSite when they are turned off', async () => {
      const get = await serve({ cookieHttpOnly: false, cookieSameSite: false });
      const response = await get('/set');
      expect(response.headers.getSetCookie()).toEqual([
        `${cookieOf(response)}; expires=Tue, 28 Nov 2023 22:13:20 GMT; Max-Age=1209600; Path=/`,
      ]);
    });

    it('forces Secure with SameSite=None, on the cookie and on its deletion', async () => {
      const get = await serve({ cookieSameSite: 'None' });
      const response = await get('/set');
      expect(response.headers.getSetCookie()[0]).toMatch(/; SameSite=None; Secure$/);
      const deleted = await get('/flush', cookieOf(response)!);
      expect(deleted.headers.getSetCookie()).toEqual([
        'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=None; Secure',
      ]);
    });

    it("marks the cookie Secure with cookieSecure 'auto' behind a trusted proxy that says https", async () => {
      const get = await serve({ cookieSecure: 'auto', trustProxy: true });
      const viaProxy = await get('/set', undefined, { 'X-Forwarded-Proto': 'https' });
      expect(viaProxy.headers.getSetCookie()[0]).toMatch(/; SameSite=Lax; Secure$/);
      const plain = await get('/set', undefined, { 'X-Forwarded-Proto': 'http' });
      expect(plain.headers.getSetCookie()[0]).toMatch(/; SameSite=Lax$/);
      await running?.close();
      const untrusted = await serve({ cookieSecure: 'auto' });
      const spoofed = await untrusted('/set', undefined, { 'X-Forwarded-Proto': 'https' });
      expect(spoofed.headers.getSetCookie()[0]).toMatch(/; SameSite=Lax$/);
    });

    it("marks the cookie Secure with cookieSecure 'auto' on a TLS connection", async () => {
      store = serverStore ? createMemoryStore() : createSignedCookieStore();
      const options = { secretKey: SECRET, store, now: createClock(NOW).now, cookieSecure: 'auto' as const };
      running = await harness.start(options, routesFor(store), TEST_TLS);
      expect(running.url).toMatch(/^https:/);
      const response = await httpsGet(`${running.url}/set`);
      expect(response.status).toBe(200);
      expect(response.setCookie).toHaveLength(1);
      expect(response.setCookie[0]).toMatch(/; SameSite=Lax; Secure$/);
    });

    it.runIf(serverStore)(
      "answers 400 with Django's message when the session was deleted during the request",
      async () => {
        const get = await serve();
        const cookie = cookieOf(await get('/set'))!;
        const response = await get('/interrupt', cookie);
        expect(response.status).toBe(400);
        expect(await response.text()).toBe(INTERRUPTED);
        expect(response.headers.getSetCookie()).toEqual([]);
        expect(await (await get('/get', cookie)).text()).toBe('null');
      },
    );

    it.runIf(serverStore)('answers 503 when the store is unavailable while saving', async () => {
      const get = await serve({}, downStore());
      const response = await get('/set');
      expect(response.status).toBe(503);
      expect(await response.text()).toBe(STORE_UNAVAILABLE_BODY);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(logger.records.some((record) => record.level === 'error')).toBe(true);
    });

    it.runIf(serverStore)(
      'answers 503 when the store is unavailable while the handler reads the session',
      async () => {
        const get = await serve({}, downStore());
        const response = await get('/get', 'sessionid=abcdefghijkl');
        expect(response.status).toBe(503);
        expect(response.headers.getSetCookie()).toEqual([]);
      },
    );

    it('saves the session before the headers of a redirect are sent', async () => {
      const get = await serve({}, serverStore ? slowStore() : undefined);
      const response = await get('/login');
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/whoami');
      const cookie = cookieOf(response)!;
      expect(await (await get('/whoami', cookie)).text()).toBe('alice');
    });

    it('saves the session before the headers of a streamed response are sent', async () => {
      const get = await serve({}, serverStore ? slowStore() : undefined);
      const response = await get('/stream');
      expect(response.status).toBe(200);
      const cookie = cookieOf(response);
      expect(cookie).not.toBeNull();
      expect(await (await get('/whoami', cookie!)).text()).toBe('bob');
      expect(await response.text()).toBe('abc');
    });

    it('serves a fresh session for malformed Cookie headers', async () => {
      const get = await serve();
      for (const header of [
        'sessionid',
        ';;; ==; sessionid',
        '=; =sessionid=x',
        'sessionid="unterminated',
        '\t;=',
      ]) {
        const response = await get('/visit', header);
        expect(response.status).toBe(200);
        expect(await response.text()).toBe('1');
      }
    });

    it('uses the first of duplicate session cookies', async () => {
      const get = await serve();
      const cookie = cookieOf(await get('/set'))!;
      const first = await get('/get', `${cookie}; sessionid=junkjunkjunkjunk`);
      expect(await first.text()).toBe('"a"');
      const shadowed = await get('/visit', `sessionid=junkjunkjunkjunk; ${cookie}`);
      expect(shadowed.status).toBe(200);
      expect(await shadowed.text()).toBe('1');
    });

    it('serves a fresh session for a huge (8 KB) session cookie', async () => {
      const get = await serve();
      const response = await get('/visit', `sessionid=${'a'.repeat(8192)}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('1');
      expect(cookieValue(response).length).toBeLessThan(4096);
    });

    it('serves a fresh session for cookie values with invalid characters', async () => {
      const get = await serve();
      for (const value of ['abcd\\efghijkl', 'abcd"efgh"ijkl', 'abcd,efghijkl', 'abcd\u00e9fghijkl']) {
        const response = await get('/visit', `sessionid=${value}`);
        expect(response.status).toBe(200);
        expect(await response.text()).toBe('1');
      }
    });

    it('serves a fresh session for a tampered cookie', async () => {
      const get = await serve();
      const value = cookieValue(await get('/set'));
      const tampered = `${value.slice(0, -1)}${value.endsWith('a') ? 'b' : 'a'}`;
      const response = await get('/visit', `sessionid=${tampered}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('1');
    });
  });
}
