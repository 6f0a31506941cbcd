/** sessionkit with Express. Run: npx tsx examples/express/server.ts */
import express from 'express';
import { getSession, session } from 'sessionkit/express';
import { EXAMPLE_SECRET, listen, runIfMain, type Started } from '../_run.js';

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
  return listen(app.listen(port, '127.0.0.1'), port, () => middleware.manager.close());
}

runIfMain(import.meta.url, start);
