/** Bare node:http, no sessions: the ceiling. `/counter` computes 0 + 1 from nothing stored. @module */
import { createServer, type ServerResponse } from 'node:http';
import { announce, counterOf, portFromEnv, UNTOUCHED_BODY } from './_common.js';

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

const server = createServer((req, res) => {
  if (req.url === '/counter') send(res, 200, String(counterOf(undefined) + 1));
  else if (req.url === '/read') send(res, 200, String(counterOf(undefined)));
  else if (req.url === '/untouched') send(res, 200, UNTOUCHED_BODY);
  else send(res, 404, 'not found');
});
server.listen(portFromEnv(), '127.0.0.1', () => announce(server));
