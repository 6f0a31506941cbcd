/**
 * The user-sessions behaviour every store that supports it must show, through a real adapter
 * (sessionkit/express) and real cookie jars: three logins listed, "log out everywhere else", one
 * session ended by its handle, expired sessions dropped. Each store's test file calls
 * {@link describeUserSessions} once.
 */
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSession, session as sessionMiddleware } from '../../src/adapters/express.js';
import { createSessionManager, type SessionManager, type SessionOptions } from '../../src/core/manager.js';
import { recordClient } from '../../src/user-sessions/client-info.js';
import type { UserSessionInfo } from '../../src/user-sessions/user-sessions.js';
import { expressServers } from '../adapters/express-serve.js';
import { createClock, SECRET, type TestClock } from '../helpers.js';

/** Manager options without the secret and clock the suite adds. */
export type StoreOptions = Omit<SessionOptions, 'secretKey'>;

/** A JSON response body (as the test app sends it). */
// biome-ignore lint/suspicious/noExplicitAny: response bodies of the test app, checked by the assertions.
type Body = any;

/** What a store's test file provides. */
export interface UserSessionsSetup {
  /** The manager options (store, userSessions ...); `secretKey` and `now` are added. */
  options(): StoreOptions | Promise<StoreOptions>;
  /** Release what `options` opened that the manager does not close. */
  cleanup?(): Promise<void>;
}

/** Options of {@link describeUserSessions}. */
export interface DescribeUserSessionsOptions {
  /** Store name for the describe title. */
  name: string;
  skip: boolean;
  setup(): UserSessionsSetup;
}

/** A browser: one cookie, kept between requests. */
export class CookieJar {
  cookie: string | null = null;
  constructor(
    readonly base: () => string,
    readonly userAgent: string,
  ) {}

  async request(method: string, path: string): Promise<{ status: number; body: Body }> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    if (this.cookie !== null) headers.cookie = `sessionid=${this.cookie}`;
    const response = await fetch(this.base() + path, { method, headers });
    for (const line of response.headers.getSetCookie()) {
      const match = /^sessionid=([^;]*)/.exec(line);
      if (match) this.cookie = match[1] === '' || /max-age=0/i.test(line) ? null : match[1]!;
    }
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  }
}

let userCounter = 0;

/** The suite for one store. */
export function describeUserSessions(options: DescribeUserSessionsOptions): void {
  describe.skipIf(options.skip)(`manager.sessionsOf / endSessionsOf on ${options.name}`, () => {
    const serve = expressServers();
    let setup: UserSessionsSetup;
    let sessions: SessionManager;
    let clock: TestClock;
    let base = '';

    beforeAll(async () => {
      setup = options.setup();
      clock = createClock(Date.now());
      sessions = createSessionManager({ ...(await setup.options()), secretKey: SECRET, now: clock.now });
    });
    afterAll(async () => {
      await sessions?.close();
      await setup?.cleanup?.();
    });

    async function start(): Promise<void> {
      const app = express();
      app.use(sessionMiddleware({ manager: sessions }));
      app.post('/login', async (req, res) => {
        const session = getSession(req);
        await session.cycleKey();
        await session.set('_auth_user_id', String(req.query.user));
        await recordClient(session, { userAgent: req.get('user-agent'), ip: req.ip });
        if (req.query.short) await session.setExpiry(new Date(clock.now() + 2000));
        res.json({ key: session.sessionKey });
      });
      app.post('/visit', async (req, res) => {
        const session = getSession(req);
        await session.set('visits', (((await session.get('visits')) as number | undefined) ?? 0) + 1);
        res.json({ visits: await session.get('visits') });
      });
      app.get('/me', async (req, res) => {
        const session = getSession(req);
        res.json({ user: (await session.get('_auth_user_id')) ?? null, key: session.sessionKey });
      });
      app.get('/sessions', async (req, res) => {
        const session = getSession(req);
        const user = (await session.get('_auth_user_id')) as string;
        res.json(await sessions.sessionsOf(user, session.sessionKey));
      });
      app.post('/logout-others', async (req, res) => {
        const session = getSession(req);
        const user = (await session.get('_auth_user_id')) as string;
        res.json({ ended: await sessions.endSessionsOf(user, { except: session.sessionKey }) });
      });
      app.post('/end/:handle', async (req, res) => {
        const session = getSession(req);
        const user = (await session.get('_auth_user_id')) as string;
        res.json({ ended: await sessions.endSession(user, req.params.handle) });
      });
      base = await serve(app);
    }

    const jar = (name: string) => new CookieJar(() => base, `${name} (sessionkit tests)`);
    const newUser = () => `u${process.pid}-${Date.now()}-${userCounter++}`;
    const list = async (from: CookieJar): Promise<UserSessionInfo[]> =>
      (await from.request('GET', '/sessions')).body;

    async function loggedIn(user: string, ...names: string[]): Promise<CookieJar[]> {
      const jars = names.map(jar);
      for (const each of jars) expect((await each.request('POST', `/login?user=${user}`)).status).toBe(200);
      return jars;
    }

    it('lists the three sessions of a user logged in from three cookie jars, the current one marked', async () => {
      await start();
      const user = newUser();
      const [a, b, c] = await loggedIn(user, 'jar-a', 'jar-b', 'jar-c');
      const [other] = await loggedIn(newUser(), 'jar-other');
      await jar('anonymous').request('POST', '/visit');
      const listed = await list(a!);
      expect(listed.map((s) => s.userAgent).sort()).toEqual([
        'jar-a (sessionkit tests)',
        'jar-b (sessionkit tests)',
        'jar-c (sessionkit tests)',
      ]);
      expect(listed.filter((s) => s.current).map((s) => s.userAgent)).toEqual(['jar-a (sessionkit tests)']);
      expect(new Set(listed.map((s) => s.handle)).size).toBe(3);
      for (const entry of listed) {
        expect(entry.handle).toMatch(/^[\w-]{22}$/);
        expect(Date.parse(entry.expiresAt as unknown as string)).toBeGreaterThan(clock.now());
        expect(entry.ip).toBe('127.0.0.1');
      }
      // No session key appears anywhere in what is listed.
      const text = JSON.stringify(listed);
      for (const each of [a!, b!, c!, other!]) expect(text).not.toContain(each.cookie);
      expect((await list(other!)).length).toBe(1);
    });

    it('ends the other sessions: the current one keeps working, the others get a new anonymous session', async () => {
      await start();
      const user = newUser();
      const [a, b, c] = await loggedIn(user, 'jar-a', 'jar-b', 'jar-c');
      const [other] = await loggedIn(newUser(), 'jar-other');
      const [oldB, oldC] = [b!.cookie, c!.cookie];
      expect((await a!.request('POST', '/logout-others')).body).toEqual({ ended: 2 });
      expect((await a!.request('GET', '/me')).body).toEqual({ user, key: a!.cookie });
      for (const [each, old] of [
        [b!, oldB],
        [c!, oldC],
      ] as const) {
        const me = await each.request('GET', '/me');
        expect(me).toEqual({ status: 200, body: { user: null, key: null } });
        const visit = await each.request('POST', '/visit');
        expect(visit).toEqual({ status: 200, body: { visits: 1 } });
        expect(each.cookie).not.toBeNull();
        expect(each.cookie).not.toBe(old);
      }
      const listed = await list(a!);
      expect(listed.map((s) => [s.current, s.userAgent])).toEqual([[true, 'jar-a (sessionkit tests)']]);
      expect((await other!.request('GET', '/me')).body.user).not.toBeNull();
    });

    it('ends one session by the handle it was listed with, and no session for an unknown handle', async () => {
      await start();
      const user = newUser();
      const [a, b] = await loggedIn(user, 'jar-a', 'jar-b');
      const [stranger] = await loggedIn(newUser(), 'jar-stranger');
      const handleOfB = (await list(a!)).find((s) => !s.current)!.handle;
      // Another user cannot end it with the same handle.
      expect((await stranger!.request('POST', `/end/${handleOfB}`)).body).toEqual({ ended: false });
      expect((await a!.request('POST', '/end/not-a-handle')).body).toEqual({ ended: false });
      expect((await a!.request('POST', `/end/${handleOfB}`)).body).toEqual({ ended: true });
      expect((await b!.request('GET', '/me')).body.user).toBeNull();
      expect((await list(a!)).length).toBe(1);
    });

    it('drops expired sessions from the list', async () => {
      await start();
      const user = newUser();
      const [a] = await loggedIn(user, 'jar-a', 'jar-b');
      await loggedIn(user, 'jar-short').then(([short]) =>
        short!.request('POST', `/login?user=${user}&short=1`),
      );
      expect((await list(a!)).length).toBe(3);
      clock.advance(5);
      // Stores that expire entries on the wall clock (Redis TTLs) need the real seconds to pass too.
      const deadline = Date.now() + 20_000;
      let listed = await list(a!);
      while (listed.length > 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        listed = await list(a!);
      }
      expect(listed.length).toBe(2);
      expect(listed.every((s) => s.lastSeenAt !== null)).toBe(true);
    });
  });
}
