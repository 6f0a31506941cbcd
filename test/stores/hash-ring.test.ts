import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { createHashRing } from '../../src/stores/hash-ring.js';

const keys = Array.from({ length: 10_000 }, (_, i) => `django.contrib.sessions.cachesession${i}`);
const countBy = (nodeFor: (key: string) => string) => {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(nodeFor(key), (counts.get(nodeFor(key)) ?? 0) + 1);
  return counts;
};

describe('createHashRing', () => {
  it('maps a key to the same server every time, in every process that builds the same ring', () => {
    const a = createHashRing(['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211']);
    const b = createHashRing(['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211']);
    for (const key of keys.slice(0, 500)) {
      expect(a.nodeFor(key)).toBe(a.nodeFor(key));
      expect(b.nodeFor(key)).toBe(a.nodeFor(key));
    }
  });

  it('spreads keys roughly evenly over the servers', () => {
    const ring = createHashRing(['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211']);
    const counts = countBy(ring.nodeFor);
    expect(counts.size).toBe(3);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(keys.length / 3 / 1.5);
      expect(count).toBeLessThan((keys.length / 3) * 1.5);
    }
  });

  it('moves only the new server’s share of keys when a server is added', () => {
    const before = createHashRing(['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211']);
    const after = createHashRing(['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211', '10.0.0.4:11211']);
    let moved = 0;
    for (const key of keys) {
      const target = after.nodeFor(key);
      if (target !== before.nodeFor(key)) {
        moved++;
        expect(target).toBe('10.0.0.4:11211');
      }
    }
    // About 1/4 of the keys move (a modulo scheme would move about 3/4).
    expect(moved / keys.length).toBeGreaterThan(0.1);
    expect(moved / keys.length).toBeLessThan(0.4);
  });

  it('sends everything to a single server', () => {
    const ring = createHashRing(['127.0.0.1:11211']);
    expect(countBy(ring.nodeFor)).toEqual(new Map([['127.0.0.1:11211', keys.length]]));
  });

  it('rejects an empty or duplicated server list', () => {
    expect(() => createHashRing([])).toThrow(ConfigError);
    expect(() => createHashRing(['a:1', 'a:1'])).toThrow(ConfigError);
  });
});
