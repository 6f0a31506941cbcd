/** Plain Fastify, no sessions: `/counter` computes 0 + 1 from nothing stored. @module */
import Fastify from 'fastify';
import { announce, counterOf, portFromEnv, UNTOUCHED_BODY } from './_common.js';

const app = Fastify({ logger: false });
app.get('/counter', async () => String(counterOf(undefined) + 1));
app.get('/read', async () => String(counterOf(undefined)));
app.get('/untouched', async () => UNTOUCHED_BODY);
await app.listen({ port: portFromEnv(), host: '127.0.0.1' });
announce(app.server, () => app.close());
