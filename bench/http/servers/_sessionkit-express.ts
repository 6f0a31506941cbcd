/**
 * The sessionkit/express server of the benchmark, shared by its variants (which differ only in the
 * Express adapter's own options): memory store, the three routes, the child-process protocol.
 * @module
 */
import express from 'express';
import { type ExpressOptions, getSession, session } from '../../../src/adapters/express.js';
import { createMemoryStore } from '../../../src/stores/memory.js';
import { announce, counterOf, portFromEnv, SESSIONKIT_SECRET, UNTOUCHED_BODY } from './_common.js';

/** Start the server with `options` added to the store and secret every variant uses. */
export function startSessionkitExpress(options: ExpressOptions = {}): void {
  const middleware = session({
    store: createMemoryStore({ max: 100_000 }),
    secretKey: SESSIONKIT_SECRET,
    ...options,
  });
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
    announce(server, () => middleware.manager.close()),
  );
}
