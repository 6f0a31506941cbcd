/**
 * The sessionkit/express-session (drop-in) server of the benchmark, shared by its variants (which differ
 * only in the store): the express-session server's routes and options, with the import changed.
 * @module
 */
import express from 'express';
import session from '../../../src/express-session/index.js';
import type { AnyStore } from '../../../src/stores/types.js';
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

/** Start the server on `store`; `cleanUp` runs at stop. */
export function startDropin(store: AnyStore, cleanUp: () => Promise<void> = async () => {}): void {
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
  const server = app.listen(portFromEnv(), '127.0.0.1', () =>
    announce(server, async () => {
      await cleanUp();
      await middleware.manager.close();
    }),
  );
}
