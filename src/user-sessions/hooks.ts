/**
 * The two calls persistence makes for user-session indexing, and nothing else: a manager with
 * `userSessions` registers its tracker here under its session context, so the core imports no index
 * or database code and a manager without `userSessions` pays one WeakMap lookup per save.
 * @module
 */
import type { SessionData } from '../core/codec.js';
import type { Session } from '../core/session.js';

/** What persistence tells a manager's user-session index. */
export interface SessionWriteTracker {
  /** After a successful create/update of `key` with `data`, before the session forgets its changes. */
  afterWrite(session: Session, key: string, data: SessionData, mustCreate: boolean): Promise<void>;
  /** After the record of `key` was deleted. */
  afterDelete(key: string): Promise<void>;
}

const trackers = new WeakMap<object, SessionWriteTracker>();

/** Register `tracker` for the sessions opened with `context` (the manager's session context). */
export function trackSessionWrites(context: object, tracker: SessionWriteTracker): void {
  trackers.set(context, tracker);
}

/** @internal Persistence's hook after a successful create/update (see {@link SessionWriteTracker}). */
export function indexAfterWrite(
  context: object,
  session: Session,
  key: string,
  data: SessionData,
  mustCreate: boolean,
): Promise<void> | undefined {
  return trackers.get(context)?.afterWrite(session, key, data, mustCreate);
}

/** @internal Persistence's hook after a record was deleted. */
export function indexAfterDelete(context: object, key: string): Promise<void> | undefined {
  return trackers.get(context)?.afterDelete(key);
}
