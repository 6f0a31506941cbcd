import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/core/manager.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { SECRET } from '../helpers.js';
import { describeStoreContract } from './contract.js';

describeStoreContract({ name: 'memory', createStore: () => createMemoryStore() });

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

  it('rejects a non-positive max', () => {
    expect(() => createMemoryStore({ max: 0 })).toThrow(/positive integer/);
  });
});
