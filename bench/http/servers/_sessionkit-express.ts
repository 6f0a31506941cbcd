/**
 * The sessionkit/express server of the benchmark, shared by its variants (which differ only in the
 * store): the three routes, the child-process protocol.
 * @module
 */
import express from 'express';
import { getSession, session } from '../../../src/adapters/express.js';
import type { AnyStore } from '../../../src/stores/types.js';
import { announce, counterOf, portFromEnv, SESSIONKIT_SECRET, UNTOUCHED_BODY } from './_common.js';

/** Start the server on `store` with the secret every variant uses; `cleanUp` runs at stop. */
export function startSessionkitExpress(store: AnyStore, cleanUp: () => Promise<void> = async () => {}): void {
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
  const server = app.listen(portFromEnv(), '127.0.0.1', () =>
    announce(server, async () => {
      await cleanUp();
      await middleware.manager.close();
    }),
  );
}
