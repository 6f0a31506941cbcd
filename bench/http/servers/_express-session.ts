/**
 * The express-session server of the benchmark, shared by its variants (which differ only in the
 * store): configured as its docs recommend (resave: false, saveUninitialized: false) and with a
 * two-week cookie like sessionkit's default. Loaded with `require` and typed locally: importing its
 * types would augment `Express.Request` program-wide.
 * @module
 */
import { createRequire } from 'node:module';
import express, { type RequestHandler } from 'express';
import {
  announce,
  COOKIE_MAX_AGE_MS,
  COOKIE_SECRET,
  counterOf,
  portFromEnv,
  UNTOUCHED_BODY,
} from './_common.js';

type ExpressSession = (options: Record<string, unknown>) => RequestHandler;
type Req = { session: Record<string, unknown> };

/** Start the server; `store` is an express-session store (its MemoryStore when absent). */
export function startExpressSession(store?: object, cleanUp: () => Promise<void> = async () => {}): void {
  const expressSession = createRequire(import.meta.url)('express-session') as ExpressSession;
  const app = express();
  app.use(
    expressSession({
      ...(store === undefined ? {} : { store }),
      secret: COOKIE_SECRET,
      resave: false,
      saveUninitialized: false,
      cookie: { maxAge: COOKIE_MAX_AGE_MS, httpOnly: true, sameSite: 'lax' },
    }),
  );
  app.get('/counter', (req, res) => {
    const data = (req as unknown as Req).session;
    const counter = counterOf(data.counter) + 1;
    data.counter = counter;
    res.send(String(counter));
  });
  app.get('/read', (req, res) => void res.send(String(counterOf((req as unknown as Req).session.counter))));
  app.get('/untouched', (_req, res) => void res.send(UNTOUCHED_BODY));
  const server = app.listen(portFromEnv(), '127.0.0.1', () => announce(server, cleanUp));
}
