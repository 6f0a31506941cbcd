/**
 * The sessionkit/express server of the benchmark, shared by its variants (which differ only in the
 * store): the three routes, the child-process protocol.
 * @module
 */
import express, { type Express } from 'express';
import { getSession, type SessionMiddleware, session } from '../../../src/adapters/express.js';
import type { AnyStore } from '../../../src/stores/types.js';
import { announce, counterOf, portFromEnv, SESSIONKIT_SECRET, UNTOUCHED_BODY } from './_common.js';

/** The app on `store` with the secret every variant uses (also run without sockets by `in-process.ts`). */
export function sessionkitExpressApp(store: AnyStore): { app: Express; middleware: SessionMiddleware } {
  const middleware = session({ store, secretKey: SESSIONKIT_SECRET });
  const app = express();
  app.use(middleware);
  app.get('/counter', async (req, res) => {
    const s = getSession(req);
    const counter = counterOf(await s.get('counter')) + 1;
    await s.set('counter', counter);
    res.send(String(counter));
  });
  app.get('/read', async (req, res) => {
    res.send(String(counterOf(await getSession(req).get('counter'))));
  });
  app.get('/untouched', (_req, res) => void res.send(UNTOUCHED_BODY));
  return { app, middleware };
}

/** Start the server on `store`; `cleanUp` runs at stop. */
export function startSessionkitExpress(store: AnyStore, cleanUp: () => Promise<void> = async () => {}): void {
  const { app, middleware } = sessionkitExpressApp(store);
  const server = app.listen(portFromEnv(), '127.0.0.1', () =>
    announce(server, async () => {
      await cleanUp();
      await middleware.manager.close();
    }),
  );
}
