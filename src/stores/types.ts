/**
 * The store contract. A store moves opaque strings: sessionkit's core owns serialization, signing,
 * expiry policy and the save/create/update branching (Django's `SessionBase` semantics); a store only
 * answers "what is stored under this key", "insert if absent", "update if present" and "delete" — and,
 * optionally, "update if it still holds what I loaded" (merge on save) and "lock this key".
 * @module
 */
import type { UserSessionIndex } from './user-index/types.js';

/**
 * How the core encodes session data for a store.
 * - `django`: Django's signed, timestamped, compressed format (`signing.dumps(..., compress=True)`),
 *   byte-compatible with Django's `session_data`. Required when Django shares the store; also guards
 *   against anyone who can write to the store but does not know the secret key.
 * - `json`: the serializer's text alone (Django's JSONSerializer output by default): no HMAC, no zlib,
 *   a fraction of the CPU per request. For storage only this application reads and writes: the default
 *   of the memory, Redis and memcached stores (Django's own cache backends also store unsigned data,
 *   and whoever can read a cache sees the session keys anyway). A `json` store still reads `django`
 *   data, so switching an existing store keeps its live sessions.
 */
export type DataFormat = 'django' | 'json';

/** What a server-side store keeps for one session. */
export interface StoredSession {
  /** The session data, exactly as the core encoded it (see {@link DataFormat}). */
  data: string;
  /**
   * When the session expires, if the store records it (db stores do). Stores that record it must not
   * return sessions whose expiry has passed.
   */
  expireDate?: Date;
  /**
   * Last modification time, for stores that do not record an expiry (the file store): the core then
   * derives the expiry as Django's file backend does (`_session_expiry`, else mtime + cookie age).
   */
  modifiedAt?: Date;
  /**
   * An opaque version token of this record, for stores whose compare-and-swap works on versions
   * rather than on the data itself (memcached's CAS unique). Handed back in {@link ExpectedRecord}.
   */
  version?: string;
}

/** What a compare-and-swap expects to find: the record as this request loaded (or last wrote) it. */
export interface ExpectedRecord {
  /** The stored data exactly as loaded. */
  data: string;
  /** The {@link StoredSession.version} it was loaded with, when the store gives one. */
  version?: string;
}

/**
 * The answer of {@link SessionStore.replace}: written (`ok`), the record holds other data than
 * expected (`conflict`, nothing written), or there is no record (`missing`, nothing written).
 */
export type ReplaceOutcome = 'ok' | 'conflict' | 'missing';

/** Options of {@link SessionStore.lock}. */
export interface StoreLockOptions {
  /** How long the lock lives at most, in ms: it expires by itself past this, even if its holder died. */
  ttlMs: number;
  /** How long to wait for a lock someone else holds, in ms (0: try once). */
  waitMs: number;
}

/** A lock held on one session key. */
export interface StoreLock {
  /** Release the lock if this holder still owns it (a lock that expired meanwhile is left alone). Idempotent. */
  release(): Promise<void>;
}

/** A session record handed to {@link SessionStore.create} and {@link SessionStore.update}. */
export interface SessionRecord {
  /** The session key (32 chars of `[a-z0-9]` when minted by sessionkit; up to 40 from Django). */
  key: string;
  /** Encoded session data (opaque to the store). */
  data: string;
  /** Absolute expiry, for stores with an expiry column. */
  expireDate: Date;
  /** Seconds until expiry (Django's `get_expiry_age()`), for TTL-based stores. May be ≤ 0: already expired. */
  maxAge: number;
}

/**
 * A touch (see {@link SessionStore.touch}): move the expiry of `key` without rewriting its data.
 * `expireDate`/`maxAge` are the new expiry, as in {@link SessionRecord}.
 */
export interface TouchRecord {
  /** The session key. */
  key: string;
  /** The new absolute expiry, for stores with an expiry column. */
  expireDate: Date;
  /** Seconds from now until the new expiry (> 0), for TTL-based stores. */
  maxAge: number;
  /**
   * Extend only when less than this many ms of the current expiry remain (omitted: always). The core
   * passes it when the store's load did not say when the session expires (Redis, memcached), so the
   * store can skip a touch that came too soon after the last one.
   */
  ifRemainingBelowMs?: number;
}

/** Context handed to {@link SessionStore.clearExpired}. */
export interface ClearExpiredContext {
  /** The current time (the session clock). */
  now: Date;
  /**
   * For stores that keep no expiry of their own (the file store): whether a stored session has expired,
   * decided by the core from its data and modification time.
   */
  isExpired(stored: StoredSession): boolean;
  /** Progress callback: called with the number deleted so far and, when known, the total to examine. */
  onProgress?: (deleted: number, total?: number) => void;
}

/**
 * A server-side session store. Implement this interface to plug in your own storage; run the contract
 * suite of `sessionkit/testing` against it to check it honours the contract.
 *
 * Every operation answers with a promise (write them as `async` methods); the core treats a thrown
 * error and a rejection alike.
 *
 * @example
 * const store: SessionStore = {
 *   kind: 'server', name: 'mine',
 *   async load(key, now) { ... }, async exists(key) { ... },
 *   async create(record) { ... }, async update(record) { ... }, async delete(key) { ... },
 * };
 */
export interface SessionStore {
  /** Discriminates server stores from the signed-cookie store. */
  readonly kind: 'server';
  /** Short name for logs and errors, e.g. `sqlite`, `redis`. */
  readonly name: string;
  /** How the core encodes session data for this store. @default 'django' */
  readonly dataFormat?: DataFormat;
  /** The live session stored under `key`, or `null` when there is none (missing or expired at `now`). */
  load(key: string, now: Date): Promise<StoredSession | null>;
  /** Whether a session is stored under `key` (expired or not, as Django's `exists`). */
  exists(key: string): Promise<boolean>;
  /** Insert `record` only if its key is free. Resolves `false` when the key is taken (never overwrites). */
  create(record: SessionRecord): Promise<boolean>;
  /** Update `record` only if its key exists. Resolves `false` when it does not (never resurrects). */
  update(record: SessionRecord): Promise<boolean>;
  /**
   * Compare-and-swap: write `record` only if the record under its key still holds `expected` (the data
   * this request loaded, or its version token), atomically. Optional: a store without it saves
   * last-write-wins (see `concurrency` in the manager's options). Never creates a record.
   */
  replace?(record: SessionRecord, expected: ExpectedRecord): Promise<ReplaceOutcome>;
  /**
   * Take an exclusive lock on a session key, shared by every process using the store. Resolves `null`
   * when another holder keeps it longer than `options.waitMs`. Optional: `session.lock()` throws
   * `NotSupported` for a store without it.
   */
  lock?(key: string, options: StoreLockOptions): Promise<StoreLock | null>;
  /**
   * Unconditional write (insert or overwrite), used by the cached-db store to fill its cache. Optional:
   * the core never calls it, because a plain save must never overwrite (create) or resurrect (update).
   * A `record.maxAge` ≤ 0 deletes the entry.
   */
  set?(record: SessionRecord): Promise<void>;
  /**
   * Move the expiry of the session under `key` to `record`'s, leaving its data untouched (touch-only
   * rolling, the `rolling: 'touch'` setting). Resolves `true` when it extended a live session, `false`
   * when there was none (never creates one: a touch racing a logout does nothing) or when
   * `ifRemainingBelowMs` said it was not due. Optional: without it the core falls back to a full save.
   */
  touch?(record: TouchRecord): Promise<boolean>;
  /** Delete the session under `key`; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Delete expired sessions and resolve how many were deleted. Absent when the store expires entries itself. */
  clearExpired?(context: ClearExpiredContext): Promise<number>;
  /** Create the storage (e.g. the `django_session` table and index) if missing. Idempotent. */
  createTable?(): Promise<void>;
  /** Check a key before use; throw {@link InvalidSessionKey} when the store cannot hold it. */
  validateKey?(key: string): void;
  /** Release connections and handles. */
  close?(): Promise<void>;
  /**
   * The store's user-session index (`manager.sessionsOf`, see docs/user-sessions.md). Optional: the
   * manager's `userSessions.index` option or the store URL can supply one instead.
   */
  readonly userIndex?: UserSessionIndex;
  /**
   * Start-up check (`manager.ready()`): the client package loads, the connection works, the table
   * exists. Rejects with a `ConfigError` that says what to fix. Optional: custom stores may omit it.
   */
  ready?(): Promise<void>;
}

/**
 * The signed-cookie "store": there is no server-side storage, the cookie value is the signed session
 * data itself (Django's `signed_cookies` backend). The core does all the work; this object only carries
 * its options.
 */
export interface CookieStore {
  /** Discriminates the signed-cookie store from server stores. */
  readonly kind: 'cookie';
  /** Always `signed-cookie`. */
  readonly name: 'signed-cookie';
  /** Signing salt. @default 'django.contrib.sessions.backends.signed_cookies' */
  readonly salt: string;
  /** Largest `name=value` cookie accepted by `save`, in bytes. @default 4096 */
  readonly maxCookieSize: number;
}

/** Any store the core can drive. */
export type AnyStore = SessionStore | CookieStore;
