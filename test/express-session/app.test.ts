/**
 * The express-session app of fixtures/app.ts (view counter, Passport login/logout, connect-flash,
 * csrf-sync) on sessionkit/express-session with real SQLite and real Redis stores, and the same file with
 * its import pointed at express-session, for reference.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithout } from '../services/probe.js';
import { redisProblem } from '../services/redis.js';
import { Browser, expressServers, redisUrl, SECRET, sqliteUrl } from './helpers.js';

type CreateApp = (secret: string, sessionOptions?: Record<string, unknown>) => import('express').Express;

const serve = expressServers();
const fixture = fileURLToPath(new URL('./fixtures/app.ts', import.meta.url));
const referenceCopy = fileURLToPath(new URL('./fixtures/app.express-session.gen.ts', import.meta.url));

/** Log in as alice through the form (CSRF token first); resolves the login response. */
async function logIn(browser: Browser, username = 'alice', path = '/login') {
  const { token } = JSON.parse((await browser.get('/csrf')).body) as { token: string };
  return browser.post(path, { username, password: 'correct horse' }, { 'x-csrf-token': token });
}

function appBehaviour(
  label: string,
  load: () => Promise<{ createApp: CreateApp; options: () => Record<string, unknown> }>,
) {
  describe(label, () => {
    let createApp: CreateApp;
    let options: Record<string, unknown>;
    beforeAll(async () => {
      const loaded = await load();
      createApp = loaded.createApp;
      options = loaded.options();
    });
    const visitor = async () => new Browser(await serve(createApp(SECRET, options)));

    it('counts views with req.session.views++', async () => {
      const browser = await visitor();
      const views = [];
      for (let i = 0; i < 3; i++) views.push(JSON.parse((await browser.get('/')).body).views);
      expect(views).toEqual([1, 2, 3]);
      expect(JSON.parse((await new Browser(browser.base).get('/')).body).views).toBe(1);
    });

    it('saves nested data changed in place', async () => {
      const browser = await visitor();
      await browser.post('/cart', { item: 'apple' });
      await browser.post('/cart', { item: 'pear' });
      expect(JSON.parse((await browser.get('/cart')).body)).toEqual(['apple', 'pear']);
    });

    it('logs in with Passport: the user is on req.user on the next request, under a new session ID', async () => {
      const browser = await visitor();
      await browser.get('/');
      const before = [...browser.jar.values()].join();
      const login = await logIn(browser);
      expect(login.status).toBe(302);
      expect(login.headers.get('location')).toBe('/');
      expect([...browser.jar.values()].join()).not.toBe(before);
      expect(JSON.parse((await browser.get('/me')).body)).toEqual({ user: 'alice' });
      // Passport regenerated the session: the counter started again.
      expect(JSON.parse((await browser.get('/')).body)).toEqual({ views: 1, user: 'alice' });
    });

    it('keeps the session data through login with keepSessionInfo', async () => {
      const browser = await visitor();
      await browser.get('/');
      await browser.get('/');
      const login = await logIn(browser, 'bob', '/login-keep');
      expect(login.status).toBe(302);
      expect(JSON.parse((await browser.get('/')).body)).toEqual({ views: 3, user: 'bob' });
    });

    it('shows a failed login message once (connect-flash)', async () => {
      const browser = await visitor();
      const { token } = JSON.parse((await browser.get('/csrf')).body) as { token: string };
      const failed = await browser.post(
        '/login',
        { username: 'alice', password: 'nope' },
        { 'x-csrf-token': token },
      );
      expect(failed.headers.get('location')).toBe('/login');
      expect(JSON.parse((await browser.get('/login')).body)).toEqual({
        errors: ['Wrong username or password.'],
      });
      expect(JSON.parse((await browser.get('/login')).body)).toEqual({ errors: [] });
    });

    it('refuses a POST without the CSRF token kept in the session', async () => {
      const browser = await visitor();
      await browser.get('/csrf');
      const refused = await browser.post('/login', { username: 'alice', password: 'correct horse' });
      expect(refused.status).toBe(403);
      const forged = await browser.post(
        '/login',
        { username: 'alice', password: 'correct horse' },
        { 'x-csrf-token': 'f'.repeat(256) },
      );
      expect(forged.status).toBe(403);
    });

    it('logs out with req.logout: a new session without the user, the old ID no longer logged in', async () => {
      const browser = await visitor();
      await logIn(browser);
      const loggedIn = browser.cookieHeader;
      const { token } = JSON.parse((await browser.get('/csrf')).body) as { token: string };
      const out = await browser.post('/logout', {}, { 'x-csrf-token': token });
      expect(out.status).toBe(302);
      expect(browser.cookieHeader).not.toBe(loggedIn);
      expect(JSON.parse((await browser.get('/login-info')).body)).toEqual({ info: ['Logged out.'] });
      expect(JSON.parse((await browser.get('/me')).body)).toEqual({ user: null });
      const stale = await browser.get('/me', { cookie: loggedIn });
      expect(JSON.parse(stale.body)).toEqual({ user: null });
    });
  });
}

const redisSkip = skipWithout('express-session drop-in Redis tests', await redisProblem());

appBehaviour('sessionkit/express-session with SQLite', async () => {
  const url = sqliteUrl();
  return { ...(await import('./fixtures/app.js')), options: () => ({ store: url }) };
});

describe.skipIf(redisSkip)('with Redis', () => {
  const url = redisUrl();
  appBehaviour('sessionkit/express-session with Redis', async () => ({
    ...(await import('./fixtures/app.js')),
    options: () => ({ store: url }),
  }));
});

describe('the same app on express-session (reference)', () => {
  beforeAll(() => {
    const source = readFileSync(fixture, 'utf8').replaceAll(
      "'../../../src/express-session/index.js'",
      "'express-session'",
    );
    writeFileSync(referenceCopy, source);
  });
  afterAll(() => rmSync(referenceCopy, { force: true }));
  appBehaviour('express-session with its MemoryStore', async () => ({
    ...((await import(/* @vite-ignore */ referenceCopy)) as { createApp: CreateApp }),
    options: () => ({}),
  }));
});
