/**
 * The Express adapter's prototype layers: sessions in mounted sub-apps, apps without sessionkit in
 * the same process, `req.session` assignment by others, and responses that are never finalized.
 */
import { once } from 'node:events';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { hookedResponseCount, sweepHookedResponses } from '../../src/adapters/_layers.js';
import { getSession, session } from '../../src/adapters/express.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { SECRET } from '../helpers.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(app: Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const cookieOf = (response: Response): string => response.headers.getSetCookie()[0]?.split(';')[0] ?? '';

describe('sessionkit/express prototype layers', () => {
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

  it('leaves other Express apps of the process alone, and lets others assign req.session', async () => {
    const withSessions = express();
    withSessions.use(session({ secretKey: SECRET, store: createMemoryStore() }));
    withSessions.get('/', async (req, res) => {
      await getSession(req).set('a', 1);
      res.send('ok');
    });
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

  it('forgets a response once finalized, and sweeps one that never was (client gone)', async () => {
    const app = express();
    app.use(session({ secretKey: SECRET, store: createMemoryStore() }));
    let reached!: () => void;
    const handlerReached = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const closed: Array<Promise<unknown>> = [];
    app.get('/hang', (_req, res) => {
      closed.push(once(res, 'close'));
      reached(); // and never answer
    });
    app.get('/ok', (_req, res) => void res.send('ok'));
    const url = await serve(app);
    const before = hookedResponseCount();
    await (await fetch(`${url}/ok`)).text();
    expect(hookedResponseCount()).toBe(before);

    const { port } = new URL(url);
    const req = httpRequest({ host: '127.0.0.1', port, path: '/hang' });
    req.on('error', () => {});
    req.end();
    await handlerReached;
    expect(hookedResponseCount()).toBe(before + 1);
    sweepHookedResponses(); // still open: kept
    expect(hookedResponseCount()).toBe(before + 1);
    req.destroy();
    await closed[0];
    sweepHookedResponses();
    expect(hookedResponseCount()).toBe(before);
  });
});
