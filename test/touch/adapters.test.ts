/**
 * Touch-only rolling through a framework adapter (Express): a response that only read the session
 * waits for the touch and carries the moved cookie; between touches it carries none.
 */
import express from 'express';
import { describe, expect, it } from 'vitest';
import { getSession, session } from '../../src/adapters/express.js';
import { silentLogger } from '../../src/core/logger.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { expressServers } from '../adapters/express-serve.js';
import { createClock, SECRET } from '../helpers.js';

const serve = expressServers();

describe("rolling: 'touch' through the Express adapter", () => {
  it('sends the moved cookie on a read-only response once the interval passed', async () => {
    const clock = createClock(Date.now());
    const app = express();
    app.use(
      session({
        secretKey: SECRET,
        store: createMemoryStore(),
        cookieAge: 100,
        rolling: 'touch',
        touchInterval: 10,
        now: clock.now,
        logger: silentLogger,
      }),
    );
    app.get('/login', async (req, res) => {
      await getSession(req).set('user', 'alice');
      res.send('in');
    });
    app.get('/me', async (req, res) => void res.send(String(await getSession(req).get('user'))));
    const base = await serve(app);
    const login = await fetch(`${base}/login`);
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    clock.advance(5);
    const early = await fetch(`${base}/me`, { headers: { cookie } });
    expect(await early.text()).toBe('alice');
    expect(early.headers.getSetCookie()).toEqual([]);
    clock.advance(10);
    const due = await fetch(`${base}/me`, { headers: { cookie } });
    expect(await due.text()).toBe('alice');
    const moved = due.headers.getSetCookie()[0];
    expect(moved?.split(';')[0]).toBe(cookie);
    expect(moved).toMatch(/Max-Age=100;/);
    clock.advance(95); // 110 s after login, 95 s after the touch
    expect(await (await fetch(`${base}/me`, { headers: { cookie } })).text()).toBe('alice');
  });
});
