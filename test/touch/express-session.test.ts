/**
 * The express-session drop-in's `rolling: true, resave: false` on a store with touch: an unchanged
 * session's expiry is extended in the store (at most once per interval) instead of saving its data
 * again, and the cookie goes out on every response as with express-session. Wall clock (the drop-in's
 * cookie counts down on Date.now), with a 3 s cookie and a 1 s interval.
 */
import express from 'express';
import { describe, expect, it } from 'vitest';
import session from '../../src/express-session/index.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import type { SessionStore } from '../../src/stores/types.js';
import { Browser, expressServers, SECRET } from '../express-session/helpers.js';
import { counted, type Writes } from './driver.js';

const serve = expressServers();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A memory store whose data writes and touches are counted. */
function countingStore() {
  const inner = createMemoryStore();
  const counts: Writes = { data: 0, touches: 0 };
  return { store: counted(inner, counts), inner, counts };
}

async function start(store: SessionStore, options: { resave: boolean }) {
  const app = express();
  app.use(session({ secret: SECRET, store, rolling: true, cookie: { maxAge: 3000 }, ...options }));
  app.get('/login', (req, res) => {
    (req.session as unknown as { user: string }).user = 'alice';
    res.send('in');
  });
  app.get('/me', (req, res) => void res.send((req.session as unknown as { user?: string }).user ?? 'nobody'));
  return new Browser(await serve(app));
}

describe('express-session drop-in: rolling without resave', () => {
  it('touches an unchanged session instead of saving it, and it outlives its cookie age', async () => {
    const { store, inner, counts } = countingStore();
    const browser = await start(store, { resave: false });
    await browser.get('/login');
    const key = decodeURIComponent(browser.jar.get('connect.sid')!);
    const data = (await inner.load(key, new Date()))!.data;
    counts.data = 0;
    const started = Date.now();
    while (Date.now() - started < 5000) {
      await pause(400);
      const page = await browser.get('/me');
      expect(page.body).toBe('alice');
      // The cookie goes out on every response (rolling), with the whole age again.
      const cookie = page.setCookies.find((line) => line.startsWith('connect.sid='));
      expect(cookie).toMatch(/Max-Age=[23];/);
    }
    const elapsed = (Date.now() - started) / 1000;
    expect(counts.data).toBe(0);
    expect(counts.touches).toBeGreaterThanOrEqual(2);
    expect(counts.touches).toBeLessThanOrEqual(Math.floor(elapsed) + 1);
    expect((await inner.load(key, new Date()))!.data).toBe(data);
  });

  it('still saves every response with resave: true', async () => {
    const { store, counts } = countingStore();
    const browser = await start(store, { resave: true });
    await browser.get('/login');
    await browser.get('/me');
    await browser.get('/me');
    expect(counts.data).toBe(3);
    expect(counts.touches).toBe(0);
  });
});
