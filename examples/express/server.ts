/** sessionkit with Express. Run: npx tsx examples/express/server.ts */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { getSession, session } from '../../src/adapters/express.js';
import { EXAMPLE_SECRET, runIfMain, type Started } from '../_run.js';

export async function start(port = 3000, store = 'sqlite:./example-sessions.sqlite3'): Promise<Started> {
  const app = express();
  const middleware = session<{ visits: number }>({ store, secretKey: EXAMPLE_SECRET });
  app.use(middleware);
  app.get('/', async (req, res) => {
    const s = getSession<{ visits: number }>(req);
    const visits = ((await s.get('visits')) ?? 0) + 1;
    await s.set('visits', visits);
    res.type('text/plain').send(`visits: ${visits}\n`);
  });
  const server = app.listen(port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await middleware.manager.close();
    },
  };
}

runIfMain(import.meta.url, start);
