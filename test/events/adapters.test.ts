/**
 * Events through every adapter: a first request (create) and a second one with the cookie (load, save)
 * report the store's name, and nothing of the session's key or data.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import * as expressAdapter from '../../src/adapters/express.js';
import * as fastifyAdapter from '../../src/adapters/fastify.js';
import * as honoAdapter from '../../src/adapters/hono.js';
import * as koaAdapter from '../../src/adapters/koa.js';
import * as nodeAdapter from '../../src/adapters/node.js';
import type { SessionEvent } from '../../src/core/events.js';
import type { Session } from '../../src/core/session.js';
import { session as dropIn } from '../../src/express-session/index.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { SECRET } from '../helpers.js';

const SECRET_VALUE = 'value-that-must-not-appear-in-events';

/** The route every adapter serves: count visits. */
async function visit(session: Session): Promise<string> {
  const visits = ((await session.get('visits')) as number | undefined) ?? 0;
  await session.set('visits', visits + 1);
  await session.set('secret', SECRET_VALUE);
  return String(visits + 1);
}

type Start = (events: SessionEvent[]) => Promise<{ url: string; close(): Promise<void> }>;

async function listen(server: Server) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const options = (events: SessionEvent[]) => ({
  secretKey: SECRET,
  store: createMemoryStore(),
  onEvent: (event: SessionEvent) => events.push(event),
});

const starts: Record<string, Start> = {
  node: (events) => {
    const wrap = nodeAdapter.session(options(events));
    return listen(
      createServer(
        wrap(async (req, res) => {
          res.end(await visit(req.session));
        }),
      ),
    );
  },
  express: (events) => {
    const app = express();
    app.use(expressAdapter.session(options(events)));
    app.get('/', async (req, res) => {
      res.send(await visit(expressAdapter.getSession(req)));
    });
    return listen(createServer(app));
  },
  koa: (events) => {
    const app = new Koa();
    app.use(koaAdapter.session(options(events)));
    app.use(async (ctx) => {
      ctx.body = await visit(koaAdapter.getSession(ctx));
    });
    return listen(createServer(app.callback()));
  },
  hono: (events) => {
    const app = new Hono<honoAdapter.SessionEnv>();
    app.use(honoAdapter.session(options(events)));
    app.get('/', async (c) => c.text(await visit(honoAdapter.getSession(c))));
    return listen(createServer(getRequestListener(app.fetch)));
  },
  fastify: async (events) => {
    const app = Fastify();
    await app.register(fastifyAdapter.session(options(events)));
    app.get('/', async (request) => visit(fastifyAdapter.getSession(request)));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  },
  'express-session drop-in': (events) => {
    const app = express();
    app.use(
      dropIn({
        secret: SECRET,
        store: createMemoryStore(),
        resave: false,
        saveUninitialized: false,
        onEvent: (event) => events.push(event),
      }),
    );
    app.get('/', (req, res) => {
      const s = req as unknown as { session: Record<string, unknown> };
      const visits = ((s.session.visits as number | undefined) ?? 0) + 1;
      s.session.visits = visits;
      s.session.secret = SECRET_VALUE;
      res.send(String(visits));
    });
    return listen(createServer(app));
  },
};

let running: { url: string; close(): Promise<void> } | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

/** Two requests, the second with the first's cookie. */
async function twoVisits(start: Start): Promise<{ events: SessionEvent[]; cookie: string; body: string }> {
  const events: SessionEvent[] = [];
  const server = await start(events);
  running = server;
  const first = await fetch(`${server.url}/`);
  expect(await first.text()).toBe('1');
  const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
  expect(cookie).toMatch(/=\w+/);
  const second = await fetch(`${server.url}/`, { headers: { cookie } });
  return { events, cookie, body: await second.text() };
}

describe('onEvent through the adapters', () => {
  it.each(Object.keys(starts))(
    '%s: a request emits create, the next load and save, with the store name and no key or data',
    async (name) => {
      const { events, cookie, body } = await twoVisits(starts[name]!);
      expect(body).toBe('2');
      const types = events.map((event) => event.type);
      expect(types).toContain('create');
      expect(types).toContain('load');
      expect(types).toContain('save');
      expect(events.find((event) => event.type === 'load')?.outcome).toBe('found');
      for (const event of events) {
        expect(event.store).toBe('memory');
        expect(event.durationMs).toBeGreaterThanOrEqual(0);
      }
      const text = JSON.stringify(events);
      expect(text).not.toContain(SECRET_VALUE);
      const key = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)).replace(/^s:/, '');
      expect(text).not.toContain(key.slice(0, 32));
    },
  );
});
