/**
 * The sessionkit/express-session (drop-in) server of the benchmark, shared by its variants (which differ
 * only in the store): the express-session server's routes and options, with the import changed.
 * @module
 */
import express, { type Express } from 'express';
import { createClient } from 'redis';
import session, { type SessionMiddleware } from '../../../src/express-session/index.js';
import { createRedisStore } from '../../../src/stores/redis.js';
import type { AnyStore, DataFormat } from '../../../src/stores/types.js';
import {
  announce,
  COOKIE_MAX_AGE_MS,
  counterOf,
  portFromEnv,
  SESSIONKIT_SECRET,
  UNTOUCHED_BODY,
} from './_common.js';

declare module '../../../src/express-session/index.js' {
  interface SessionData {
    counter: number;
  }
}

/** The app on `store` (also run without sockets by `in-process.ts`). */
export function dropinApp(store: AnyStore): { app: Express; middleware: SessionMiddleware } {
  const middleware = session({
    store,
    secret: SESSIONKIT_SECRET,
    resave: false,
    saveUninitialized: false,
    cookie: { maxAge: COOKIE_MAX_AGE_MS, httpOnly: true, sameSite: 'lax' },
  });
  const app = express();
  app.use(middleware);
  app.get('/counter', (req, res) => {
    const counter = counterOf(req.session.counter) + 1;
    req.session.counter = counter;
    res.send(String(counter));
  });
  app.get('/read', (req, res) => void res.send(String(counterOf(req.session.counter))));
  app.get('/untouched', (_req, res) => void res.send(UNTOUCHED_BODY));
  return { app, middleware };
}

/** Start the server on `store`; `cleanUp` runs at stop. */
export function startDropin(store: AnyStore, cleanUp: () => Promise<void> = async () => {}): void {
  const { app, middleware } = dropinApp(store);
  const server = app.listen(portFromEnv(), '127.0.0.1', () =>
    announce(server, async () => {
      await cleanUp();
      await middleware.manager.close();
    }),
  );
}

/**
 * Start the server on the shared Redis in `dataFormat`, under a key prefix of this process's own that is
 * deleted at stop (the shared Redis is never flushed).
 */
export function startDropinOnRedis(dataFormat: DataFormat): void {
  const url = process.env.SESSIONKIT_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench-http:dropin-${dataFormat}:${process.pid}:`;
  startDropin(createRedisStore({ url, prefix, dataFormat }), async () => {
    const client = createClient({ url });
    client.on('error', () => {});
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
      if (keys.length > 0) await client.del(keys);
    }
    client.destroy();
  });
}
