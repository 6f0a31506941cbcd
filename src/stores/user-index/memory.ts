/**
 * The in-process user-session index, for the memory store (and any store whose sessions only this
 * process writes): key → user and user → keys, bounded like the memory store itself.
 * @module
 */
import { LRUCache } from 'lru-cache';
import { ConfigError } from '../../core/errors.js';
import type { UserSessionIndex } from './types.js';

/** Options of {@link createMemoryUserIndex}. */
export interface MemoryUserIndexOptions {
  /** Most sessions kept in the index (least recently linked dropped first). @default 100000 */
  max?: number;
}

/**
 * Create an in-process index. Entries of sessions that expired are dropped when their user's sessions
 * are listed, and beyond `max` the oldest links go first.
 */
export function createMemoryUserIndex(options: MemoryUserIndexOptions = {}): UserSessionIndex {
  const max = options.max ?? 100_000;
  if (!Number.isInteger(max) || max < 1) {
    throw new ConfigError(`memory user-session index max must be a positive integer, not ${max}.`);
  }
  const byUser = new Map<string, Set<string>>();
  const drop = (key: string, userId: string): void => {
    const keys = byUser.get(userId);
    keys?.delete(key);
    if (keys?.size === 0) byUser.delete(userId);
  };
  const byKey = new LRUCache<string, { userId: string; since: Date }>({
    max,
    dispose: (entry, key) => drop(key, entry.userId),
  });
  return {
    name: 'memory',
    async link(key, userId, now) {
      const known = byKey.get(key);
      if (known?.userId === userId) return;
      byKey.delete(key);
      if (userId === null) return;
      byKey.set(key, { userId, since: now });
      const keys = byUser.get(userId);
      if (keys === undefined) byUser.set(userId, new Set([key]));
      else keys.add(key);
    },
    async unlink(keys) {
      for (const key of keys) byKey.delete(key);
    },
    async sessionsOf(userId) {
      return [...(byUser.get(userId) ?? [])].map((key) => ({ key, since: byKey.peek(key)?.since }));
    },
  };
}
