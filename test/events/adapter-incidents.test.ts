/**
 * The incident events through every adapter (issue 17: events tested on every adapter): a lost
 * compare-and-swap (`conflict`, then the merged `save`), forged stored data (`tampered`, a new
 * session), a store that is down (`error`, the adapter answers 503) and a logout (`delete`). A memory
 * store is scripted to misbehave once at the right moment; every event names the store and carries no
 * session data.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailable } from '../../src/core/errors.js';
import type { SessionEvent } from '../../src/core/events.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import type { SessionStore } from '../../src/stores/types.js';
import { type RunningApp, SECRET_VALUE, starts } from './adapter-apps.js';

/** How the scripted store misbehaves next: a lost compare-and-swap or forged data once, or down. */
type Trouble = 'none' | 'conflict once' | 'forged once' | 'down';

/** A memory store that misbehaves as told. */
function scriptedStore() {
  const inner = createMemoryStore();
  const script = { trouble: 'none' as Trouble };
  const store: SessionStore = {
    ...inner,
    async load(key, now) {
      if (script.trouble === 'down') throw new StoreUnavailable('the scripted store is down');
      const stored = await inner.load(key, now);
      if (script.trouble !== 'forged once' || stored === null) return stored;
      script.trouble = 'none';
      return { ...stored, data: 'forged:data' };
    },
    async replace(record, expected) {
      if (script.trouble !== 'conflict once') return inner.replace!(record, expected);
      script.trouble = 'none';
      return 'conflict';
    },
  };
  return { store, script };
}

let running: RunningApp | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

describe('incident events through the adapters', () => {
  it.each(Object.keys(starts))(
    '%s: conflict then save, tampered, error with a 503, delete at logout; store named, no data',
    async (name) => {
      const { store, script } = scriptedStore();
      const events: SessionEvent[] = [];
      running = await starts[name]!({ store, onEvent: (event) => events.push(event) });
      let cookie = '';
      /** One request with the jar's cookie; resolves its status, body and the events it caused. */
      const request = async (path: string, trouble: Trouble = 'none') => {
        script.trouble = trouble;
        const response = await fetch(`${running!.url}${path}`, { headers: cookie ? { cookie } : {} });
        const body = await response.text();
        script.trouble = 'none';
        const set = response.headers.get('set-cookie');
        if (set) cookie = set.split(';')[0]!;
        const caused = events.splice(0);
        for (const event of caused) expect(event.store).toBe('memory');
        expect(JSON.stringify(caused)).not.toContain(SECRET_VALUE);
        return { status: response.status, body, caused };
      };
      const typesOf = (caused: SessionEvent[]) => caused.map((event) => event.type);

      expect((await request('/')).body).toBe('1');

      const merged = await request('/', 'conflict once');
      expect(merged).toMatchObject({ status: 200, body: '2' });
      expect(merged.caused).toContainEqual(
        expect.objectContaining({ type: 'conflict', outcome: 'merging', operation: 'save' }),
      );
      expect(typesOf(merged.caused).slice(typesOf(merged.caused).indexOf('conflict'))).toContain('save');

      const forged = await request('/', 'forged once');
      // Forged data loads as an empty session: the count starts again.
      expect(forged).toMatchObject({ status: 200, body: '1' });
      expect(forged.caused).toContainEqual(
        expect.objectContaining({ type: 'tampered', outcome: 'refused', operation: 'load' }),
      );

      const down = await request('/', 'down');
      expect(down.status).toBe(503);
      expect(down.caused).toContainEqual(
        expect.objectContaining({ type: 'error', outcome: 'ERR_STORE_UNAVAILABLE', operation: 'load' }),
      );

      const logout = await request('/logout');
      expect(logout).toMatchObject({ status: 200, body: 'bye' });
      expect(logout.caused).toContainEqual(expect.objectContaining({ type: 'delete', outcome: 'ok' }));
    },
  );
});
