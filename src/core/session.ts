/**
 * The `Session` object: Django's `SessionBase` with an async, TypeScript-shaped API (spec §1).
 * Lazy: no store call until the data is touched. Tracks `accessed`/`modified`, and which keys this
 * request set or deleted ({@link Session.changes}) so a save can merge instead of overwrite.
 * @module
 */
import type { AnyStore, ExpectedRecord, StoreLock } from '../stores/types.js';
import type { SessionCodec, SessionData } from './codec.js';
import { ConfigError, NotSupported, SessionKeyMissing } from './errors.js';
import {
  computeExpiryAge,
  computeExpiryDate,
  EXPIRY_KEY,
  type ExpirySetting,
  expiresAtBrowserClose,
  toStoredExpiry,
} from './expiry.js';
import { isValidSessionKey } from './keys.js';
import { assignKey, type Concurrency, LockTimeout } from './merge.js';
import { type Persistence, persistenceFor } from './persistence.js';
import type { ResolvedSettings } from './settings.js';

export type { SessionData } from './codec.js';

/** Django's test-cookie key and value. */
export const TEST_COOKIE_NAME = 'testcookie';
/** Value stored by {@link Session.setTestCookie}. */
export const TEST_COOKIE_VALUE = 'worked';

/** What a session needs from its manager: settings, codec and (possibly still resolving) store. */
export interface SessionContext {
  readonly settings: ResolvedSettings;
  readonly codec: SessionCodec;
  readonly store: AnyStore | Promise<AnyStore>;
  /** How concurrent saves combine. @default 'merge' */
  readonly concurrency?: Concurrency;
}

/** Options of {@link Session.lock}. */
export interface LockOptions {
  /**
   * Longest time the lock is held, in ms: it is released by itself past this (also when the process
   * holding it dies), so a crashed request cannot block the visitor for longer. @default 10000
   */
  timeout?: number;
  /** Longest wait for the lock while another request holds it, in ms; then {@link LockTimeout}. @default 5000 */
  wait?: number;
}

/** The "lock" of a session without a key: there is nothing to release. */
const NO_LOCK: StoreLock = { release: async () => {} };

/** Default {@link LockOptions.timeout}. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** Default {@link LockOptions.wait}. */
export const DEFAULT_LOCK_WAIT_MS = 5_000;

/** Overrides for {@link Session.getExpiryAge} and {@link Session.getExpiryDate} (Django's kwargs). */
export interface ExpiryOverrides {
  /** Compute relative to this time instead of now. */
  modification?: Date;
  /** Use this expiry instead of the session's `_session_expiry` (avoids loading the session). */
  expiry?: number | string | Date | null;
}

/** The keys one request changed, for merge-on-save. */
export interface SessionChanges {
  /** Keys set (or updated) since the session was loaded or last saved. */
  readonly set: ReadonlySet<string>;
  /** Keys deleted since then. */
  readonly deleted: ReadonlySet<string>;
  /** Whether the whole session was cleared (`clear`/`flush`). */
  readonly cleared: boolean;
}

/** Options of {@link Session.save}. */
export interface SaveOptions {
  /** Create a new record, failing with {@link CreateError} if the key exists (Django's `must_create`). */
  mustCreate?: boolean;
}

/**
 * @internal What persistence (and the HTTP layer) may do to a session beyond its public API. Reachable
 * only through {@link sessionInternals}, which no package entry exports: a caller holding a session
 * cannot adopt a key or forget its changes, so the fixation defence cannot be bypassed.
 */
export interface SessionInternals {
  /** Adopt `key` (after a create or a key cycle). */
  setKey(session: Session, key: string | null): void;
  /** The cached data, or `null` when not loaded. */
  peek(session: Session): SessionData | null;
  /** Replace the cached data (cycleKey, destroy, a merge). */
  replaceCache(session: Session, data: SessionData): void;
  /** Remember what the store holds for `data` (as loaded, or as just written). */
  noteStored(session: Session, data: SessionData, stored: ExpectedRecord): void;
  /** What the store held for `data` when it was loaded or saved, if it came from the store. */
  storedAs(session: Session, data: SessionData): ExpectedRecord | undefined;
  /** The data was loaded from the store, which said it expires at `expiresAt` (ms) if it knows. */
  noteLoaded(session: Session, expiresAt: number | null): void;
  /** Forget the pending change set after a successful save. */
  markSaved(session: Session): void;
  /**
   * Data for saving: Django's `_get_session(no_load=must_create)`. The cached data itself once loaded
   * (the caller awaits either: a save of loaded data then costs no extra promise).
   */
  dataForSave(session: Session, mustCreate: boolean): SessionData | Promise<SessionData>;
  /** The data, loading it on first use (Django's `_get_session`): the cached object itself once loaded. */
  data(session: Session): SessionData | Promise<SessionData>;
  /** `set`, synchronously, on loaded data (throws what `set` rejects with). */
  assign(session: Session, data: SessionData, key: string, value: unknown): void;
  /** `delete`, synchronously, on loaded data. */
  unset(session: Session, data: SessionData, key: string): void;
}

// Assigned once, by Session's static block (the only code that can reach its private fields).
let internals: SessionInternals | undefined;

/** @internal The session internals; imported by core and http modules only, exported by no package entry. */
export function sessionInternals(): SessionInternals {
  return internals!;
}

/** The promise {@link Session.set} answers with once the data is loaded: settled, shared, never rejected. */
const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Seconds a touch extends `data`'s session by: its custom relative expiry, else `cookieAge`; `null`
 * for an absolute expiry date (a deadline a touch cannot move) or data not loaded.
 */
export function touchAge(data: SessionData | null, cookieAge: number): number | null {
  if (data === null) return null;
  const expiry = data[EXPIRY_KEY];
  if (expiry === undefined || expiry === null || expiry === 0) return cookieAge;
  return typeof expiry === 'number' && expiry > 0 ? expiry : null;
}

/** Remove `item` from `list` in place, if present. */
function remove(list: string[], item: string): void {
  const at = list.indexOf(item);
  if (at !== -1) list.splice(at, 1);
}

/**
 * A visitor's session. Dict-like and async: every read may load the data from the store on first use.
 * @typeParam Data the shape of your session data.
 * @example
 * const session = sessions.open(cookieValue);
 * const visits = ((await session.get('visits')) ?? 0) + 1;
 * await session.set('visits', visits);
 * await session.save();
 */
export class Session<Data extends object = SessionData> {
  /** True once any data access happened (reads included). Drives `Vary: Cookie`. */
  accessed = false;
  readonly #context: SessionContext;
  #key: string | null;
  #modified = false;
  #cache: SessionData | null = null;
  #loading: Promise<SessionData> | null = null;
  // Created on first change: most requests change nothing.
  // Small arrays rather than Sets: a request changes a key or two, and this runs on every change.
  #set: string[] | null = null;
  #deleted: string[] | null = null;
  #cleared = false;
  #persist: Persistence | null = null;
  // What the store held when the data object `#storedFor` was loaded or last saved: a save compares
  // against it (merge on save). Data that never came from the store (new, after clear()) has none.
  #storedFor: SessionData | null = null;
  #storedAs: ExpectedRecord | null = null;
  // The lock this request holds (or is acquiring); `#finished` once the response was finalized.
  #lock: Promise<StoreLock | null> | null = null;
  #finished = false;
  // Touch-only rolling: whether the data came from the store, and when the store said it expires
  // (ms; `null`: the store did not say).
  #fromStore = false;
  #storeExpiry: number | null = null;

  /** Open a session; `sessionKey` (e.g. from the cookie) is dropped if shorter than 8 characters. */
  constructor(context: SessionContext, sessionKey?: string | null) {
    this.#context = context;
    this.#key = isValidSessionKey(sessionKey) ? sessionKey : null;
  }

  /** True once the data was changed; the middleware then saves the session. Settable (Django's `modified`). */
  get modified(): boolean {
    return this.#modified;
  }

  set modified(value: boolean) {
    this.#modified = value;
  }

  /** The session key (the cookie value), or `null` until the session is saved. Read-only. */
  get sessionKey(): string | null {
    return this.#key;
  }

  /** Resolved settings this session works with. */
  get settings(): ResolvedSettings {
    return this.#context.settings;
  }

  /** Whether the data has been loaded (or set up empty) — Django's `hasattr(s, "_session_cache")`. */
  get isLoaded(): boolean {
    return this.#cache !== null;
  }

  /** Keys this request set or deleted since the last load or save. */
  changes(): SessionChanges {
    return { set: new Set(this.#set), deleted: new Set(this.#deleted), cleared: this.#cleared };
  }

  // ---- internal state shared with the persistence strategies --------------------------------------

  static {
    internals = {
      setKey(session, key) {
        session.#key = isValidSessionKey(key) ? key : null;
      },
      peek: (session) => session.#cache,
      replaceCache(session, data) {
        session.#cache = data;
        session.#loading = null;
      },
      noteStored(session, data, stored) {
        session.#storedFor = data;
        session.#storedAs = stored;
      },
      storedAs: (session, data) =>
        data === session.#storedFor ? (session.#storedAs ?? undefined) : undefined,
      noteLoaded(session, expiresAt) {
        session.#fromStore = true;
        session.#storeExpiry = expiresAt;
      },
      markSaved(session) {
        session.#set = null;
        session.#deleted = null;
        session.#cleared = false;
      },
      dataForSave: (session, mustCreate) => session.#data(mustCreate),
      data: (session) => session.#data(),
      assign(session, data, key, value) {
        session.#store(data, key, value);
      },
      unset(session, data, key) {
        if (!Object.hasOwn(data, key)) return;
        delete data[key];
        session.#markDeleted(key);
      },
    };
  }

  /**
   * @internal Whether touch-only rolling should extend this session's expiry now (see docs/rolling.md):
   * it was loaded from the store and not changed, its expiry is relative (not an absolute date), and
   * the expiry the store reported is at least `touchInterval` old. When the store did not report one,
   * the touch is due and the store itself skips it if it came too soon.
   */
  touchDue(): boolean {
    const settings = this.#context.settings;
    if (settings.rolling !== 'touch' || !this.#fromStore || this.#modified || this.#key === null)
      return false;
    const age = touchAge(this.#cache, settings.cookieAge);
    if (age === null) return false;
    if (this.#storeExpiry === null) return true;
    return this.#storeExpiry - settings.now() < (age - settings.touchInterval) * 1000;
  }

  /** @internal Extend the expiry without rewriting the data; resolves whether it was extended. */
  touchNow(): Promise<boolean> {
    return this.#withPersistence((p) => p.touch(this as Session, this.#storeExpiry === null));
  }

  /**
   * Run `use` with the persistence of this session's store. Waits only while the manager's store is
   * still resolving (a store URL whose client is being loaded): every request opens a new session, so
   * the common case must not cost a promise hop.
   */
  /** The persistence of this session's store, or `null` while the store is still resolving. */
  #persistenceNow(): Persistence | null {
    if (this.#persist !== null) return this.#persist;
    const store = this.#context.store;
    if (store instanceof Promise) return null;
    this.#persist = persistenceFor(this.#context, store);
    return this.#persist;
  }

  #withPersistence<T>(use: (persistence: Persistence) => Promise<T>): Promise<T> {
    const persistence = this.#persistenceNow();
    if (persistence !== null) return use(persistence);
    return Promise.resolve(this.#context.store).then((resolved) => {
      this.#persist ??= persistenceFor(this.#context, resolved);
      return use(this.#persist);
    });
  }

  /**
   * Django's `_get_session`: mark accessed and return the cached data, loading it on first use.
   * Synchronous once loaded: the dict-like methods then resolve without another promise hop.
   */
  #data(noLoad = false): SessionData | Promise<SessionData> {
    this.accessed = true;
    if (this.#cache !== null) return this.#cache;
    if (this.#key === null || noLoad) {
      this.#cache = {};
      return this.#cache;
    }
    this.#loading ??= this.#loadNow().then(
      (data) => {
        this.#loading = null;
        this.#cache ??= data;
        return this.#cache;
      },
      (error: unknown) => {
        this.#loading = null;
        throw error;
      },
    );
    return this.#loading;
  }

  /** The stored data for the current key. */
  #loadNow(): Promise<SessionData> {
    // Every session's first read comes here: no closure unless the store is still resolving.
    const persistence = this.#persistenceNow();
    if (persistence !== null) return persistence.load(this as Session);
    return this.#withPersistence((p) => p.load(this as Session));
  }

  #noteSet(key: string): void {
    if (this.#set === null) this.#set = [key];
    else if (!this.#set.includes(key)) this.#set.push(key);
    if (this.#deleted !== null) remove(this.#deleted, key);
  }

  #markSet(key: string): void {
    this.modified = true;
    this.#noteSet(key);
  }

  #markDeleted(key: string): void {
    this.modified = true;
    if (this.#deleted === null) this.#deleted = [key];
    else if (!this.#deleted.includes(key)) this.#deleted.push(key);
    if (this.#set !== null) remove(this.#set, key);
  }

  // ---- dict-like API ---------------------------------------------------------------------------------

  /**
   * The value under `key`, or `defaultValue` (`undefined`) when absent. Marks the session accessed.
   *
   * `get` and `set` run on nearly every request, so they are not `async` functions: once the data is
   * loaded they settle a promise directly, without an async-function frame (an allocation per call).
   * They still never throw: a failure rejects the returned promise.
   */
  get<K extends keyof Data & string>(key: K): Promise<Data[K] | undefined>;
  get<K extends keyof Data & string>(key: K, defaultValue: Data[K]): Promise<Data[K]>;
  get(key: string, defaultValue?: unknown): Promise<unknown> {
    const loaded = this.#data();
    if (loaded instanceof Promise) {
      return loaded.then((data) => (Object.hasOwn(data, key) ? data[key] : defaultValue));
    }
    return Promise.resolve(Object.hasOwn(loaded, key) ? loaded[key] : defaultValue);
  }

  /** Store `value` under `key`. Marks the session accessed and modified. */
  set<K extends keyof Data & string>(key: K, value: Data[K]): Promise<void> {
    const loaded = this.#data();
    if (loaded instanceof Promise) return loaded.then((data) => this.#store(data, key, value));
    try {
      this.#store(loaded, key, value);
    } catch (error) {
      return Promise.reject(error);
    }
    return RESOLVED;
  }

  #store(data: SessionData, key: string, value: unknown): void {
    assignKey(data, key, value);
    this.#markSet(key);
  }

  /** Whether `key` is in the session (Django's `in` / `has_key`). */
  async has(key: keyof Data & string): Promise<boolean> {
    return Object.hasOwn(await this.#data(), key);
  }

  /**
   * Remove `key`. Resolves `true` if it was present (the session is then modified), `false` otherwise
   * (Django's `del` raises `KeyError` instead; a `Map`-like boolean reads better in JavaScript).
   */
  async delete(key: keyof Data & string): Promise<boolean> {
    const data = await this.#data();
    if (!Object.hasOwn(data, key)) return false;
    delete data[key];
    this.#markDeleted(key);
    return true;
  }

  /**
   * Remove `key` and return its value. Without a default, a missing key throws {@link SessionKeyMissing};
   * with one (even `undefined`), the default is returned and the session is not modified.
   */
  async pop<K extends keyof Data & string>(key: K): Promise<Data[K]>;
  async pop<K extends keyof Data & string, D>(key: K, defaultValue: D): Promise<Data[K] | D>;
  async pop(key: string, ...rest: [unknown?]): Promise<unknown> {
    const data = await this.#data();
    if (Object.hasOwn(data, key)) {
      const value = data[key];
      delete data[key];
      this.#markDeleted(key);
      return value;
    }
    if (rest.length === 0) throw new SessionKeyMissing(key);
    return rest[0];
  }

  /** Return the value under `key`; if absent, store `value` (modifying the session) and return it. */
  async setDefault<K extends keyof Data & string>(key: K, value: Data[K]): Promise<Data[K]> {
    const data = await this.#data();
    if (Object.hasOwn(data, key)) return data[key] as Data[K];
    assignKey(data, key, value);
    this.#markSet(key);
    return value;
  }

  /** Copy every entry of `values` into the session. Always marks it modified (as Django does, even for `{}`). */
  async update(values: Partial<Data>): Promise<void> {
    const data = await this.#data();
    for (const [key, value] of Object.entries(values)) {
      assignKey(data, key, value);
      this.#noteSet(key);
    }
    this.modified = true;
  }

  /** The session's keys, in insertion order. */
  async keys(): Promise<Array<keyof Data & string>> {
    return Object.keys(await this.#data()) as Array<keyof Data & string>;
  }

  /** The session's values, in insertion order. */
  async values(): Promise<Array<Data[keyof Data]>> {
    return Object.values(await this.#data()) as Array<Data[keyof Data]>;
  }

  /** The session's `[key, value]` pairs, in insertion order. */
  async items(): Promise<Array<[keyof Data & string, Data[keyof Data]]>> {
    return Object.entries(await this.#data()) as Array<[keyof Data & string, Data[keyof Data]]>;
  }

  /**
   * A shallow copy of the session data. It holds Django's `_session_expiry` too when
   * {@link setExpiry} set a custom expiry (seconds as a number, or a date as Python isoformat text).
   */
  async toObject(): Promise<Partial<Data> & { _session_expiry?: number | string }> {
    return { ...(await this.#data()) } as Partial<Data> & { _session_expiry?: number | string };
  }

  /** Empty the session without loading it; the key is kept (Django's `clear`). */
  clear(): void {
    this.#cache = {};
    this.#loading = null;
    this.accessed = true;
    this.modified = true;
    this.#cleared = true;
    this.#set = null;
    this.#deleted = null;
  }

  /**
   * Django's `is_empty`: true when there is no key and no data, or when nothing was loaded and there is
   * no key. With a key it is false without loading anything.
   */
  isEmpty(): boolean {
    if (this.#key) return false;
    return this.#cache === null || Object.keys(this.#cache).length === 0;
  }

  // ---- test cookie -------------------------------------------------------------------------------------

  /** Store the test value, to check on the next request that the browser keeps cookies. */
  async setTestCookie(): Promise<void> {
    await this.set(TEST_COOKIE_NAME as keyof Data & string, TEST_COOKIE_VALUE as Data[keyof Data & string]);
  }

  /** Whether the test value set by {@link setTestCookie} came back. */
  async testCookieWorked(): Promise<boolean> {
    return (await this.get(TEST_COOKIE_NAME as keyof Data & string)) === TEST_COOKIE_VALUE;
  }

  /** Remove the test value (modifies the session; Django's sync `delete_test_cookie`). */
  async deleteTestCookie(): Promise<void> {
    await this.pop(TEST_COOKIE_NAME as keyof Data & string);
  }

  // ---- expiry -------------------------------------------------------------------------------------------

  /**
   * Set a custom expiry: seconds of inactivity (`0` = when the browser closes), an absolute `Date`, a
   * {@link Duration} from now, or `null` for the default (`cookieAge` / `expireAtBrowserClose`).
   */
  async setExpiry(value: ExpirySetting): Promise<void> {
    const stored = toStoredExpiry(value, this.#context.settings.now());
    if (stored === null) {
      await this.pop(EXPIRY_KEY as keyof Data & string, undefined);
      return;
    }
    await this.set(EXPIRY_KEY as keyof Data & string, stored as Data[keyof Data & string]);
  }

  async #expiryInput(overrides: ExpiryOverrides): Promise<[unknown, number]> {
    const modification = overrides.modification?.getTime() ?? this.#context.settings.now();
    const expiry =
      'expiry' in overrides ? overrides.expiry : await this.get(EXPIRY_KEY as keyof Data & string);
    return [expiry, modification];
  }

  /** Seconds until the session expires, counted from the last modification (now, unless overridden). */
  async getExpiryAge(overrides: ExpiryOverrides = {}): Promise<number> {
    const [expiry, modification] = await this.#expiryInput(overrides);
    return computeExpiryAge(expiry, modification, this.#context.settings.cookieAge);
  }

  /** The date the session expires. */
  async getExpiryDate(overrides: ExpiryOverrides = {}): Promise<Date> {
    const [expiry, modification] = await this.#expiryInput(overrides);
    return computeExpiryDate(expiry, modification, this.#context.settings.cookieAge);
  }

  /** Whether the cookie should be a browser-session cookie (custom expiry `0`, or the setting when unset). */
  async getExpireAtBrowserClose(): Promise<boolean> {
    const expiry = await this.get(EXPIRY_KEY as keyof Data & string);
    return expiresAtBrowserClose(expiry, this.#context.settings.expireAtBrowserClose);
  }

  // ---- persistence ---------------------------------------------------------------------------------------

  /**
   * Read the stored data for the current key, without caching it (Django's `load`). An unknown or
   * expired key is discarded (fixation defence); tampered data gives `{}` and a logged warning.
   */
  async load(): Promise<Partial<Data>> {
    // Not cached: what the next save compares against stays what the cached data was loaded from.
    const [storedFor, storedAs] = [this.#storedFor, this.#storedAs];
    try {
      return (await this.#loadNow()) as Partial<Data>;
    } finally {
      this.#storedFor = storedFor;
      this.#storedAs = storedAs;
    }
  }

  /** Whether a session is stored under `key` (always `false` for signed cookies). */
  async exists(key: string): Promise<boolean> {
    return this.#withPersistence((p) => p.exists(this as Session, key));
  }

  /** Persist the session. Without a key, creates one. A vanished record throws {@link UpdateError}. */
  save(options?: SaveOptions): Promise<void> {
    // Not async (the response's save runs on every changed request): it never throws, it rejects.
    try {
      const mustCreate = options?.mustCreate ?? false;
      const persistence = this.#persistenceNow();
      if (persistence !== null) return persistence.save(this as Session, mustCreate);
      return this.#withPersistence((p) => p.save(this as Session, mustCreate));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Create a new, empty record under a fresh key (Django's `create`); marks the session modified. */
  async create(): Promise<void> {
    await this.#withPersistence((p) => p.create(this as Session));
  }

  /** Delete the stored record of `key` (default: this session's key). Django's `delete(session_key)`. */
  async destroy(key?: string | null): Promise<void> {
    await this.#withPersistence((p) => p.destroy(this as Session, key ?? null));
  }

  /** Empty the session and delete its record; the next save mints a new key (use on logout). */
  async flush(): Promise<void> {
    this.clear();
    await this.destroy();
    this.#key = null;
  }

  /** Move the data to a new key and delete the old record (use on login, against session fixation). */
  async cycleKey(): Promise<void> {
    const data = await this.#data();
    await this.#withPersistence((p) => p.cycleKey(this as Session, data));
  }

  // ---- lock ------------------------------------------------------------------------------------------------

  /**
   * Hold this session's key exclusively — across processes sharing the store — until the response is
   * finalized (after its save) or {@link unlock}. For handlers that read, compute and write a value
   * that must not interleave with another request (a counter, a balance); merge on save already keeps
   * changes to different keys without it. Data loaded before the lock and not changed is loaded again
   * afterwards, so the handler reads what the previous holder saved. A session without a key yet
   * (a new visitor) has nothing to lock: it resolves at once.
   * @throws {LockTimeout} when another request holds the lock longer than `wait`.
   * @throws {NotSupported} for a store without locks (memcached, signed cookies, custom stores without `lock`).
   */
  async lock(options: LockOptions = {}): Promise<void> {
    const timeout = options.timeout ?? DEFAULT_LOCK_TIMEOUT_MS;
    const wait = options.wait ?? DEFAULT_LOCK_WAIT_MS;
    for (const [name, value] of [
      ['timeout', timeout],
      ['wait', wait],
    ] as const) {
      if (!Number.isFinite(value) || value < 0 || (name === 'timeout' && value === 0)) {
        throw new ConfigError(`lock ${name} must be a positive number of ms, not ${value}.`);
      }
    }
    if (this.#lock !== null) {
      if ((await this.#lock) !== null) return;
    }
    // Registered before any await, so a second lock() of this request waits for this one.
    const pending = this.#takeLock(timeout, wait);
    this.#lock = pending;
    let held: StoreLock | null;
    try {
      held = await pending;
    } catch (error) {
      this.#lock = null;
      throw error;
    }
    if (held === null) {
      this.#lock = null;
      throw new LockTimeout(`The session stayed locked by another request for more than ${wait} ms.`);
    }
    if (this.#finished) {
      // The response was finalized while the lock was being taken: nothing left to protect.
      this.#lock = null;
      await held.release();
      return;
    }
    if (this.#cache !== null && !this.#modified) {
      this.#cache = null;
      this.#loading = null;
    }
  }

  async #takeLock(timeout: number, wait: number): Promise<StoreLock | null> {
    const store = await this.#context.store;
    if (store.kind !== 'server' || store.lock === undefined) {
      throw new NotSupported(`The ${store.name} store doesn't support session locks.`);
    }
    const key = this.#key;
    // A new session (no key yet) is known to no other request: nothing to exclude.
    if (key === null) return NO_LOCK;
    store.validateKey?.(key);
    return store.lock(key, { ttlMs: timeout, waitMs: wait });
  }

  /** Whether this session holds (or is taking) a lock. */
  get locked(): boolean {
    return this.#lock !== null;
  }

  /** Release the lock taken by {@link lock}, if any. Idempotent. */
  async unlock(): Promise<void> {
    const pending = this.#lock;
    if (pending === null) return;
    this.#lock = null;
    const held = await pending.catch(() => null);
    await held?.release();
  }

  /**
   * @internal Called once by the HTTP layer when the response is finalized (after the save): releases
   * the lock, in the background. A release failure is logged; the lock then expires by its timeout.
   */
  requestFinished(): void {
    this.#finished = true;
    if (this.#lock === null) return;
    this.unlock().catch((error: unknown) => {
      this.#context.settings.logger.warn('Session lock release failed; it expires by its timeout', {
        error: String(error),
      });
    });
  }
}
