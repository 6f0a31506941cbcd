/**
 * express-session's documented behaviour, written from its README: the resave/rolling/saveUninitialized
 * matrix, cookie options, the session methods, secret rotation, proxy + secure 'auto', genid, unset, two
 * apps in one process; and what sessionkit/express-session does differently on purpose (saved before the
 * headers, Vary: Cookie, no save on 5xx, 503 on a store outage).
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { ConfigError, StoreUnavailable } from '../../src/core/errors.js';
import session, { Cookie, type ExpressSessionOptions, getSession } from '../../src/express-session/index.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import type { SessionRecord, SessionStore } from '../../src/stores/types.js';
import { downStore, slowStore } from '../adapters/harness.js';
import { Browser, expressServers, OLD_SECRET, SECRET, sqliteUrl } from './helpers.js';

declare module '../../src/express-session/index.js' {
  interface SessionData {
    n: number;
    user: string;
    profile: { name: string; tags: string[] };
  }
}

const serve = expressServers();

/** A memory store that counts writes (inserts, updates and, where the core has it, compare-and-swap saves). */
function countingStore(): SessionStore & { writes: SessionRecord[]; deletes: string[] } {
  const inner = createMemoryStore();
  const writes: SessionRecord[] = [];
  const deletes: string[] = [];
  const methods = inner as unknown as Record<string, unknown>;
  const store: Record<string, unknown> = { ...inner, writes, deletes };
  for (const name of ['create', 'update', 'replace']) {
    const method = methods[name];
    if (typeof method !== 'function') continue;
    store[name] = (record: SessionRecord, ...rest: unknown[]) => {
      writes.push(record);
      return method.call(inner, record, ...rest);
    };
  }
  store.delete = (key: string) => {
    deletes.push(key);
    return inner.delete(key);
  };
  return store as unknown as SessionStore & { writes: SessionRecord[]; deletes: string[] };
}

/** Routes every test app has. */
function routes(app: Express): Express {
  app.get('/set', (req, res) => {
    req.session.n = Number(req.query.n ?? 1);
    res.send('set');
  });
  app.get(
    '/get',
    (req, res) =>
      void res.json({
        n: req.session.n ?? null,
        user: req.session.user ?? null,
        id: req.session.id,
        sid: req.sessionID,
      }),
  );
  app.get('/untouched', (_req, res) => void res.send('untouched'));
  return app;
}

/** Serve an app with the session middleware and `extra` routes; a browser on it. */
async function start(
  options: Partial<ExpressSessionOptions>,
  extra: (app: Express) => void = () => {},
  before: RequestHandler[] = [],
): Promise<Browser> {
  const app = express();
  for (const handler of before) app.use(handler);
  app.use(session({ secret: SECRET, store: 'memory:', ...options }));
  extra(app);
  return new Browser(await serve(routes(app)));
}

const sessionCookie = (page: { setCookies: string[] }, name = 'connect.sid') =>
  page.setCookies.find((line) => line.startsWith(`${name}=`));

describe('session() options', () => {
  it('refuses unknown options, short secrets and express-session stores with a ConfigError', () => {
    expect(() => session({ secret: SECRET, resav: false } as ExpressSessionOptions)).toThrow(ConfigError);
    expect(() => session({ secret: 'keyboard cat' })).toThrow(/at least 32 characters/);
    expect(() => session({ secret: [SECRET, 'short'] })).toThrow(/secret\[1\]/);
    expect(() => session({} as ExpressSessionOptions)).toThrow(/secret is required/);
    const foreign = { get() {}, set() {}, destroy() {} } as unknown as string;
    expect(() => session({ secret: SECRET, store: foreign })).toThrow(/sessionkit store/);
    expect(() => session({ secret: SECRET, store: 'signed-cookie:' })).toThrow(/signed-cookie/);
    expect(() => session({ secret: SECRET, cookie: { sameSite: 'sideways' as 'lax' } })).toThrow(ConfigError);
    expect(() => session({ secret: SECRET, cookie: { colour: 'red' } as object })).toThrow(
      /Unknown cookie option/,
    );
    expect(() => session({ secret: SECRET, unset: 'drop' as 'keep' })).toThrow(ConfigError);
    expect(() => session({ secret: SECRET, cookie: { domain: 'bad domain' } })).toThrow(/domain/);
    expect(() => session({ secret: SECRET, name: '__Host-sid', cookie: { domain: 'example.com' } })).toThrow(
      ConfigError,
    );
    expect(() => session({ secret: SECRET, resave: 'yes' as unknown as boolean })).toThrow(ConfigError);
  });

  it("names the cookie connect.sid, with express-session's default attributes", async () => {
    const browser = await start({});
    const page = await browser.get('/set');
    expect(sessionCookie(page)).toMatch(/^connect\.sid=[a-z0-9]{32}; HttpOnly; Path=\/$/);
  });
});

describe('saveUninitialized', () => {
  it('true (the default): a new untouched session is saved and gets a cookie', async () => {
    const store = countingStore();
    const browser = await start({ store });
    const page = await browser.get('/untouched');
    expect(sessionCookie(page)).toBeDefined();
    expect(store.writes).toHaveLength(1);
  });

  it('false: a new untouched session is neither saved nor sent; a modified one is', async () => {
    const store = countingStore();
    const browser = await start({ store, saveUninitialized: false });
    expect(sessionCookie(await browser.get('/untouched'))).toBeUndefined();
    expect(store.writes).toHaveLength(0);
    expect(sessionCookie(await browser.get('/set'))).toBeDefined();
    expect(store.writes).toHaveLength(1);
  });
});

describe('resave', () => {
  it('true (the default): an unchanged session is saved again on every request, without a new cookie', async () => {
    const store = countingStore();
    const browser = await start({ store });
    await browser.get('/set');
    const page = await browser.get('/get');
    expect(store.writes).toHaveLength(2);
    expect(sessionCookie(page)).toBeUndefined();
  });

  it('false: an unchanged session is not saved; a changed one is', async () => {
    const store = countingStore();
    const browser = await start({ store, resave: false });
    await browser.get('/set');
    await browser.get('/get');
    expect(store.writes).toHaveLength(1);
    await browser.get('/set?n=2');
    expect(store.writes).toHaveLength(2);
    expect(JSON.parse((await browser.get('/get')).body).n).toBe(2);
  });
});

describe('rolling and cookie.maxAge', () => {
  it('without rolling, a browser-session cookie is sent once, not when the data changes', async () => {
    const browser = await start({ resave: false });
    expect(sessionCookie(await browser.get('/set'))).toBeDefined();
    expect(sessionCookie(await browser.get('/set?n=2'))).toBeUndefined();
  });

  it('with maxAge, the cookie is sent again when the data changes (Expires and Max-Age moved on)', async () => {
    const browser = await start({ resave: false, cookie: { maxAge: 60_000 } });
    const first = sessionCookie(await browser.get('/set'));
    expect(first).toMatch(/expires=[^;]+ GMT; HttpOnly; Max-Age=(59|60); Path=\//);
    expect(sessionCookie(await browser.get('/get'))).toBeUndefined();
    expect(sessionCookie(await browser.get('/set?n=2'))).toBeDefined();
  });

  it('rolling: the cookie goes out on every response and the stored expiry follows', async () => {
    const store = countingStore();
    const browser = await start({ store, resave: false, rolling: true, cookie: { maxAge: 60_000 } });
    await browser.get('/set');
    expect(sessionCookie(await browser.get('/get'))).toBeDefined();
    expect(sessionCookie(await browser.get('/untouched'))).toBeDefined();
    // Unchanged sessions are not saved again: the store's touch moves their expiry, at most once per
    // touch interval (docs/rolling.md; test/touch/express-session.test.ts).
    expect(store.writes).toHaveLength(1);
    expect(store.writes[0]!.maxAge).toBe(60);
  });

  it('keeps cookie.originalMaxAge exactly as set while the clock moves (no save caused by drift)', () => {
    let now = 1_700_000_000_000;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => now++);
    try {
      const cookie = new Cookie({ maxAge: 1500 }, false);
      cookie.reset();
      cookie.reset();
      expect(cookie.originalMaxAge).toBe(1500);
    } finally {
      clock.mockRestore();
    }
  });

  it('loads the session once per request with a cookie, never without one', async () => {
    const store = countingStore();
    let loads = 0;
    const load = store.load;
    const browser = await start({
      store: {
        ...store,
        load: (key, now) => {
          loads++;
          return load(key, now);
        },
      },
      resave: false,
    });
    await browser.get('/untouched');
    expect(loads).toBe(0);
    await browser.get('/get');
    await browser.get('/set?n=2');
    expect(loads).toBe(2);
  });

  it('rolling with saveUninitialized false sends no cookie for an uninitialized session', async () => {
    const browser = await start({ rolling: true, saveUninitialized: false });
    expect(sessionCookie(await browser.get('/untouched'))).toBeUndefined();
  });

  it("req.session.cookie.maxAge set by a route is that session's lifetime on later requests", async () => {
    const store = countingStore();
    const browser = await start({ store, resave: false }, (app) => {
      app.get('/remember', (req, res) => {
        req.session.cookie.maxAge = 30 * 86_400_000;
        res.send('ok');
      });
      app.get('/cookie', (req, res) => void res.json(req.session.cookie));
    });
    await browser.get('/set');
    const remembered = await browser.get('/remember');
    expect(sessionCookie(remembered)).toMatch(/Max-Age=25920(00|00)|Max-Age=2591999/);
    expect(store.writes.at(-1)!.maxAge).toBe(2_592_000);
    const cookie = JSON.parse((await browser.get('/cookie')).body);
    expect(cookie.originalMaxAge).toBeGreaterThan(2_591_000_000);
    expect(cookie.httpOnly).toBe(true);
  });
});

describe('cookie attributes', () => {
  it('writes domain, path, sameSite, priority, partitioned, httpOnly false', async () => {
    const browser = await start({
      cookie: {
        domain: 'example.com',
        path: '/',
        httpOnly: false,
        sameSite: true,
        priority: 'high',
        partitioned: true,
        secure: true,
      },
      proxy: true,
    });
    const page = await browser.get('/set', { 'x-forwarded-proto': 'https' });
    expect(sessionCookie(page)).toMatch(
      /^connect\.sid=[a-z0-9]{32}; Domain=example\.com; Path=\/; SameSite=Strict; Secure; Priority=High; Partitioned$/,
    );
  });

  it('gives no session outside cookie.path', async () => {
    const browser = await start({ cookie: { path: '/app' } }, (app) => {
      app.get('/app/x', (req, res) => void res.json({ has: req.session !== undefined }));
      app.get('/other', (req, res) => void res.json({ has: req.session !== undefined }));
    });
    expect(JSON.parse((await browser.get('/app/x')).body)).toEqual({ has: true });
    expect(JSON.parse((await browser.get('/other')).body)).toEqual({ has: false });
  });

  it('secure: true sends no cookie over plain HTTP (the session is still saved)', async () => {
    const store = countingStore();
    const browser = await start({ store, cookie: { secure: true } });
    expect(sessionCookie(await browser.get('/set'))).toBeUndefined();
    expect(store.writes).toHaveLength(1);
  });

  it("secure 'auto' follows X-Forwarded-Proto only with proxy: true", async () => {
    const trusting = await start({ cookie: { secure: 'auto', sameSite: 'auto' }, proxy: true });
    expect(sessionCookie(await trusting.get('/set', { 'x-forwarded-proto': 'https' }))).toMatch(
      /SameSite=None; Secure$/,
    );
    const plain = await start({ cookie: { secure: 'auto', sameSite: 'auto' }, proxy: true });
    expect(sessionCookie(await plain.get('/set'))).toMatch(/SameSite=Lax$/);
    const distrusting = await start({ cookie: { secure: 'auto' }, proxy: false });
    expect(sessionCookie(await distrusting.get('/set', { 'x-forwarded-proto': 'https' }))).not.toMatch(
      /Secure/,
    );
  });

  it("secure 'auto' with proxy unset follows Express's trust proxy setting", async () => {
    const trusted = await start({ cookie: { secure: 'auto' } }, () => {}, [
      (req, _res, next) => {
        req.app.set('trust proxy', true);
        next();
      },
    ]);
    expect(sessionCookie(await trusted.get('/set', { 'x-forwarded-proto': 'https' }))).toMatch(/; Secure$/);
    const untrusted = await start({ cookie: { secure: 'auto' } });
    expect(sessionCookie(await untrusted.get('/set', { 'x-forwarded-proto': 'https' }))).not.toMatch(
      /Secure/,
    );
  });

  it('takes the cookie options from a function of the request', async () => {
    const browser = await start({
      cookie: (req) => ({ path: '/', maxAge: req.url?.includes('long') ? 3_600_000 : 60_000 }),
    });
    expect(sessionCookie(await browser.get('/set?long=1'))).toMatch(/Max-Age=(3599|3600)/);
  });
});

describe('req.session', () => {
  it('exposes id = req.sessionID = the cookie value, and cookie.maxAge counting down', async () => {
    const browser = await start({ cookie: { maxAge: 60_000 } }, (app) => {
      app.get(
        '/cookie',
        (req, res) =>
          void res.json({
            maxAge: req.session.cookie.maxAge,
            original: req.session.cookie.originalMaxAge,
            isCookie: req.session.cookie instanceof Cookie,
          }),
      );
    });
    await browser.get('/set');
    const { id, sid } = JSON.parse((await browser.get('/get')).body);
    expect(id).toBe(sid);
    expect(browser.jar.get('connect.sid')).toBe(id);
    const cookie = JSON.parse((await browser.get('/cookie')).body);
    expect(cookie.isCookie).toBe(true);
    expect(cookie.original).toBeGreaterThan(59_000);
    expect(cookie.maxAge).toBeLessThanOrEqual(60_000);
  });

  it('regenerate(): a new ID and an empty session; the old one is deleted from the store', async () => {
    const store = countingStore();
    const browser = await start({ store, resave: false }, (app) => {
      app.get('/regenerate', (req, res, next) => {
        const old = req.sessionID;
        req.session.regenerate((error) => {
          if (error) return next(error);
          req.session.user = 'alice';
          res.json({ old, now: req.sessionID, n: req.session.n ?? null });
        });
      });
    });
    await browser.get('/set');
    const before = browser.jar.get('connect.sid');
    const body = JSON.parse((await browser.get('/regenerate')).body);
    expect(body.old).toBe(before);
    expect(body.now).not.toBe(before);
    expect(body.n).toBeNull();
    expect(browser.jar.get('connect.sid')).toBe(body.now);
    expect(store.deletes).toContain(before);
    const stale = await browser.get('/get', { cookie: `connect.sid=${before}` });
    expect(JSON.parse(stale.body).n).toBeNull();
  });

  it('destroy(): the store record is deleted, req.session unset and the cookie deleted', async () => {
    const store = countingStore();
    const browser = await start({ store }, (app) => {
      app.get('/destroy', (req, res, next) => {
        req.session.destroy((error) => {
          if (error) return next(error);
          res.json({ session: req.session === undefined ? 'unset' : 'set' });
        });
      });
    });
    await browser.get('/set');
    const id = browser.jar.get('connect.sid')!;
    const page = await browser.get('/destroy');
    expect(JSON.parse(page.body)).toEqual({ session: 'unset' });
    expect(sessionCookie(page)).toMatch(
      /^connect\.sid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=\/$/,
    );
    expect(store.deletes).toContain(id);
    expect(await store.load(id, new Date())).toBeNull();
  });

  it('reload(): sees what another request stored meanwhile', async () => {
    const slow = gate();
    const browser = await start({ resave: false }, (app) => {
      app.get('/wait-reload', async (req, res, next) => {
        slow.arrive();
        await slow.wait;
        const before = req.session.n;
        req.session.reload((error) => (error ? next(error) : res.json({ before, after: req.session.n })));
      });
    });
    await browser.get('/set?n=1');
    const waiting = browser.get('/wait-reload');
    await slow.arrived;
    await browser.get('/set?n=2');
    slow.open();
    expect(JSON.parse((await waiting).body)).toEqual({ before: 1, after: 2 });
  });

  it('save(): stored before the callback; not saved again at the end when unchanged', async () => {
    const store = countingStore();
    const browser = await start({ store, resave: false }, (app) => {
      app.get('/save', (req, res, next) => {
        req.session.n = 7;
        req.session.save((error) => {
          if (error) return next(error);
          res.json({ writes: store.writes.length });
        });
      });
    });
    expect(JSON.parse((await browser.get('/save')).body)).toEqual({ writes: 1 });
    expect(store.writes).toHaveLength(1);
    expect(JSON.parse((await browser.get('/get')).body).n).toBe(7);
  });

  it('touch() and resetMaxAge() restart the countdown', async () => {
    const browser = await start({ cookie: { maxAge: 60_000 } }, (app) => {
      app.get('/touch', (req, res) => {
        req.session.cookie.maxAge = 1000;
        req.session.cookie.originalMaxAge = 60_000;
        req.session.touch();
        const touched = req.session.cookie.maxAge!;
        req.session.cookie.maxAge = 1000;
        req.session.cookie.originalMaxAge = 60_000;
        req.session.resetMaxAge();
        res.json({ touched, reset: req.session.cookie.maxAge });
      });
    });
    const body = JSON.parse((await browser.get('/touch')).body);
    expect(body.touched).toBeGreaterThan(59_000);
    expect(body.reset).toBeGreaterThan(59_000);
  });

  it('saves a nested object changed in place, and a deleted property', async () => {
    const browser = await start({ resave: false }, (app) => {
      app.get('/profile', (req, res) => {
        req.session.profile = { name: 'a', tags: [] };
        res.send('ok');
      });
      app.get('/tag', (req, res) => {
        req.session.profile!.tags.push('x');
        res.send('ok');
      });
      app.get('/forget', (req, res) => {
        delete req.session.profile;
        res.send('ok');
      });
      app.get('/profile-get', (req, res) => void res.json(req.session.profile ?? null));
    });
    await browser.get('/profile');
    await browser.get('/tag');
    await browser.get('/tag');
    expect(JSON.parse((await browser.get('/profile-get')).body)).toEqual({ name: 'a', tags: ['x', 'x'] });
    await browser.get('/forget');
    expect(JSON.parse((await browser.get('/profile-get')).body)).toBeNull();
  });

  it('tells a changed value from an unchanged one by value, whatever its type (a save only when changed)', async () => {
    const store = countingStore();
    const browser = await start({ resave: false, store }, (app) => {
      app.get('/fill', (req, res) => {
        Object.assign(req.session, { n: 1, s: '1', b: true, z: null, o: { n: 1 }, a: [1] });
        res.send('ok');
      });
      app.get('/same', (req, res) => {
        Object.assign(req.session, { n: 1, s: '1', b: true, z: null, o: { n: 1 }, a: [1] });
        res.send('ok');
      });
      for (const [path, value] of [
        ['/n', '1'], // the number 1 becomes the string '1'
        ['/s', 1],
        ['/b', 1],
        ['/z', { n: 1 }],
        ['/o', null],
        ['/a', { 0: 1 }],
      ] as const) {
        app.get(path, (req, res) => {
          (req.session as unknown as Record<string, unknown>)[path.slice(1)] = value;
          res.send('ok');
        });
      }
      app.get('/dump', (req, res) => void res.json(req.session));
    });
    await browser.get('/fill');
    const saves = (): number => store.writes.length;
    const before = saves();
    await browser.get('/same');
    expect(saves()).toBe(before);
    for (const path of ['/n', '/s', '/b', '/z', '/o', '/a']) {
      const count = saves();
      await browser.get(path);
      expect(saves(), path).toBe(count + 1);
    }
    const data = JSON.parse((await browser.get('/dump')).body);
    expect(data).toMatchObject({ n: '1', s: 1, b: 1, z: { n: 1 }, o: null, a: { 0: 1 } });
  });

  it("cookie.expires is one Date per session: changing it in place changes the cookie's lifetime", () => {
    const cookie = new Cookie({ maxAge: 60_000 }, false);
    const expires = cookie.expires!;
    expect(cookie.expires).toBe(expires);
    expires.setTime(Date.now() + 10_000);
    expect(cookie.maxAge).toBeLessThanOrEqual(10_000);
    expect(cookie.serialize('sid', 'abc')).toMatch(/Max-Age=(9|10);/);
    cookie.maxAge = 5_000;
    expect(cookie.expires).not.toBe(expires);
    expect(cookie.serialize('sid', 'abc')).toMatch(/Max-Age=(4|5);/);
  });

  it('serializes each cookie with its own attributes, one after another', () => {
    const a = new Cookie({ maxAge: 60_000, domain: 'a.example', sameSite: 'lax' }, false);
    const b = new Cookie(
      { maxAge: 60_000, domain: 'b.example', sameSite: 'strict', priority: 'high' },
      false,
    );
    for (let i = 0; i < 2; i++) {
      expect(a.serialize('sid', 'one')).toMatch(/^sid=one; Domain=a\.example; expires=.*; SameSite=Lax$/);
      expect(b.serialize('sid', 'two')).toMatch(
        /^sid=two; Domain=b\.example; .*SameSite=Strict; Priority=High$/,
      );
      expect(b.serialize('other', 'x y')).toMatch(/^other="x y"; Domain=b\.example; /);
    }
    a.secure = true;
    expect(a.serialize('sid', 'one')).toMatch(/; SameSite=Lax; Secure$/);
  });

  it('leaves stored keys named like its members (id, cookie, save …) out of req.session, and in the store', async () => {
    const browser = await start({ resave: false }, (app) => {
      app.get('/django-keys', async (req, res) => {
        const core = getSession(req);
        await core.set('id', 42);
        await core.set('save', 'x');
        res.send('ok');
      });
      app.get('/keys', (req, res) => {
        req.session.n = 3;
        res.json({ keys: Object.keys(req.session), id: req.session.id === req.sessionID });
      });
      app.get('/stored', async (req, res) => void res.json(await getSession(req).toObject()));
    });
    await browser.get('/set');
    await browser.get('/django-keys');
    expect(JSON.parse((await browser.get('/keys')).body)).toEqual({ keys: ['cookie', 'n'], id: true });
    expect(JSON.parse((await browser.get('/stored')).body)).toEqual({ n: 3, id: 42, save: 'x' });
  });

  it('getSession(req) is the sessionkit session behind it; its changes are saved too', async () => {
    const browser = await start({ resave: false }, (app) => {
      app.get('/async', async (req, res) => {
        await getSession(req).set('n', 41);
        res.send('ok');
      });
    });
    await browser.get('/set');
    await browser.get('/async');
    expect(JSON.parse((await browser.get('/get')).body).n).toBe(41);
  });
});

describe('typing', () => {
  it('types req.session from the augmented SessionData, with the session methods', () => {
    const handler: RequestHandler = (req, res) => {
      expectTypeOf(req.session.n).toEqualTypeOf<number | undefined>();
      expectTypeOf(req.session.profile).toEqualTypeOf<{ name: string; tags: string[] } | undefined>();
      expectTypeOf(req.session.cookie).toEqualTypeOf<Cookie>();
      expectTypeOf(req.sessionID).toEqualTypeOf<string>();
      // @ts-expect-error a key SessionData does not declare
      req.session.undeclared = 1;
      // @ts-expect-error a value of the wrong type
      req.session.n = 'one';
      req.session.regenerate(() => res.end());
    };
    expect(typeof handler).toBe('function');
  });
});

describe('secret rotation', () => {
  it('sessions signed with an older secret still load when it follows the new one; without it they end', async () => {
    const url = sqliteUrl();
    const old = await start({ secret: OLD_SECRET, store: url });
    await old.get('/set?n=5');
    const first = old.cookieHeader;
    old.jar.clear();
    await old.get('/set?n=6');
    const cookie = old.cookieHeader;
    const rotated = await start({ secret: [SECRET, OLD_SECRET], store: url, resave: false });
    expect(JSON.parse((await rotated.get('/get', { cookie: first })).body).n).toBe(5);
    const replaced = await start({ secret: SECRET, store: url });
    expect(JSON.parse((await replaced.get('/get', { cookie })).body).n).toBeNull();
  });
});

describe('genid', () => {
  it('names new sessions', async () => {
    let count = 0;
    const browser = await start({ genid: () => `custom-id-${++count}-abcdef` });
    await browser.get('/set');
    expect(browser.jar.get('connect.sid')).toBe('custom-id-1-abcdef');
    expect(JSON.parse((await browser.get('/get')).body).n).toBe(1);
  });

  it('an ID a cookie or Django cannot hold is an error (500), not a session', async () => {
    const browser = await start({ genid: () => 'bad id' });
    expect((await browser.get('/set')).status).toBe(500);
  });
});

describe('unset', () => {
  const unsetting = (app: Express) => {
    app.get('/unset', (req, res) => {
      req.session.n = 99;
      (req as { session?: unknown }).session = null;
      res.send('ok');
    });
  };

  it("'keep' (the default): the stored session stays as it was", async () => {
    const browser = await start({}, unsetting);
    await browser.get('/set?n=3');
    await browser.get('/unset');
    expect(JSON.parse((await browser.get('/get')).body).n).toBe(3);
  });

  it("'destroy': the stored session is deleted and the cookie too", async () => {
    const browser = await start({ unset: 'destroy' }, unsetting);
    await browser.get('/set?n=3');
    const cookie = browser.cookieHeader;
    const page = await browser.get('/unset');
    expect(sessionCookie(page)).toMatch(/Max-Age=0/);
    expect(JSON.parse((await browser.get('/get', { cookie })).body).n).toBeNull();
  });
});

describe('two apps in one process', () => {
  it('keep their own sessions; an app without the middleware sees none, and nothing shared changes', async () => {
    const shared = [express.request, express.response, IncomingMessage.prototype, ServerResponse.prototype];
    const before = shared.map((object) => Reflect.ownKeys(object));
    const one = await start({ name: 'one.sid' });
    const two = await start({ name: 'two.sid' });
    const plain = express();
    plain.get('/', (req, res) => void res.json({ has: 'session' in req, sessionID: 'sessionID' in req }));
    const bare = new Browser(await serve(plain));
    await one.get('/set?n=1');
    await two.get('/set?n=2');
    expect(JSON.parse((await one.get('/get')).body).n).toBe(1);
    expect(JSON.parse((await two.get('/get')).body).n).toBe(2);
    expect(JSON.parse((await bare.get('/')).body)).toEqual({ has: false, sessionID: false });
    expect(shared.map((object) => Reflect.ownKeys(object))).toEqual(before);
  });
});

/** A route that waits for `gate` after loading its session, then sets `key`. */
/**
 * A route that, once its session is loaded, tells the test (`gate.arrived`), waits for the gate, then
 * sets `key`. Waiting on `arrived` rather than on a timer keeps the test ordered on a loaded machine.
 */
function gated(app: Express, path: string, gate: Gate, key: 'n' | 'user', value: number | string) {
  app.get(path, async (req, res) => {
    gate.arrive();
    await gate.wait;
    (req.session as unknown as Record<string, unknown>)[key] = value;
    res.send('ok');
  });
}

interface Gate {
  /** Settles when the gated route has started (its session loaded). */
  arrived: Promise<void>;
  arrive: () => void;
  /** Settles when the test opens the gate. */
  wait: Promise<void>;
  open: () => void;
}

/** A gate the test opens. */
function gate(): Gate {
  let arrive: () => void = () => {};
  let open: () => void = () => {};
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { arrived, arrive, wait, open };
}

describe('parallel requests', () => {
  // Merge-on-save is the core's (stores with `replace`): the drop-in writes only the keys a request changed.
  it("keep each other's changes: only the keys a request changed are written", async () => {
    const slow = gate();
    const browser = await start({ resave: false }, (app) => gated(app, '/slow-user', slow, 'user', 'alice'));
    await browser.get('/set?n=1');
    const waiting = browser.get('/slow-user');
    await slow.arrived;
    await browser.get('/set?n=2');
    slow.open();
    await waiting;
    expect(JSON.parse((await browser.get('/get')).body)).toMatchObject({ n: 2, user: 'alice' });
  });

  it('answers 400 when the session was destroyed by another request before this one saved', async () => {
    const slow = gate();
    const browser = await start({ resave: false }, (app) => {
      gated(app, '/slow-set', slow, 'n', 5);
      app.get('/logout', (req, res) => req.session.destroy(() => res.send('bye')));
    });
    await browser.get('/set?n=1');
    const cookie = browser.cookieHeader;
    const waiting = browser.get('/slow-set');
    await slow.arrived;
    await browser.get('/logout');
    slow.open();
    expect((await waiting).status).toBe(400);
    expect(JSON.parse((await browser.get('/get', { cookie })).body).n).toBeNull();
  });
});

describe('fixed on purpose', () => {
  it('saves before the headers: the redirect after a login already carries a stored session', async () => {
    const store = slowStore();
    const browser = await start({ store, resave: false, saveUninitialized: false }, (app) => {
      app.get('/login', (req, res) => {
        req.session.user = 'alice';
        res.redirect('/whoami');
      });
      app.get('/whoami', (req, res) => void res.send(req.session.user ?? 'anonymous'));
    });
    const login = await browser.get('/login');
    expect(login.status).toBe(302);
    const id = browser.jar.get('connect.sid')!;
    // The redirect's headers left after the save: the record is there now, before any other request.
    expect(await store.exists(id)).toBe(true);
    expect((await browser.get('/whoami')).body).toBe('alice');
  });

  it('saves before the headers of a streamed response too (res.write)', async () => {
    const store = slowStore();
    const browser = await start({ store, resave: false, saveUninitialized: false }, (app) => {
      app.get('/stream', (req, res) => {
        req.session.user = 'bob';
        res.write('a');
        setTimeout(() => res.end('b'), 20);
      });
    });
    const response = await fetch(`${browser.base}/stream`);
    const id = /connect\.sid=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
    expect(id).toBeDefined();
    expect(await store.exists(id!)).toBe(true);
    expect(await response.text()).toBe('ab');
  });

  it('adds Vary: Cookie to every response', async () => {
    const browser = await start({}, (app) => {
      app.get('/vary', (_req, res) => {
        res.setHeader('Vary', 'Accept-Encoding');
        res.send('ok');
      });
    });
    expect((await browser.get('/untouched')).headers.get('vary')).toBe('Cookie');
    expect((await browser.get('/vary')).headers.get('vary')).toBe('Accept-Encoding, Cookie');
  });

  it('does not save on a 5xx response', async () => {
    const browser = await start({ resave: false }, (app) => {
      app.get('/fail', (req, res) => {
        req.session.n = 500;
        res.status(500).send('boom');
      });
    });
    await browser.get('/set?n=1');
    expect((await browser.get('/fail')).status).toBe(500);
    expect(JSON.parse((await browser.get('/get')).body).n).toBe(1);
  });

  it('answers 503 when the store is down at load, instead of starting an empty session', async () => {
    let reached = false;
    const browser = await start({ store: downStore() }, (app) => {
      app.get('/reach', (_req, res) => {
        reached = true;
        res.send('ok');
      });
    });
    const page = await browser.get('/reach', { cookie: 'connect.sid=abcdefghijklmnopqrstuvwxyz012345' });
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('5');
    expect(reached).toBe(false);
  });

  it('answers 503 when the store fails at save', async () => {
    const failing: SessionStore = {
      ...createMemoryStore(),
      create: () => Promise.reject(new StoreUnavailable('down')),
    };
    const browser = await start({ store: failing }, () => {});
    const page = await browser.get('/set');
    expect(page.status).toBe(503);
    expect(sessionCookie(page)).toBeUndefined();
  });
});
