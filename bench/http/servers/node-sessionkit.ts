/** sessionkit on node:http with the memory store. @module */
import { createServer, type ServerResponse } from 'node:http';
import { session } from '../../../src/adapters/node.js';
import { createMemoryStore } from '../../../src/stores/memory.js';
import { announce, counterOf, portFromEnv, SESSIONKIT_SECRET, UNTOUCHED_BODY } from './_common.js';

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

const withSession = session<{ counter: number }>({
  store: createMemoryStore({ max: 100_000 }),
  secretKey: SESSIONKIT_SECRET,
});
const server = createServer(
  withSession(async (req, res) => {
    if (req.url === '/counter') {
      const counter = counterOf(await req.session.get('counter')) + 1;
      await req.session.set('counter', counter);
      send(res, 200, String(counter));
    } else if (req.url === '/read') {
      send(res, 200, String(counterOf(await req.session.get('counter'))));
    } else if (req.url === '/untouched') {
      send(res, 200, UNTOUCHED_BODY);
    } else {
      send(res, 404, 'not found');
    }
  }),
);
server.listen(portFromEnv(), '127.0.0.1', () => announce(server, () => withSession.manager.close()));
