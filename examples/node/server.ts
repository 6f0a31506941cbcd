/** sessionkit on plain node:http. Run: npx tsx examples/node/server.ts */
import { createServer } from 'node:http';
import { session } from 'sessionkit/node';
import { EXAMPLE_SECRET, listen, runIfMain, type Started } from '../_run.js';

export async function start(port = 3000, store = 'sqlite:./example-sessions.sqlite3'): Promise<Started> {
  const withSession = session<{ visits: number }>({ store, secretKey: EXAMPLE_SECRET });
  const server = createServer(
    withSession(async (req, res) => {
      const visits = ((await req.session.get('visits')) ?? 0) + 1;
      await req.session.set('visits', visits);
      res.setHeader('Content-Type', 'text/plain');
      res.end(`visits: ${visits}\n`);
    }),
  );
  return listen(server, port, () => withSession.manager.close());
}

runIfMain(import.meta.url, start);
