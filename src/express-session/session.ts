/**
 * `req.session` as express-session documents it: the data as plain properties, read and written
 * synchronously, plus `id`, `cookie` and the callback methods. Behind it sits a sessionkit
 * {@link CoreSession}: the data is loaded into the object before the route runs, and at save time each
 * top-level property is compared with a JSON snapshot taken at load (so nested objects changed in place
 * count), and only the keys that differ are set or deleted on the sessionkit session. Its save then
 * merges them into what other requests stored meanwhile.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { EXPIRY_KEY, parsePythonIsoformat } from '../core/expiry.js';
import type { SessionManager } from '../core/manager.js';
import { type Session as CoreSession, sessionInternals } from '../core/session.js';
import { Cookie } from './cookie.js';
import { type CookieOptions, newSessionId, type ResolvedOptions } from './options.js';

/** The request properties this module sets. */
export interface SessionRequest extends IncomingMessage {
  session?: Session | null | undefined;
  sessionID?: string;
}

/** What the sessions of one request share. @internal */
export interface RequestContext {
  readonly req: SessionRequest;
  readonly options: ResolvedOptions;
  readonly manager: SessionManager;
  /** The cookie attributes for this request. */
  readonly cookieOptions: CookieOptions;
  /** Whether the request came over HTTPS (only computed when an attribute depends on it). */
  readonly secureRequest: boolean;
  /** The session ID the request's cookie named (even if no session was found under it). */
  readonly cookieId: string | null;
  /** The session this module last put on `req.session` (`null` once destroyed). */
  current: Session | null;
  /** Whether `destroy()` ran. */
  destroyed: boolean;
}

/** One session's bookkeeping. */
interface State {
  core: CoreSession;
  id: string;
  /** Not in the store yet: the first save creates it. */
  isNew: boolean;
  /** Each top-level key's value as last loaded or saved (see {@link Snapshot}). */
  snapshot: Map<string, Snapshot>;
  /** The cookie's lifetime in whole seconds (`null`: browser session) as last loaded or saved. */
  savedAge: number | null;
  /** The configured lifetime, in the same unit: stored as "no custom expiry". */
  defaultAge: number | null;
}

/** What changed since the last load or save. */
export interface Changes {
  /** Keys added or changed. */
  readonly set: readonly string[];
  /** Keys removed. */
  readonly deleted: readonly string[];
  /** Whether the cookie's lifetime changed (it is then stored as Django's `_session_expiry`). */
  readonly ageChanged: boolean;
  /** Whether anything changed (data, lifetime, or the sessionkit session through its own API). */
  readonly modified: boolean;
}

const NONE: readonly string[] = Object.freeze([]);

/** The JSON text of an object value at load or save time: changes made in place show against it. */
class Json {
  constructor(readonly text: string) {}
}

/**
 * What a value is compared against at save time: a primitive itself (no JSON needed: most session
 * values are counters, flags and ids), an object as its JSON text.
 */
type Snapshot = string | number | boolean | null | Json;

/** The snapshot of a value; `undefined` for what is not stored (undefined, functions, symbols). */
function snapshotOf(value: unknown): Snapshot | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const text = JSON.stringify(value);
  return text === undefined ? undefined : new Json(text);
}

/** How a property compares with its snapshot. */
enum Compared {
  /** Not stored (undefined, functions, symbols, an object whose `toJSON` gives undefined). */
  NotStored,
  Unchanged,
  Changed,
}

/** Compare `value` with `before` (NaN equals NaN; an object by its JSON). */
function compare(before: Snapshot | undefined, value: unknown): Compared {
  switch (typeof value) {
    case 'undefined':
    case 'function':
    case 'symbol':
      return Compared.NotStored;
    case 'string':
    case 'number':
    case 'boolean':
      if (before === undefined || before instanceof Json) return Compared.Changed;
      // biome-ignore lint/suspicious/noSelfCompare: NaN is the one value not equal to itself
      return before === value || (before !== before && value !== value)
        ? Compared.Unchanged
        : Compared.Changed;
  }
  if (value === null) return before === null ? Compared.Unchanged : Compared.Changed;
  const text = JSON.stringify(value); // throws for a bigint, as express-session's stores do
  if (text === undefined) return Compared.NotStored;
  return before instanceof Json && before.text === text ? Compared.Unchanged : Compared.Changed;
}

/** A cookie's lifetime in whole seconds, `null` for a browser-session cookie. */
function ageOf(cookie: Cookie): number | null {
  const ms = cookie.originalMaxAge;
  return ms === null || cookie.expiresAt() === null ? null : Math.round(ms / 1000);
}

/**
 * Stored keys that cannot be properties of `req.session` (its own members): left out of the object and
 * left alone in the store. A Django site sharing the sessions may well store an `id`.
 */
const RESERVED = new Set(['cookie', 'id', 'regenerate', 'destroy', 'reload', 'save', 'touch', 'resetMaxAge']);

/** A completion callback, called with `undefined` on success. */
export type Callback = (error?: unknown) => void;

let stateOf: (session: Session) => State;

/**
 * `req.session`. Session data lives in the object's own enumerable properties (`cookie` aside); the
 * methods and `id` are on the prototype, so `for…in`, `Object.keys` and Passport's `keepSessionInfo`
 * merge see only the data and `cookie`.
 */
export class Session {
  static {
    stateOf = (session) => session.#state;
  }

  /** The session cookie: `maxAge`, `expires`, `originalMaxAge` and the attributes. Changing them changes this session's cookie. */
  cookie: Cookie;
  readonly #context: RequestContext;
  #state: State;

  /**
   * @internal Built by the middleware. `data` (as loaded: `_session_expiry` and {@link RESERVED} keys are
   * left out) becomes the session's properties and, when `snapshot` is given, its snapshot.
   */
  constructor(
    context: RequestContext,
    state: State,
    cookie: Cookie,
    data: Record<string, unknown>,
    snapshot: Map<string, Snapshot> | null = null,
  ) {
    this.cookie = cookie;
    this.#context = context;
    this.#state = state;
    const target = this as unknown as Record<string, unknown>;
    for (const key of Object.keys(data)) {
      if (key === EXPIRY_KEY || RESERVED.has(key)) continue;
      const value = data[key];
      target[key] = value;
      if (snapshot === null) continue;
      const recorded = snapshotOf(value);
      if (recorded !== undefined) snapshot.set(key, recorded);
    }
  }

  /** The session ID (also `req.sessionID`). Read-only. */
  get id(): string {
    return this.#state.id;
  }

  /** Replace this session with a new, empty one under a new ID; the old one is deleted from the store. */
  regenerate(callback?: Callback): this {
    const context = this.#context;
    const state = this.#state;
    settle(
      (state.isNew ? Promise.resolve() : state.core.destroy()).then(() => {
        const fresh = newSession(context);
        context.req.session = fresh;
        context.req.sessionID = fresh.id;
        context.current = fresh;
      }),
      callback,
    );
    return this;
  }

  /** Delete the session from the store and unset `req.session`; the response deletes the cookie. */
  destroy(callback?: Callback): this {
    const context = this.#context;
    const state = this.#state;
    delete context.req.session;
    if (context.current === this) {
      context.current = null;
      context.destroyed = true;
    }
    settle(state.isNew ? Promise.resolve() : state.core.destroy(), callback);
    return this;
  }

  /** Load the data again from the store, replacing the properties (fails if the session is gone). */
  reload(callback?: Callback): this {
    const context = this.#context;
    const core = context.manager.open(this.#state.id);
    settle(
      core.toObject().then((data) => {
        if (core.sessionKey === null) throw new Error('failed to load session');
        const target = this as unknown as Record<string, unknown>;
        for (const key of Object.keys(this)) if (key !== 'cookie') delete target[key];
        const state = loadedState(core, this.#state.id, data as Record<string, unknown>, this.cookie);
        this.#state = state;
        for (const key of Object.keys(data)) {
          if (key === EXPIRY_KEY || RESERVED.has(key)) continue;
          target[key] = data[key];
          const recorded = snapshotOf(data[key]);
          if (recorded !== undefined) state.snapshot.set(key, recorded);
        }
      }),
      callback,
    );
    return this;
  }

  /** Save the session to the store now (it is saved at the end of the response anyway when changed). */
  save(callback?: Callback): this {
    settle(persist(this, changesOf(this)), callback);
    return this;
  }

  /** Restart the cookie's countdown (`cookie.maxAge` back to `originalMaxAge`). Done for you on every response. */
  touch(): this {
    this.cookie.reset();
    return this;
  }

  /** Same as {@link touch} (express-session's name for it). */
  resetMaxAge(): this {
    return this.touch();
  }
}

/** Run `work`, then `callback` with its error, if any. */
function settle(work: Promise<unknown>, callback: Callback | undefined): void {
  work.then(
    () => callback?.(),
    (error: unknown) => {
      if (callback) callback(error);
    },
  );
}

/** The sessionkit session behind `session`. */
export function coreSessionOf(session: Session): CoreSession {
  return stateOf(session).core;
}

/** Whether `session` is not in the store yet. */
export function isNewSession(session: Session): boolean {
  return stateOf(session).isNew;
}

/** A new, empty session for the request: an ID from `genid`, nothing stored yet. */
export function newSession(context: RequestContext): Session {
  const id = newSessionId(context.options, context.req);
  const core = context.manager.open(id);
  // An empty cache, so nothing is loaded for a key the store does not know yet.
  core.clear();
  core.modified = false;
  const cookie = new Cookie(context.cookieOptions, context.secureRequest);
  const age = ageOf(cookie);
  const state: State = { core, id, isNew: true, snapshot: new Map(), savedAge: age, defaultAge: age };
  return new Session(context, state, cookie, {});
}

/**
 * The state of a session loaded from the store, with an empty snapshot (the {@link Session} constructor
 * fills it). Its stored lifetime (Django's `_session_expiry`: seconds, `0` for a browser session, or an
 * absolute date) moves from `data` onto `cookie`; the data keys themselves are left out of the session.
 */
function loadedState(core: CoreSession, id: string, data: Record<string, unknown>, cookie: Cookie): State {
  const defaultAge = ageOf(cookie);
  const expiry = data[EXPIRY_KEY];
  if (typeof expiry === 'number') {
    cookie.maxAge = expiry === 0 ? null : expiry * 1000;
  } else if (typeof expiry === 'string') {
    const date = parsePythonIsoformat(expiry);
    if (date !== null) cookie.expires = date;
  }
  core.modified = false;
  return { core, id, isNew: false, snapshot: new Map(), savedAge: ageOf(cookie), defaultAge };
}

/**
 * Open the session stored under `id`: `core` (opened on `id`) and its data, loaded in one store round
 * trip with `core.toObject()`. `null` when there is none (unknown or expired key).
 */
export function loadedSession(
  context: RequestContext,
  core: CoreSession,
  id: string,
  data: Record<string, unknown>,
): Session | null {
  if (core.sessionKey === null) return null;
  const cookie = new Cookie(context.cookieOptions, context.secureRequest);
  const state = loadedState(core, id, data, cookie);
  return new Session(context, state, cookie, data, state.snapshot);
}

/** Whether a property value is stored (JSON has a text for it; not undefined, functions, symbols). */
function isStored(value: unknown): boolean {
  return compare(undefined, value) !== Compared.NotStored;
}

/**
 * Compare `session`'s properties and cookie lifetime with what was last loaded or saved. Allocates
 * nothing beyond the key list when nothing changed (most requests).
 */
export function changesOf(session: Session): Changes {
  const state = stateOf(session);
  const snapshot = state.snapshot;
  const data = session as unknown as Record<string, unknown>;
  let set: string[] | null = null;
  let kept = 0;
  for (const key of Object.keys(data)) {
    if (key === 'cookie') continue;
    const before = snapshot.get(key);
    // undefined and functions are not stored, as with express-session's JSON stores.
    const compared = compare(before, data[key]);
    if (compared === Compared.NotStored) continue;
    if (before !== undefined) kept++;
    if (compared === Compared.Unchanged) continue;
    if (set === null) set = [key];
    else set.push(key);
  }
  let deleted: string[] | null = null;
  if (kept < snapshot.size) {
    for (const key of snapshot.keys()) {
      if (Object.hasOwn(data, key) && isStored(data[key])) continue;
      if (deleted === null) deleted = [key];
      else deleted.push(key);
    }
  }
  const ageChanged = ageOf(session.cookie) !== state.savedAge;
  return {
    set: set ?? NONE,
    deleted: deleted ?? NONE,
    ageChanged,
    modified: set !== null || deleted !== null || ageChanged || state.core.modified,
  };
}

/** Django's `save(must_create=True)`, for a session not in the store yet. */
const MUST_CREATE = Object.freeze({ mustCreate: true });

/**
 * Write `changes` into the sessionkit session and save it (creating the record for a new session).
 * Not async, and no promise step before the store's: this runs on every saved request.
 */
export function persist(session: Session, changes: Changes): Promise<void> {
  const state = stateOf(session);
  const core = state.core;
  const internals = sessionInternals();
  const loaded = internals.data(core);
  // Loaded at the start of the request; only a lock() taken since can have dropped the cache.
  if (loaded instanceof Promise) return loaded.then(() => persist(session, changes));
  const data = session as unknown as Record<string, unknown>;
  // What the snapshot becomes once the save succeeded (what is written now): key, snapshot, key, ...
  const written: Array<string | Snapshot> = [];
  const age = ageOf(session.cookie);
  try {
    for (const key of changes.set) {
      internals.assign(core, loaded, key, data[key]);
      written.push(key, snapshotOf(data[key])!);
    }
    for (const key of changes.deleted) internals.unset(core, loaded, key);
    if (changes.ageChanged) {
      // The configured lifetime needs no custom expiry; anything else is Django's `set_expiry(seconds)`.
      if (age === state.defaultAge) internals.unset(core, loaded, EXPIRY_KEY);
      else internals.assign(core, loaded, EXPIRY_KEY, age === null ? 0 : Math.max(1, age));
    }
  } catch (error) {
    return Promise.reject(error);
  }
  return core.save(state.isNew ? MUST_CREATE : undefined).then(() => {
    state.isNew = false;
    const snapshot = state.snapshot;
    for (let i = 0; i < written.length; i += 2)
      snapshot.set(written[i] as string, written[i + 1] as Snapshot);
    for (const key of changes.deleted) snapshot.delete(key);
    state.savedAge = age;
    core.modified = false;
  });
}
