/**
 * `npm start`: the demo site on http://localhost:8000 (SQLite sessions by default).
 *   npm start -- --store redis://127.0.0.1:6379 --port 8080     (or PORT=8080 npm start)
 * Pages: / (page counter, what changed at login), /login, /session (the decoded data), /sessions (your
 * sessions: end one, log out everywhere else), /members. Each shows the store and the session cookie.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createDemoApp } from './app.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite:./demo-sessions.sqlite3' },
    port: { type: 'string', default: process.env.PORT ?? '8000' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});

let secretKey = process.env.SESSIONKIT_SECRET_KEY;
if (!secretKey) {
  secretKey = 'demo-only-secret-key-do-not-use-in-production-0123456789';
  console.warn('SESSIONKIT_SECRET_KEY is not set: using the demo secret (never do this in production).');
}

const demo = createDemoApp({ store: values.store, secretKey });
// node:http rather than app.listen: Express 5 calls app.listen's callback on an error too.
const server = createServer(demo.app);
server.listen(Number(values.port), values.host);
server.on('listening', () => {
  console.log(`sessionkit demo on http://localhost:${values.port} (store: ${values.store})`);
  console.log('Log in as alice / wonderland or bob / builder.');
});
server.on('error', (error: NodeJS.ErrnoException) => {
  const reason =
    error.code === 'EADDRINUSE'
      ? `port ${values.port} is already in use (try --port or PORT=…)`
      : error.message;
  console.error(`sessionkit demo could not start: ${reason}`);
  void demo.close().then(() => process.exit(1));
});

function shutdown(): void {
  server.close(() => void demo.close().then(() => process.exit(0)));
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
