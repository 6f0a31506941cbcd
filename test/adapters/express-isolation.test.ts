/**
 * The Express adapter keeps to its request's own objects: sessions in mounted sub-apps, apps without
 * sessionkit in the same process, `req.session` assignment by others, interleaved requests.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import { describe, expect, it } from 'vitest';
import { attachSession } from '../../src/adapters/_node.js';
import { getSession, session } from '../../src/adapters/express.js';
import type { Session } from '../../src/core/session.js';
import { createSessionRuntime } from '../../src/http/options.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { SECRET } from '../helpers.js';
import { expressServers } from './express-serve.js';

const serve = expressServers();

/** An app with sessions whose `GET /` stores `n` and answers `ok`. */
function appStoringOnGet(): Express {
  const app = express();
  app.use(session({ secretKey: SECRET, store: createMemoryStore() }));
  app.get('/', async (req, res) => {
    await getSession(req).set('n', 1);
    res.send('ok');
  });
  return app;
}

const cookieOf = (response: Response): string => response.headers.getSetCookie()[0]?.split(';')[0] ?? '';

type WhoSession = Session<{ who: string }>;

/**
 * Add `/warm` and an interleaving `/` to `app` and serve them: requests `a` and `b` both attach their
 * session before either stores `who`. `/` answers whether `req.session` is the request's session, and
 * `afterFinish(req, s)` is recorded for each request once its response finished.
 */
async function interleaved(
  app: Express,
  afterFinish: (req: express.Request, s: WhoSession) => boolean,
): Promise<{ responses: Response[]; finished: Record<string, boolean> }> {
  let arrived = 0;
  let bothAttached!: () => void;
  const barrier = new Promise<void>((resolve) => {
    bothAttached = resolve;
  });
  const finished = new Map<string, boolean>();
  app.get('/warm', (_req, res) => void res.send('ok'));
  app.get('/', async (req, res) => {
    if (++arrived === 2) bothAttached();
    await barrier; // the other request attached its session after this one
    const who = String(req.query.who);
    const s = getSession<{ who: string }>(req);
    await s.set('who', who);
    res.on('finish', () => void finished.set(who, afterFinish(req, s)));
    res.send(String((req as unknown as { session: unknown }).session === s));
  });
  const url = await serve(app);
  await fetch(`${url}/warm`); // the first request through Express's prototypes takes another path
  const responses = await Promise.all(['a', 'b'].map((who) => fetch(`${url}/?who=${who}`)));
  return { responses, finished: Object.fromEntries(finished) };
}

describe('sessionkit/express and objects it does not own', () => {
  it('saves sessions modified in a mounted sub-app (which swaps the prototypes again)', async () => {
    const store = createMemoryStore();
    const app = express();
    app.use(session({ secretKey: SECRET, store }));
    const admin = express();
    admin.get('/count', async (req, res) => {
      const s = getSession<{ n: number }>(req);
      const n = ((await s.get('n')) ?? 0) + 1;
      await s.set('n', n);
      res.redirect(302, `/admin/seen?n=${n}`);
    });
    const nested = express();
    nested.get('/read', async (req, res) => {
      res.send(String((await getSession<{ n: number }>(req).get('n')) ?? 0));
    });
    admin.use('/deep', nested);
    app.use('/admin', admin);
    const url = await serve(app);

    const first = await fetch(`${url}/admin/count`, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const cookie = cookieOf(first);
    expect(cookie).toMatch(/^sessionid=[a-z0-9]{32}$/);
    const second = await fetch(`${url}/admin/count`, { redirect: 'manual', headers: { cookie } });
    expect(second.headers.get('location')).toBe('/admin/seen?n=2');
    const read = await fetch(`${url}/admin/deep/read`, { headers: { cookie } });
    expect(await read.text()).toBe('2');
    expect(read.headers.get('vary')).toBe('Cookie');
  });

  it('changes nothing a second Express app of the process can see', async () => {
    const shared = () => ({
      expressRequest: Reflect.ownKeys(express.request),
      expressResponse: Reflect.ownKeys(express.response),
      nodeRequest: Reflect.ownKeys(IncomingMessage.prototype),
      nodeResponse: Reflect.ownKeys(ServerResponse.prototype),
    });
    const before = shared();
    const withSessions = appStoringOnGet();
    const appOwn = () => [Reflect.ownKeys(withSessions.request), Reflect.ownKeys(withSessions.response)];
    const appBefore = appOwn();
    const plain = express();
    plain.get('/', (req, res) => {
      res.json({
        sessionInReq: 'session' in req,
        ownResponseMethods: ['end', 'write', 'writeHead', 'flushHeaders'].filter((name) =>
          Object.hasOwn(res, name),
        ),
        headerSymbols: Object.getOwnPropertySymbols(req.headers).length,
      });
    });
    const [a, b] = [await serve(withSessions), await serve(plain)];
    const cookie = cookieOf(await fetch(`${a}/`));
    expect(cookie).toMatch(/^sessionid=/);
    await (await fetch(`${a}/`, { headers: { cookie } })).text();
    for (let i = 0; i < 2; i++) {
      const other = await fetch(`${b}/`, { headers: { cookie } });
      expect(other.headers.getSetCookie()).toEqual([]);
      expect(other.headers.get('vary')).toBeNull();
      expect(await other.json()).toEqual({ sessionInReq: false, ownResponseMethods: [], headerSymbols: 0 });
    }
    expect(shared()).toEqual(before);
    expect(appOwn()).toEqual(appBefore);
  });

  it('leaves other Express apps of the process alone, and lets others assign req.session', async () => {
    const withSessions = appStoringOnGet();
    const plain = express();
    const assign: express.RequestHandler = (req, _res, next) => {
      (req as unknown as { session: unknown }).session = { mine: true };
      next();
    };
    plain.get('/', assign, (req, res) => {
      res.json({
        session: (req as unknown as { session: unknown }).session,
        own: Object.hasOwn(req, 'session'),
      });
    });
    plain.get('/bare', (req, res) => {
      res.write('a');
      res.end(String((req as unknown as { session?: unknown }).session === undefined));
    });
    const [a, b] = [await serve(withSessions), await serve(plain)];
    expect(cookieOf(await fetch(`${a}/`))).toMatch(/^sessionid=/);
    const other = await fetch(`${b}/`);
    expect(other.headers.getSetCookie()).toEqual([]);
    expect(await other.json()).toEqual({ session: { mine: true }, own: true });
    expect(await (await fetch(`${b}/bare`)).text()).toBe('atrue');
  });
});

describe('sessionkit/express, edge cases', () => {
  const cookies = (response: Response): Map<string, string> =>
    new Map(
      response.headers.getSetCookie().map((c) => {
        const pair = c.split(';')[0]!;
        return [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      }),
    );

  it('saves both sessions when two session middlewares run on one app (different cookies)', async () => {
    const app = express();
    app.use(session({ secretKey: SECRET, store: createMemoryStore(), cookieName: 'a' }));
    app.use(async (req, _res, next) => {
      const s = getSession<{ n: number }>(req);
      await s.set('n', ((await s.get('n')) ?? 0) + 1);
      next();
    });
    const second = session({ secretKey: SECRET, store: createMemoryStore(), cookieName: 'b' });
    app.use(second);
    app.get('/', async (req, res) => {
      const s = getSession<{ m: number }>(req);
      await s.set('m', ((await s.get('m')) ?? 0) + 10);
      res.send('ok');
    });
    const url = await serve(app);
    const jar = new Map<string, string>();
    for (let i = 1; i <= 4; i++) {
      const header = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const response = await fetch(url, { headers: header ? { cookie: header } : {} });
      const set = cookies(response);
      expect([...set.keys()].sort(), `request ${i}`).toEqual(['a', 'b']);
      for (const [k, v] of set) jar.set(k, v);
    }
    const a = await second.manager.open(jar.get('b')).get('m');
    expect(a).toBe(40);
  });

  it('keeps req.session when a middleware replaces res.locals, during and after the request', async () => {
    const app = express();
    app.use(session({ secretKey: SECRET, store: createMemoryStore() }));
    app.use((_req, res, next) => {
      res.locals = { title: 'replaced' };
      next();
    });
    let after: unknown;
    app.get('/', async (req, res) => {
      const s = getSession<{ n: number }>(req);
      await s.set('n', 1);
      res.on('finish', () => {
        after = (req as unknown as { session?: unknown }).session;
      });
      res.send(String((req as unknown as { session: typeof s }).session === s));
    });
    const url = await serve(app);
    for (let i = 0; i < 3; i++) {
      const response = await fetch(url);
      expect(await response.text()).toBe('true');
      expect(response.headers.getSetCookie()).toHaveLength(1);
      expect(after).toBeDefined();
    }
  });

  it('gives each request its own session when requests interleave, during and after the response', async () => {
    const middleware = session({ secretKey: SECRET, store: createMemoryStore() });
    const app = express();
    app.use(middleware);
    const { responses, finished } = await interleaved(
      app,
      (req, s) => (req as unknown as { session: unknown }).session === s,
    );
    for (const [i, who] of ['a', 'b'].entries()) {
      const response = responses[i]!;
      expect(await response.text()).toBe('true');
      const key = cookieOf(response).split('=')[1];
      expect(await middleware.manager.open(key).get('who')).toBe(who);
    }
    expect(finished).toEqual({ a: true, b: true });
  });

  it('keeps req.session a plain own property and req.headers as Node made them', async () => {
    const app = express();
    app.use(session({ secretKey: SECRET, store: createMemoryStore() }));
    app.get('/', async (req, res) => {
      const s = getSession<{ n: number }>(req);
      await s.set('n', 1);
      const descriptor = Object.getOwnPropertyDescriptor(req, 'session');
      res.json({
        plain: descriptor?.value === s && descriptor.writable === true && descriptor.enumerable === true,
        headerSymbols: Object.getOwnPropertySymbols(req.headers).length,
        hidden: Object.getOwnPropertyNames(req.headers).filter(
          (name) => !Object.hasOwn({ ...req.headers }, name),
        ),
      });
    });
    const url = await serve(app);
    for (let i = 0; i < 2; i++) {
      expect(await (await fetch(url)).json()).toEqual({ plain: true, headerSymbols: 0, hidden: [] });
    }
  });

  it('keeps req.session when a middleware replaces req.headers, during and after interleaved requests', async () => {
    const app = express();
    app.use(session({ secretKey: SECRET, store: createMemoryStore() }));
    app.use((req, _res, next) => {
      req.headers = { ...req.headers, 'x-normalized': '1' };
      next();
    });
    const { responses, finished } = await interleaved(
      app,
      (req, s) =>
        (req as unknown as { session: unknown }).session === s && getSession<{ who: string }>(req) === s,
    );
    for (const response of responses) {
      expect(await response.text()).toBe('true');
      expect(response.headers.getSetCookie()).toHaveLength(1);
    }
    expect(finished).toEqual({ a: true, b: true });
  });

  it('keeps req.session on a prototype-swapping framework without res.locals, after later requests', async () => {
    const runtime = createSessionRuntime({ secretKey: SECRET, store: createMemoryStore() });
    const requestProto = Object.create(IncomingMessage.prototype) as object;
    const responseProto = Object.create(ServerResponse.prototype) as object;
    const attached: Array<[IncomingMessage, unknown]> = [];
    const server = createServer((req, res) => {
      // What Express does, minus res.locals.
      Object.setPrototypeOf(req, requestProto);
      Object.setPrototypeOf(res, responseProto);
      (req as unknown as { res: unknown }).res = res;
      const { session: s } = attachSession(runtime, req, res);
      attached.push([req, s]);
      void s.set('n', attached.length).then(() => res.end('ok'));
    });
    const url = await serve(server);
    for (let i = 0; i < 4; i++) expect((await fetch(url)).headers.getSetCookie()).toHaveLength(1);
    expect(attached.map(([req, s]) => (req as unknown as { session: unknown }).session === s)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('getSession honours a later req.session assignment, as before', async () => {
    const app = express();
    app.use(session({ secretKey: SECRET, store: createMemoryStore() }));
    app.get('/', (req, res) => {
      (req as unknown as { session: unknown }).session = null;
      try {
        getSession(req);
        res.send('no error');
      } catch (error) {
        res.send((error as { code?: string }).code ?? 'other');
      }
    });
    const url = await serve(app);
    for (let i = 0; i < 2; i++) expect(await (await fetch(url)).text()).toBe('ERR_SESSION_CONFIG');
  });

  it('still saves when something overrides res.end on app.response later and calls Node directly', async () => {
    const app = appStoringOnGet();
    const url = await serve(app);
    expect((await fetch(url)).headers.getSetCookie()).toHaveLength(1);
    expect((await fetch(url)).headers.getSetCookie()).toHaveLength(1);
    // Late instrumentation that bypasses whatever was on the chain.
    const nodeEnd = ServerResponse.prototype.end;
    (app.response as unknown as { end: unknown }).end = function (this: ServerResponse, ...args: unknown[]) {
      return (nodeEnd as (...a: unknown[]) => unknown).apply(this, args);
    };
    for (let i = 0; i < 2; i++) expect((await fetch(url)).headers.getSetCookie()).toHaveLength(1);
  });
});
