/**
 * `npm start`: the demo site on http://localhost:8000 (SQLite sessions by default).
 *   npm start -- --store redis://127.0.0.1:6379 --port 8080
 */
import { parseArgs } from 'node:util';
import { createDemoApp } from './app.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite:./demo-sessions.sqlite3' },
    port: { type: 'string', default: '8000' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});

let secretKey = process.env.SESSIONKIT_SECRET_KEY;
if (!secretKey) {
  secretKey = 'demo-only-secret-key-do-not-use-in-production-0123456789';
  console.warn('SESSIONKIT_SECRET_KEY is not set: using the demo secret (never do this in production).');
}

const demo = createDemoApp({ store: values.store, secretKey });
const server = demo.app.listen(Number(values.port), values.host, () => {
  console.log(`sessionkit demo on http://localhost:${values.port} (store: ${values.store})`);
  console.log('Log in as alice / wonderland or bob / builder.');
});

function shutdown(): void {
  server.close(() => void demo.close().then(() => process.exit(0)));
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
