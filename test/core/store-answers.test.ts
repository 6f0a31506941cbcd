/**
 * Stores answer with promises (the contract). A store written in JavaScript may still throw
 * synchronously or answer with another realm's promise: the core then behaves exactly as with native
 * promises (a synchronous throw is a rejection), and a `false` from update is SessionInterrupted.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { SessionInterrupted, StoreUnavailable, UpdateError } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import { finalizeSession } from '../../src/http/response.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import type { SessionStore } from '../../src/stores/types.js';
import { SECRET } from '../helpers.js';

const response = { status: 200, secureRequest: false, existingVary: null, requestHadCookie: true };

describe('how stores answer', () => {
  it('the memory store answers with promises, as the contract says', async () => {
    const store = createMemoryStore();
    const record = {
      key: 'abcdefghijklmnop',
      data: '{}',
      expireDate: new Date(Date.now() + 60_000),
      maxAge: 60,
    };
    const answers = [
      store.create(record),
      store.update(record),
      store.replace!(record, { data: '{}' }),
      store.touch!({ key: record.key, expireDate: record.expireDate, maxAge: 60 }),
      store.load(record.key, new Date()),
    ];
    for (const answer of answers) expect(answer).toBeInstanceOf(Promise);
    expect(await Promise.all(answers)).toEqual([
      true,
      true,
      'ok',
      true,
      { data: '{}', expireDate: record.expireDate },
    ]);
    const deleted = store.delete(record.key);
    expect(deleted).toBeInstanceOf(Promise);
    await deleted;
    expect(await store.load(record.key, new Date())).toBeNull();
  });

  it('turns a synchronous throw into a rejection, never a throw from get/save', async () => {
    const down = (): never => {
      throw new StoreUnavailable('down');
    };
    const store: SessionStore = {
      ...createMemoryStore(),
      load: down,
      create: down,
      update: down,
    };
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const existing = sessions.open('abcdefghijklmnop');
    const read = existing.get('a');
    expect(read).toBeInstanceOf(Promise);
    await expect(read).rejects.toBeInstanceOf(StoreUnavailable);
    const fresh = sessions.open();
    await fresh.set('a', 1);
    const saved = fresh.save();
    expect(saved).toBeInstanceOf(Promise);
    await expect(saved).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(finalizeSession(fresh, response)).rejects.toBeInstanceOf(StoreUnavailable);
  });

  it('reports a record deleted by a concurrent request as SessionInterrupted', async () => {
    const store = createMemoryStore();
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const s = sessions.open();
    await s.set('a', 1);
    await s.save();
    const again = sessions.open(s.sessionKey);
    await again.set('a', 2);
    await store.delete(s.sessionKey!);
    await expect(again.save()).rejects.toBeInstanceOf(UpdateError);
    const third = sessions.open(s.sessionKey);
    await store.create({
      key: s.sessionKey!,
      data: '{"a":1}',
      expireDate: new Date(Date.now() + 9e6),
      maxAge: 9000,
    });
    await third.set('a', 3);
    await store.delete(s.sessionKey!);
    const finalized = finalizeSession(third, response);
    await expect(finalized).rejects.toBeInstanceOf(SessionInterrupted);
    await expect(finalized).rejects.toMatchObject({ status: 400 });
  });

  it('awaits promises from another realm (or any thenable) like native ones', async () => {
    const OtherPromise = runInNewContext('Promise') as PromiseConstructor;
    const memory = createMemoryStore();
    const foreign = <T>(value: Promise<T>): Promise<T> => OtherPromise.resolve(value);
    const store: SessionStore = {
      ...memory,
      load: (key, now) => foreign(memory.load(key, now)),
      create: (record) => foreign(memory.create(record)),
      update: (record) => foreign(memory.update(record)),
      replace: (record, expected) => foreign(memory.replace!(record, expected)),
    };
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const s = sessions.open();
    await s.set('a', 1);
    await s.save();
    expect(await sessions.open(s.sessionKey).get('a')).toBe(1);
    const again = sessions.open(s.sessionKey);
    await again.set('a', 2);
    await memory.delete(s.sessionKey!);
    await expect(again.save()).rejects.toBeInstanceOf(UpdateError);
  });
});
