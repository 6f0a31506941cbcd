/**
 * Events through every adapter: a first request (create) and a second one with the cookie (load, save)
 * report the store's name, and nothing of the session's key or data.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/core/events.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { type RunningApp, SECRET_VALUE, type StartApp, starts } from './adapter-apps.js';

let running: RunningApp | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

/** Two requests, the second with the first's cookie. */
async function twoVisits(start: StartApp): Promise<{ events: SessionEvent[]; cookie: string; body: string }> {
  const events: SessionEvent[] = [];
  const server = await start({ store: createMemoryStore(), onEvent: (event) => events.push(event) });
  running = server;
  const first = await fetch(`${server.url}/`);
  expect(await first.text()).toBe('1');
  const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
  expect(cookie).toMatch(/=\w+/);
  const second = await fetch(`${server.url}/`, { headers: { cookie } });
  return { events, cookie, body: await second.text() };
}

describe('onEvent through the adapters', () => {
  it.each(Object.keys(starts))(
    '%s: a request emits create, the next load and save, with the store name and no key or data',
    async (name) => {
      const { events, cookie, body } = await twoVisits(starts[name]!);
      expect(body).toBe('2');
      const types = events.map((event) => event.type);
      expect(types).toContain('create');
      expect(types).toContain('load');
      expect(types).toContain('save');
      expect(events.find((event) => event.type === 'load')?.outcome).toBe('found');
      for (const event of events) {
        expect(event.store).toBe('memory');
        expect(event.durationMs).toBeGreaterThanOrEqual(0);
      }
      const text = JSON.stringify(events);
      expect(text).not.toContain(SECRET_VALUE);
      const key = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)).replace(/^s:/, '');
      expect(text).not.toContain(key.slice(0, 32));
    },
  );
});
