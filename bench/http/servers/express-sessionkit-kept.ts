/**
 * sessionkit's Express adapter with `normalizeObjects: false`: Express's request and response objects
 * kept as Express leaves them, so its ratio to plain Express is what the session work alone costs there.
 * @module
 */
import express from 'express';
import { getSession, session } from '../../../src/adapters/express.js';
import { createMemoryStore } from '../../../src/stores/memory.js';
import { announce, counterOf, portFromEnv, SESSIONKIT_SECRET, UNTOUCHED_BODY } from './_common.js';

const middleware = session({
  store: createMemoryStore({ max: 100_000 }),
  secretKey: SESSIONKIT_SECRET,
  normalizeObjects: false,
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
