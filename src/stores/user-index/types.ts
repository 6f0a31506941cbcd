/**
 * The user-session index contract: which session keys belong to which user, so that
 * `manager.sessionsOf(userId)` can list them and `manager.endSessionsOf(userId)` end them. An index
 * stores keys and user ids only: the core decodes session data, checks each listed session's user and
 * expiry, and deletes sessions through the session store.
 * @module
 */
import type { StoredSession } from '../types.js';

/** One session an index lists for a user. */
export interface IndexedSession {
  /** The session key. */
  key: string;
  /**
   * When the index first linked the key to its user (the login, or the sweep that found it); absent
   * for an index that keeps no such time (the file store's directory scan).
   */
  since?: Date;
  /**
   * The session record, when the index read it together with the key (SQL join, Redis `GET`): `null`
   * when the record is gone or expired. Absent: the core loads it through the session store.
   */
  stored?: StoredSession | null;
}

/** A session record the index has not seen yet (written by Django, or anonymous), to be decoded once. */
export interface UnindexedSession {
  /** The session key. */
  key: string;
  /** The record as stored. */
  stored: StoredSession;
}

/** A per-user index of sessions. Every operation answers with a promise. */
export interface UserSessionIndex {
  /** Short name for errors and docs, e.g. `sqlite`, `redis`. */
  readonly name: string;
  /**
   * `true` for an index that cannot select by user and lists every session (the file store's directory
   * scan): the core then keeps only the user's sessions and unlinks nothing it skipped.
   */
  readonly listsEverySession?: boolean;
  /**
   * Record that the session under `key` now belongs to `userId` (`null`: to nobody). Called after a
   * save that created a logged-in session or changed its user.
   */
  link(key: string, userId: string | null, now: Date): Promise<void>;
  /** Forget `keys` (deleted or ended sessions). `userId`, when known, lets a per-user set drop them. */
  unlink(keys: readonly string[], userId?: string): Promise<void>;
  /**
   * The sessions indexed for `userId`. May include stale entries (the core checks each record's user and
   * expiry and unlinks the stale ones), or every session when {@link listsEverySession}.
   */
  sessionsOf(userId: string, now: Date): Promise<IndexedSession[]>;
  /**
   * At most `limit` live records the index has never seen, for stores another program writes to (Django
   * on a shared table): the core decodes each once and records its user with {@link record}, until
   * fewer than `limit` come back.
   */
  unindexed?(now: Date, limit: number): Promise<UnindexedSession[]>;
  /** Drop index entries whose record is gone (deleted by another program). Run before a sweep. */
  prune?(): Promise<void>;
  /** Record the users of swept sessions (`null`: anonymous), keeping any link made meanwhile. */
  record?(entries: ReadonlyArray<{ key: string; userId: string | null }>, now: Date): Promise<void>;
  /** Release the connections the index opened. */
  close?(): Promise<void>;
}
