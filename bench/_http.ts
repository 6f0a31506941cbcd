/**
 * Express apps with the same three routes — `/untouched` (never reads the session), `/read` (reads a
 * counter), `/modify` (increments it) — on sessionkit's adapter, on express-session + connect-redis,
 * and with no session at all; plus a keep-alive HTTP client.
 *
 * express-session and connect-redis are loaded with `require` and typed locally: importing their types
 * would augment `Express.Request` for the whole TypeScript program.
 * @module
 */
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import express, { type Express, type RequestHandler } from 'express';
import { getSession, session } from '../src/adapters/express.js';
import type { SessionManager } from '../src/core/manager.js';
import { SECRET_KEY } from './_stores.js';

type ExpressSession = (options: Record<string, unknown>) => RequestHandler;
type ConnectRedis = { RedisStore: new (options: { client: unknown; prefix?: string }) => object };

const require = createRequire(import.meta.url);

/** The Express app of sessionkit's adapter on `manager`. */
export function sessionkitApp(manager: SessionManager): Express {
  const app = express();
  app.use(session({ manager }));
  app.get('/untouched', (_req, res) => void res.send('ok'));
  app.get('/read', async (req, res) => {
    res.send(String((await getSession(req).get('counter')) ?? 0));
  });
  app.get('/modify', async (req, res) => {
    const s = getSession(req);
    const counter = ((await s.get('counter')) as number | undefined) ?? 0;
    await s.set('counter', counter + 1);
    res.send(String(counter + 1));
  });
  return app;
}

/** express-session + connect-redis as its docs recommend (resave: false, saveUninitialized: false). */
export function expressSessionApp(redisClient: unknown, prefix: string): Express {
  const expressSession = require('express-session') as ExpressSession;
  const { RedisStore } = require('connect-redis') as ConnectRedis;
  const app = express();
  app.use(
    expressSession({
      store: new RedisStore({ client: redisClient, prefix }),
      secret: SECRET_KEY,
      resave: false,
      saveUninitialized: false,
      cookie: { maxAge: 1800 * 1000 }, // as sessionkit's cookieAge here; also the Redis TTL
    }),
  );
  type Req = { session: Record<string, unknown> };
  app.get('/untouched', (_req, res) => void res.send('ok'));
  app.get('/read', (req, res) => void res.send(String((req as unknown as Req).session.counter ?? 0)));
  app.get('/modify', (req, res) => {
    const data = (req as unknown as Req).session;
    data.counter = ((data.counter as number | undefined) ?? 0) + 1;
    res.send(String(data.counter));
  });
  return app;
}

/** The same routes without any session middleware (the ceiling). */
export function bareApp(): Express {
  const app = express();
  for (const path of ['/untouched', '/read', '/modify']) app.get(path, (_req, res) => void res.send('ok'));
  return app;
}

/** A listening server and a keep-alive `get` against it. */
export interface Served {
  get(path: string, cookie?: string): Promise<{ status: number; body: string; setCookie: string[] }>;
  close(): Promise<void>;
}

/** Listen on a free loopback port. */
export async function serve(app: Express, sockets = 16): Promise<Served> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  return {
    get(path, cookie) {
      return new Promise((resolve, reject) => {
        const headers = cookie ? { cookie } : {};
        const req = request({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body, setCookie: res.headers['set-cookie'] ?? [] }),
          );
        });
        req.on('error', reject);
        req.end();
      });
    },
    async close() {
      agent.destroy();
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Start a session with `/modify` and return its `Cookie` header; checks that `/read` then sees it. */
export async function establish(served: Served): Promise<string> {
  const first = await served.get('/modify');
  const cookie = first.setCookie[0]?.split(';')[0];
  if (first.status !== 200 || !cookie) throw new Error(`no session cookie (status ${first.status})`);
  const check = await served.get('/read', cookie);
  if (check.body !== '1') throw new Error(`session not kept: /read answered ${check.status} ${check.body}`);
  return cookie;
}
