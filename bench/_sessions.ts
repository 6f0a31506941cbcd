/**
 * The three session operations the store benchmarks time, at the `Session` level (what a request
 * handler does): load, load + modify + save, create. Each checks its result, so a benchmark can never
 * silently time a miss.
 * @module
 */
import type { SessionManager } from '../src/core/manager.js';

/** A logged-in Django session (~200 bytes of JSON) plus the counter the benchmarks increment. */
export const PAYLOAD = {
  _auth_user_id: '42',
  _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
  _auth_user_hash: '5d41402abc4b2a76b9719d911017c592a2e6a7ad3a6a5b0e8c0e4a5f1f0d8a9b',
  counter: 0,
};

/** The timed operations on one manager's store. */
export interface SessionOps {
  /** `open(key)` + `get('counter')`: one store load. */
  load(): Promise<void>;
  /** `open(key)` + get + `set('counter', n + 1)` + `save()`: load, then update. */
  cycle(): Promise<void>;
  /** `open()` + `update(payload)` + `save()`: a new key, created. */
  create(): Promise<void>;
}

/** Seed `count` saved sessions and return operations that round-robin over them (no two in flight share a key). */
export async function sessionOps(manager: SessionManager, count = 64): Promise<SessionOps> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const session = manager.open();
    await session.update(PAYLOAD);
    await session.save();
    keys.push(session.sessionKey!);
  }
  let next = 0;
  const counterOf = async (index: number) => {
    const session = manager.open(keys[index]);
    const value = await session.get('counter');
    if (typeof value !== 'number') throw new Error(`session ${index} did not load (got ${String(value)})`);
    return { session, value };
  };
  return {
    async load() {
      await counterOf(next++ % count);
    },
    async cycle() {
      const index = next++ % count;
      const { session, value } = await counterOf(index);
      await session.set('counter', value + 1);
      await session.save();
      // Signed cookies: the new cookie value is the new "key".
      keys[index] = session.sessionKey!;
    },
    async create() {
      const session = manager.open();
      await session.update(PAYLOAD);
      await session.save();
    },
  };
}
