/** sessionkit's Fastify plugin with the memory store. @module */
import Fastify from 'fastify';
import sessionkit, { getSession } from '../../../src/adapters/fastify.js';
import { createMemoryStore } from '../../../src/stores/memory.js';
import { announce, counterOf, portFromEnv, SESSIONKIT_SECRET, UNTOUCHED_BODY } from './_common.js';

const app = Fastify({ logger: false });
await app.register(sessionkit, { store: createMemoryStore({ max: 100_000 }), secretKey: SESSIONKIT_SECRET });
app.get('/counter', async (request) => {
  const s = getSession(request);
  const counter = counterOf(await s.get('counter')) + 1;
  await s.set('counter', counter);
  return String(counter);
});
app.get('/read', async (request) => String(counterOf(await getSession(request).get('counter'))));
app.get('/untouched', async () => UNTOUCHED_BODY);
await app.listen({ port: portFromEnv(), host: '127.0.0.1' });
announce(app.server, () => app.close());
