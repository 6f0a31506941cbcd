/**
 * Merge on save: what a request changed, re-applied onto what another request stored meanwhile.
 * A save is a compare-and-swap on the record as this request loaded it; when it loses, the core
 * reloads, re-applies this request's changes with {@link reapplyChanges} and tries again.
 * @module
 */
import type { SessionData } from './codec.js';
import { ConfigError, SessionError } from './errors.js';

/**
 * How concurrent saves of one session combine.
 * - `merge`: a save only lands on the record as it was loaded; otherwise this request's changes are
 *   re-applied onto the newer record. Changes to different keys all survive; for one key the save
 *   that lands last wins.
 * - `last-write-wins`: each save writes the whole session, as Django does: a parallel request's
 *   changes to other keys can be lost.
 */
export type Concurrency = 'merge' | 'last-write-wins';

/** Check the `concurrency` option. @throws {ConfigError} for anything but `merge` or `last-write-wins`. */
export function checkConcurrency(value: unknown): Concurrency {
  if (value === undefined) return 'merge';
  if (value === 'merge' || value === 'last-write-wins') return value;
  throw new ConfigError(`concurrency must be 'merge' or 'last-write-wins', not ${JSON.stringify(value)}.`);
}

/** Saves tried before giving up with {@link SaveConflict}. */
export const MAX_SAVE_ATTEMPTS = 10;

/**
 * Every attempt of a merge-on-save lost against other saves of the same session (more than
 * {@link MAX_SAVE_ATTEMPTS} in a row). Nothing of this request was written. HTTP adapters answer 503.
 */
export class SaveConflict extends SessionError {
  override readonly code = 'ERR_SAVE_CONFLICT';
  static override readonly code = 'ERR_SAVE_CONFLICT';
  /** HTTP status to answer with. */
  readonly status = 503;
}

/** `session.lock()` waited longer than its `wait` for a lock another request holds. HTTP adapters answer 503. */
export class LockTimeout extends SessionError {
  override readonly code = 'ERR_LOCK_TIMEOUT';
  static override readonly code = 'ERR_LOCK_TIMEOUT';
  /** HTTP status to answer with. */
  readonly status = 503;
}

/** What one request changed, as {@link Session.changes} reports it. */
export interface ChangeSet {
  readonly set: ReadonlySet<string>;
  readonly deleted: ReadonlySet<string>;
}

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/** This request's own changes, with their values, ready to re-apply onto newer data. */
export interface OwnChanges {
  /** Keys this request set, with the values it set. */
  readonly set: ReadonlyMap<string, unknown>;
  /** Keys this request deleted. */
  readonly deleted: ReadonlySet<string>;
}

/**
 * What this request changed: the keys it set (with their current values) and deleted, plus any key
 * whose value differs from what was loaded (`loaded`) — nested objects changed in place and then
 * flagged with `modified = true` — and any loaded key that is gone.
 */
export function ownChanges(current: SessionData, loaded: SessionData, changes: ChangeSet): OwnChanges {
  const set = new Map<string, unknown>();
  const deleted = new Set(changes.deleted);
  for (const key of Object.keys(current)) {
    if (changes.set.has(key) || !Object.hasOwn(loaded, key) || !same(current[key], loaded[key])) {
      set.set(key, current[key]);
    }
  }
  for (const key of Object.keys(loaded)) if (!Object.hasOwn(current, key)) deleted.add(key);
  for (const key of set.keys()) deleted.delete(key);
  return { set, deleted };
}

/**
 * `data[key] = value`, except that `__proto__` becomes an own data property (plain assignment would
 * swap the object's prototype and drop the key from the saved data).
 */
export function assignKey(data: SessionData, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(data, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    data[key] = value;
  }
}

/** `newer` (what another request stored) with `own` applied: a new object, `newer` is left as is. */
export function applyChanges(newer: SessionData, own: OwnChanges): SessionData {
  const merged: SessionData = { ...newer };
  for (const key of own.deleted) delete merged[key];
  for (const [key, value] of own.set) assignKey(merged, key, value);
  return merged;
}

/**
 * A random pause before retry `attempt` (1-based): "full jitter" over a window that doubles from 5 ms
 * up to 500 ms, so that many requests racing on one session spread out instead of colliding again.
 */
export function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(5 * 2 ** (attempt - 1), 500);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
