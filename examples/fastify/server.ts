/** sessionkit with Fastify. Run: npx tsx examples/fastify/server.ts */
import Fastify from 'fastify';
import sessionkit, { getSession } from 'sessionkit/fastify';
import { EXAMPLE_SECRET, runIfMain, type Started } from '../_run.js';

export async function start(port = 3000, store = 'sqlite:./example-sessions.sqlite3'): Promise<Started> {
  const app = Fastify();
  await app.register(sessionkit, { store, secretKey: EXAMPLE_SECRET });
  app.get('/', async (request, reply) => {
    const s = getSession<{ visits: number }>(request);
    const visits = ((await s.get('visits')) ?? 0) + 1;
    await s.set('visits', visits);
    return reply.type('text/plain').send(`visits: ${visits}\n`);
  });
  const url = await app.listen({ port, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

runIfMain(import.meta.url, start);
