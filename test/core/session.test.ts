import { describe, expect, it } from 'vitest';
import { ConfigError, StoreUnavailable } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import type { SessionStore } from '../../src/stores/types.js';
import { SECRET } from '../helpers.js';

/** Wrap a store so each call is counted. */
function counting(store: SessionStore) {
  const calls: string[] = [];
  const log =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      calls.push(name);
      return fn(...args);
    };
  const wrapped: SessionStore = {
    ...store,
    load: log('load', store.load),
    exists: log('exists', store.exists),
    create: log('create', store.create),
    update: log('update', store.update),
    ...(store.replace && { replace: log('replace', store.replace) }),
    delete: log('delete', store.delete),
  };
  return { store: wrapped, calls };
}

describe('Session', () => {
  it('makes no store call until the data is touched', async () => {
    const { store, calls } = counting(createMemoryStore());
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const s = sessions.open('abcdefghijklmnopqrstuvwxyz012345');
    expect(s.isEmpty()).toBe(false);
    await s.getExpiryAge({ expiry: null });
    expect(calls).toEqual([]);
    await s.get('x');
    expect(calls).toEqual(['load']);
  });

  it('loads once when concurrent reads race', async () => {
    const { store, calls } = counting(createMemoryStore());
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const first = sessions.open();
    await first.set('n', 1);
    await first.save();
    calls.length = 0;
    const s = sessions.open(first.sessionKey);
    expect(await Promise.all([s.get('n'), s.get('n'), s.has('n')])).toEqual([1, 1, true]);
    expect(calls).toEqual(['load']);
  });

  it('saves under a new key when the unloaded session key turns out unknown (Django _get_or_create_session_key)', async () => {
    const store = createMemoryStore();
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const s = sessions.open('unknownkey0123456789');
    s.modified = true;
    await s.save();
    expect(s.sessionKey).not.toBeNull();
    expect(s.sessionKey).not.toBe('unknownkey0123456789');
    expect(await store.exists(s.sessionKey!)).toBe(true);
    expect(await store.exists('unknownkey0123456789')).toBe(false);
  });

  it('creates a new session with one store call (no exists probe)', async () => {
    const { store, calls } = counting(createMemoryStore());
    const s = createSessionManager({ secretKey: SECRET, store }).open();
    await s.set('a', 1);
    await s.save();
    expect(calls).toEqual(['create']);
  });

  /** Save a session, then load, change and save it again: the store calls of the second request. */
  async function callsOfAChange(options: { concurrency?: 'merge' | 'last-write-wins' }) {
    const { store, calls } = counting(createMemoryStore());
    const sessions = createSessionManager({ secretKey: SECRET, store, ...options });
    const first = sessions.open();
    await first.set('a', 1);
    await first.save();
    calls.length = 0;
    const s = sessions.open(first.sessionKey);
    await s.set('a', 2);
    await s.save();
    return calls;
  }

  it('saves a modified loaded session with one load and one compare-and-swap (merge)', async () => {
    expect(await callsOfAChange({})).toEqual(['load', 'replace']);
  });

  it('saves a modified loaded session with one load and one update (last-write-wins)', async () => {
    expect(await callsOfAChange({ concurrency: 'last-write-wins' })).toEqual(['load', 'update']);
  });

  it('propagates a store outage instead of pretending the session is empty', async () => {
    const store: SessionStore = {
      ...createMemoryStore(),
      load: async () => {
        throw new StoreUnavailable('down');
      },
    };
    const s = createSessionManager({ secretKey: SECRET, store }).open('abcdefghijklmnop');
    await expect(s.get('x')).rejects.toBeInstanceOf(StoreUnavailable);
  });

  it('rejects (never throws) from get and set when a synchronous store throws', async () => {
    const store: SessionStore = {
      ...createMemoryStore(),
      load: () => {
        throw new StoreUnavailable('down');
      },
    };
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const reading = sessions.open('abcdefghijklmnop').get('x');
    const writing = sessions.open('abcdefghijklmnop').set('x', 1);
    await expect(reading).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(writing).rejects.toBeInstanceOf(StoreUnavailable);
  });

  it('answers get and set of loaded data at once, and set changes the data synchronously', async () => {
    const s = createSessionManager({ secretKey: SECRET, store: createMemoryStore() }).open();
    await s.set('a', 1);
    const pending = s.set('a', 2);
    expect(await s.get('a')).toBe(2); // the write happened when set was called
    await pending;
    expect(s.modified).toBe(true);
    expect(s.changes().set).toEqual(new Set(['a']));
    expect(await s.get('missing', 'fallback')).toBe('fallback');
  });

  it('keeps typed data', async () => {
    interface Cart {
      items: string[];
      memberId?: number;
    }
    const s = createSessionManager<Cart>({ secretKey: SECRET, store: createMemoryStore() }).open();
    await s.set('items', ['book']);
    const items: string[] | undefined = await s.get('items');
    expect(items).toEqual(['book']);
  });

  it('forgets the change set after a save', async () => {
    const s = createSessionManager({ secretKey: SECRET, store: createMemoryStore() }).open();
    await s.set('a', 1);
    await s.save();
    expect([...s.changes().set]).toEqual([]);
    s.clear();
    expect(s.changes().cleared).toBe(true);
  });

  it('keeps __proto__ as an own key on set, update and setDefault, through a save and a load', async () => {
    const sessions = createSessionManager({ secretKey: SECRET, store: createMemoryStore() });
    const s = sessions.open();
    await s.set('__proto__', { x: 1 });
    expect(await s.keys()).toEqual(['__proto__']);
    const u = sessions.open();
    await u.update(JSON.parse('{"__proto__":{"x":2},"c":7}') as Record<string, unknown>);
    expect(await u.keys()).toEqual(['__proto__', 'c']);
    const d = sessions.open();
    expect(await d.setDefault('__proto__', { x: 3 })).toEqual({ x: 3 });
    expect(await d.keys()).toEqual(['__proto__']);
    await u.save();
    const reloaded = await sessions.open(u.sessionKey).toObject();
    expect(Object.keys(reloaded)).toEqual(['__proto__', 'c']);
    expect(Object.getPrototypeOf(reloaded)).toBe(Object.prototype);
    expect(({} as { x?: unknown }).x).toBeUndefined();
  });

  describe('lock', () => {
    it('takes one lock when a request calls lock() twice at once', async () => {
      const sessions = createSessionManager({ secretKey: SECRET, store: createMemoryStore() });
      const first = sessions.open();
      await first.set('n', 1);
      await first.save();
      const s = sessions.open(first.sessionKey);
      await Promise.all([s.lock({ wait: 200 }), s.lock({ wait: 200 })]);
      expect(s.locked).toBe(true);
      await s.unlock();
      expect(s.locked).toBe(false);
    });

    it('has nothing to lock for a new session, and refuses bad options', async () => {
      const s = createSessionManager({ secretKey: SECRET, store: createMemoryStore() }).open();
      await s.lock();
      await s.unlock();
      await expect(s.lock({ timeout: 0 })).rejects.toBeInstanceOf(ConfigError);
      await expect(s.lock({ wait: -1 })).rejects.toBeInstanceOf(ConfigError);
    });

    it('is released by requestFinished once the response is finalized', async () => {
      const sessions = createSessionManager({ secretKey: SECRET, store: createMemoryStore() });
      const first = sessions.open();
      await first.set('n', 1);
      await first.save();
      const a = sessions.open(first.sessionKey);
      await a.lock();
      a.requestFinished();
      const b = sessions.open(first.sessionKey);
      await b.lock({ wait: 1000 });
      expect(b.locked).toBe(true);
      await b.unlock();
    });
  });
});
