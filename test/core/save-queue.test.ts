/**
 * The per-key save queue of one process (core/persistence.ts): a save of a key waits for the one of the
 * same key in flight and merges onto what it wrote, without losing a compare-and-swap first. The queue
 * keeps idle entries and sweeps them in bulk: a sweep must never drop the entry of a save in flight.
 */
import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/core/events.js';
import { createSessionManager, type SessionManager } from '../../src/core/manager.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import type { SessionStore } from '../../src/stores/types.js';
import { SECRET } from '../helpers.js';

/** A memory store whose first compare-and-swap of `gated()` waits until `open()`. */
function gatedStore() {
  const memory = createMemoryStore({ max: 10_000 });
  let gatedKey: string | null = null;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let reached!: () => void;
  const arrived = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const store: SessionStore = {
    ...memory,
    async replace(record, expected) {
      if (record.key === gatedKey) {
        gatedKey = null;
        reached();
        await gate;
      }
      return memory.replace!(record, expected);
    },
  };
  const gateOn = (key: string): void => {
    gatedKey = key;
  };
  return { store, gate: gateOn, arrived, open };
}

function managerOn(store: SessionStore) {
  const events: SessionEvent[] = [];
  const manager = createSessionManager({ secretKey: SECRET, store, onEvent: (e) => events.push(e) });
  return { manager, conflicts: () => events.filter((e) => e.type === 'conflict').length };
}

async function stored(manager: SessionManager, data: Record<string, unknown>): Promise<string> {
  const session = manager.open();
  await session.update(data);
  await session.save();
  return session.sessionKey!;
}

/** A session `{ a: 0 }` and two requests that have both loaded it. */
async function twoRequests(manager: SessionManager) {
  const key = await stored(manager, { a: 0 });
  const one = manager.open(key);
  const two = manager.open(key);
  await one.get('a');
  await two.get('a');
  return { key, one, two };
}

describe('save queue of one process', () => {
  it('a second save of a key in flight waits and merges, without a lost compare-and-swap', async () => {
    const { manager, conflicts } = managerOn(createMemoryStore());
    const { key, one, two } = await twoRequests(manager);
    await one.set('b', 1);
    await two.set('c', 2);
    await Promise.all([one.save(), two.save()]);
    expect(conflicts()).toBe(0);
    expect(await manager.open(key).toObject()).toEqual({ a: 0, b: 1, c: 2 });
  });

  it('keeps the entry of a save in flight through a sweep of idle entries', async () => {
    const { store, gate, arrived, open } = gatedStore();
    const { manager, conflicts } = managerOn(store);
    const { key, one, two } = await twoRequests(manager);
    await one.set('b', 1);
    gate(key);
    const first = one.save();
    await arrived;
    // Updates of 1,100 other keys: each leaves an idle entry; past 1,024 the idle ones are swept.
    const others = await Promise.all(Array.from({ length: 1100 }, (_, i) => stored(manager, { i })));
    for (const other of others) {
      const session = manager.open(other);
      await session.set('seen', true);
      await session.save();
    }
    await two.set('c', 2);
    const second = two.save();
    open();
    await Promise.all([first, second]);
    // Had the sweep dropped the first save's entry, the second would not have waited: its
    // compare-and-swap would have won, and the first one's lost (a conflict, then a merge).
    expect(conflicts()).toBe(0);
    expect(await manager.open(key).toObject()).toEqual({ a: 0, b: 1, c: 2 });
    expect(await manager.open(others[0]!).toObject()).toEqual({ i: 0, seen: true });
  });
});
