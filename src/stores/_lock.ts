/**
 * Helpers for the stores' session locks ({@link SessionStore.lock}): an in-process lock table for the
 * stores that live in one process, and a polling loop for stores whose lock is a "try once" command.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { StoreLock, StoreLockOptions } from './types.js';

/** A random token that identifies one lock holder, so a holder only ever releases its own lock. */
export const lockToken = (): string => randomBytes(16).toString('hex');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Call `attempt` until it takes the lock or `waitMs` has passed, pausing a little longer (with jitter)
 * after each refusal. Resolves `null` when the lock stayed taken.
 */
export async function pollLock(
  attempt: () => Promise<StoreLock | null>,
  waitMs: number,
): Promise<StoreLock | null> {
  const deadline = Date.now() + waitMs;
  for (let round = 0; ; round++) {
    const held = await attempt();
    if (held !== null) return held;
    const left = deadline - Date.now();
    if (left <= 0) return null;
    await sleep(Math.min(left, 2 + Math.random() * Math.min(2 ** round, 50)));
  }
}

interface LocalHolder {
  token: string;
  timer: NodeJS.Timeout;
  /** Waiters, woken in order when the lock is released or expires. */
  queue: Array<() => void>;
}

/**
 * Locks held in this process only: for the memory store, and SQLite (whose writers share one
 * process in the common set-up). Waiters queue in order; a lock expires by itself after `ttlMs`.
 */
export function createLocalLocks(): (key: string, options: StoreLockOptions) => Promise<StoreLock | null> {
  const held = new Map<string, LocalHolder>();

  const free = (key: string, token: string): void => {
    const holder = held.get(key);
    if (holder === undefined || holder.token !== token) return;
    clearTimeout(holder.timer);
    held.delete(key);
    for (const wake of holder.queue.splice(0)) wake();
  };

  const take = (key: string, ttlMs: number): StoreLock => {
    const token = lockToken();
    const timer = setTimeout(() => free(key, token), ttlMs);
    timer.unref();
    held.set(key, { token, timer, queue: [] });
    return {
      async release() {
        free(key, token);
      },
    };
  };

  return async function localLock(key, { ttlMs, waitMs }) {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const holder = held.get(key);
      if (holder === undefined) return take(key, ttlMs);
      const left = deadline - Date.now();
      if (left <= 0) return null;
      // Wait for a release (or give up at the deadline), then race for the lock again.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        holder.queue.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
}

/** How a database's connection-scoped named lock is taken and given back (PostgreSQL, MySQL). */
export interface ConnectionLockDriver<C> {
  /** A connection of its own for the lock (the lock lives and dies with it). */
  connect(): Promise<C>;
  /** Try the lock once on `conn`, without waiting. */
  tryLock(conn: C): Promise<boolean>;
  /** Give the lock back on `conn`. */
  unlock(conn: C): Promise<void>;
  /** Return `conn` to its pool, or destroy it when it may still hold the lock (`broken`). */
  release(conn: C, broken: boolean): void;
}

/**
 * A named database lock held on a dedicated connection: these locks belong to the connection that
 * took them, so the same connection must release them; if the process dies, the server drops the
 * connection and its locks. Past `ttlMs` the lock is given back by a timer.
 */
export function connectionLock<C>(
  driver: ConnectionLockDriver<C>,
  { ttlMs, waitMs }: StoreLockOptions,
): Promise<StoreLock | null> {
  return pollLock(async () => {
    const conn = await driver.connect();
    let got: boolean;
    try {
      got = await driver.tryLock(conn);
    } catch (error) {
      driver.release(conn, true);
      throw error;
    }
    if (!got) {
      driver.release(conn, false);
      return null;
    }
    let released: Promise<void> | null = null;
    const release = (): Promise<void> => {
      released ??= (async () => {
        clearTimeout(timer);
        try {
          await driver.unlock(conn);
          driver.release(conn, false);
        } catch {
          // Destroying the connection releases its locks too.
          driver.release(conn, true);
        }
      })();
      return released;
    };
    const timer = setTimeout(release, ttlMs);
    timer.unref();
    return { release };
  }, waitMs);
}
