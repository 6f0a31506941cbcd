import { describe, expect, it, vi } from 'vitest';
import { createSessionManager } from '../../src/core/manager.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { describeStoreContract } from '../../src/testing/index.js';
import { createRecordingLogger, SECRET } from '../helpers.js';
import { vitestRunner } from './runner.js';

describeStoreContract(vitestRunner, { name: 'memory', createStore: () => createMemoryStore() });

describe('createMemoryStore', () => {
  it('never holds more than max sessions', async () => {
    const store = createMemoryStore({ max: 3 });
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      const s = sessions.open();
      await s.set('i', i);
      await s.save();
      keys.push(s.sessionKey!);
    }
    const present = await Promise.all(keys.map((key) => store.exists(key)));
    expect(present).toEqual([false, false, true, true, true]);
  });

  it('logs once when it starts evicting sessions to stay within max', async () => {
    const logger = createRecordingLogger();
    const store = createMemoryStore({ max: 2, logger });
    const sessions = createSessionManager({ secretKey: SECRET, store, logger });
    for (let i = 0; i < 5; i++) {
      const s = sessions.open();
      await s.set('i', i);
      await s.save();
    }
    const lines = logger.records.filter((r) => r.message.includes('evicting'));
    expect(lines).toHaveLength(1);
    expect(lines[0]?.details).toMatchObject({ max: 2 });
  });

  it('update keeps the entry recently used, refuses a missing or expired key, and deletes on maxAge <= 0', async () => {
    const store = createMemoryStore({ max: 2 });
    const record = (key: string, data: string, maxAge = 60) => ({
      key,
      data,
      maxAge,
      expireDate: new Date(Date.now() + maxAge * 1000),
    });
    expect(await store.create(record('aaaaaaaa', 'a1'))).toBe(true);
    expect(await store.create(record('bbbbbbbb', 'b1'))).toBe(true);
    expect(await store.update(record('aaaaaaaa', 'a2'))).toBe(true); // a is now the most recently used
    expect(await store.create(record('cccccccc', 'c1'))).toBe(true); // evicts b, not a
    expect(await store.load('aaaaaaaa', new Date())).toMatchObject({ data: 'a2' });
    expect(await store.load('bbbbbbbb', new Date())).toBeNull();
    expect(await store.update(record('bbbbbbbb', 'b2'))).toBe(false);
    expect(await store.update(record('cccccccc', 'c2', 0))).toBe(true);
    expect(await store.load('cccccccc', new Date())).toBeNull();
  });

  it('update refuses an entry whose wall-clock deadline passed', async () => {
    vi.useFakeTimers({ now: Date.UTC(2030, 0, 1), toFake: ['Date'] });
    try {
      const store = createMemoryStore();
      const expireDate = new Date(Date.now() + 10_000);
      expect(await store.create({ key: 'dddddddd', data: 'd', maxAge: 10, expireDate })).toBe(true);
      vi.setSystemTime(Date.now() + 11_000);
      expect(await store.update({ key: 'dddddddd', data: 'd2', maxAge: 10, expireDate })).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects a non-positive max', () => {
    expect(() => createMemoryStore({ max: 0 })).toThrow(/positive integer/);
  });
});
