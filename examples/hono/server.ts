/**
 * sessionkit with Hono, sessions in a signed cookie (no server-side store, so the same app runs on
 * any Fetch-API runtime). Run: npx tsx examples/hono/server.ts
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type SessionEnv, session } from 'sessionkit/hono';
import { createSignedCookieStore } from 'sessionkit/stores/signed-cookie';
import { EXAMPLE_SECRET, runIfMain, type Started } from '../_run.js';

type Data = { visits: number };

export function createApp() {
  const app = new Hono<SessionEnv<Data>>();
  app.use(session<Data>({ store: createSignedCookieStore(), secretKey: EXAMPLE_SECRET }));
  app.get('/', async (c) => {
    const s = c.get('session');
    const visits = ((await s.get('visits')) ?? 0) + 1;
    await s.set('visits', visits);
    return c.text(`visits: ${visits}\n`);
  });
  return app;
}

export async function start(port = 3000): Promise<Started> {
  const app = createApp();
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}

runIfMain(import.meta.url, start);
