/**
 * Messages over real HTTP: shown once on the page after a redirect with sessionkit's Express adapter,
 * and Passport's `failureFlash` through a synchronous `req.flash` on express-session (connect-flash's
 * convention, Django's encoding).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import expressSession from 'express-session';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { afterEach, describe, expect, it } from 'vitest';
import { getSession, session } from '../../src/adapters/express.js';
import { decodeMessages, flashData, MESSAGES_KEY, messages, success } from '../../src/messages/index.js';
import { SECRET } from '../helpers.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A cookie jar of one: the first Set-Cookie of each response replaces the cookie. */
function browser(base: string) {
  let cookie = '';
  return async (path: string, init: RequestInit = {}) => {
    const response = await fetch(base + path, {
      ...init,
      redirect: 'manual',
      headers: { ...init.headers, cookie },
    });
    const set = response.headers.getSetCookie()[0];
    if (set) cookie = set.split(';')[0]!;
    return response;
  };
}

describe('messages with the Express adapter', () => {
  it('shows a message added before a redirect once, on the next page', async () => {
    const app = express();
    const middleware = session({ store: 'memory:', secretKey: SECRET });
    app.use(middleware);
    app.post('/profile', async (req, res) => {
      await success(getSession(req), 'Profile saved.');
      res.redirect(303, '/');
    });
    app.get('/', async (req, res) => {
      res.json((await messages(getSession(req))).map((m) => `${m.tags}: ${m.message}`));
    });
    const visit = browser(await serve(app));
    expect((await visit('/profile', { method: 'POST' })).status).toBe(303);
    expect(await (await visit('/')).json()).toEqual(['success: Profile saved.']);
    expect(await (await visit('/')).json()).toEqual([]);
    await middleware.manager.close();
  });
});

describe('flashData with express-session and Passport', () => {
  it("carries Passport's failureFlash message to the login page once, stored in Django's encoding", async () => {
    const app = express();
    const auth = new passport.Passport();
    auth.use(
      new LocalStrategy((_username, _password, done) => done(null, false, { message: 'Wrong password.' })),
    );
    app.use(express.urlencoded({ extended: false }));
    app.use(expressSession({ secret: SECRET, resave: false, saveUninitialized: false }));
    app.use((req, _res, next) => {
      // connect-flash's convention, on this request only; Passport calls it without waiting.
      (req as unknown as { flash: unknown }).flash = (type?: string, text?: string) =>
        flashData(req.session, type, text);
      next();
    });
    app.use(auth.initialize());
    app.post('/login', auth.authenticate('local', { failureRedirect: '/login', failureFlash: true }));
    app.get('/login', (req, res) => {
      const stored = (req.session as unknown as Record<string, unknown>)[MESSAGES_KEY];
      res.json({
        stored: typeof stored === 'string' && decodeMessages(stored).ok,
        errors: flashData(req.session, 'error'),
      });
    });
    const visit = browser(await serve(app));
    const failed = await visit('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=alice&password=nope',
    });
    expect([failed.status, failed.headers.get('location')]).toEqual([302, '/login']);
    expect(await (await visit('/login')).json()).toEqual({ stored: true, errors: ['Wrong password.'] });
    expect(await (await visit('/login')).json()).toEqual({ stored: false, errors: [] });
  });
});
