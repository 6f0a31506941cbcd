/**
 * One small app per adapter (node, express, fastify, koa, hono, the express-session drop-in) for the
 * event tests: `/` counts visits (and stores a value that must never appear in an event), `/logout`
 * deletes the session.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import * as expressAdapter from '../../src/adapters/express.js';
import * as fastifyAdapter from '../../src/adapters/fastify.js';
import * as honoAdapter from '../../src/adapters/hono.js';
import * as koaAdapter from '../../src/adapters/koa.js';
import * as nodeAdapter from '../../src/adapters/node.js';
import type { SessionEvent } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Session } from '../../src/core/session.js';
import { session as dropIn } from '../../src/express-session/index.js';
import type { SessionStore } from '../../src/stores/types.js';
import { SECRET } from '../helpers.js';

/** A value stored in every session; no event may carry it. */
export const SECRET_VALUE = 'value-that-must-not-appear-in-events';

/** What every app is built with. */
export interface AppOptions {
  store: SessionStore;
  onEvent(event: SessionEvent): void;
}

/** A running app. */
export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

/** Starts one adapter's app. */
export type StartApp = (options: AppOptions) => Promise<RunningApp>;

/** The route of every adapter but the drop-in. */
async function act(session: Session, path: string): Promise<string> {
  if (path === '/logout') {
    await session.flush();
    return 'bye';
  }
  const visits = ((await session.get('visits')) as number | undefined) ?? 0;
  await session.set('visits', visits + 1);
  await session.set('secret', SECRET_VALUE);
  return String(visits + 1);
}

async function listen(server: Server): Promise<RunningApp> {
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

const settings = ({ store, onEvent }: AppOptions) => ({
  secretKey: SECRET,
  store,
  onEvent,
  logger: silentLogger,
});

/** Each adapter's app, by name. */
export const starts: Record<string, StartApp> = {
  node: (options) => {
    const wrap = nodeAdapter.session(settings(options));
    return listen(
      createServer(
        wrap(async (req, res) => {
          res.end(await act(req.session, req.url ?? '/'));
        }),
      ),
    );
  },
  express: (options) => {
    const app = express();
    app.use(expressAdapter.session(settings(options)));
    app.use(async (req, res) => {
      res.send(await act(expressAdapter.getSession(req), req.path));
    });
    return listen(createServer(app));
  },
  koa: (options) => {
    const app = new Koa();
    app.silent = true;
    app.use(koaAdapter.session(settings(options)));
    app.use(async (ctx) => {
      ctx.body = await act(koaAdapter.getSession(ctx), ctx.path);
    });
    return listen(createServer(app.callback()));
  },
  hono: (options) => {
    const app = new Hono<honoAdapter.SessionEnv>();
    app.use(honoAdapter.session(settings(options)));
    app.get('*', async (c) => c.text(await act(honoAdapter.getSession(c), c.req.path)));
    return listen(createServer(getRequestListener(app.fetch)));
  },
  fastify: async (options) => {
    const app = Fastify();
    await app.register(fastifyAdapter.session(settings(options)));
    app.get('*', async (request) => act(fastifyAdapter.getSession(request), request.url));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  },
  'express-session drop-in': ({ store, onEvent }) => {
    const app = express();
    app.use(
      dropIn({
        secret: SECRET,
        store,
        resave: false,
        saveUninitialized: false,
        onEvent,
        logger: silentLogger,
      }),
    );
    app.use((req, res, next) => {
      const s = req as unknown as {
        session: Record<string, unknown> & { destroy(cb: (e?: unknown) => void): void };
      };
      if (req.path === '/logout') {
        s.session.destroy((error) => (error ? next(error) : res.send('bye')));
        return;
      }
      const visits = ((s.session.visits as number | undefined) ?? 0) + 1;
      s.session.visits = visits;
      s.session.secret = SECRET_VALUE;
      res.send(String(visits));
    });
    return listen(createServer(app));
  },
};
