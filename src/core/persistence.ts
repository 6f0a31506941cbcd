/**
 * How a session is loaded and saved: once for server-side stores (Django's db/cache/file backends) and
 * once for signed cookies. All save/create/update branching lives here, not in the stores.
 * @module
 */

import { b62Decode } from '../signing/base62.js';
import { dumps, loads } from '../signing/dumps.js';
import type {
  AnyStore,
  CookieStore,
  ExpectedRecord,
  SessionRecord,
  SessionStore,
  StoredSession,
  TouchRecord,
} from '../stores/types.js';
import { indexAfterDelete, indexAfterWrite } from '../user-sessions/hooks.js';
import { isPlainObject, type SessionData } from './codec.js';
import {
  CookieTooLarge,
  CreateError,
  InvalidSessionKey,
  SignatureExpired,
  StoreUnavailable,
  UpdateError,
} from './errors.js';
import { emitterOf, instrument } from './events.js';
import { computeExpiryAge, computeExpiryDate, EXPIRY_KEY } from './expiry.js';
import { generateSessionKey } from './keys.js';
import { applyChanges, backoff, MAX_SAVE_ATTEMPTS, ownChanges, SaveConflict } from './merge.js';
import { type Session, type SessionContext, sessionInternals, touchAge } from './session.js';

/**
 * The storage half of sessions, chosen by the kind of store. One per context and store, shared by
 * all its sessions (each call names the session), so opening a session allocates none of it.
 */
export interface Persistence {
  load(session: Session): Promise<SessionData>;
  exists(session: Session, key: string): Promise<boolean>;
  save(session: Session, mustCreate: boolean): Promise<void>;
  create(session: Session): Promise<void>;
  destroy(session: Session, key: string | null): Promise<void>;
  cycleKey(session: Session, data: SessionData): Promise<void>;
  /**
   * Touch-only rolling: extend the loaded session's expiry without rewriting its data; resolves whether
   * it was extended. `conditional`: the store's load did not say when the session expires, so the store
   * is asked to skip a touch that is not due yet.
   */
  touch(session: Session, conditional: boolean): Promise<boolean>;
}

const shared = new WeakMap<SessionContext, { store: AnyStore; persistence: Persistence }>();

/** The persistence for `store` (the context's store, resolved), created once per context. */
export function persistenceFor(context: SessionContext, store: AnyStore): Persistence {
  const known = shared.get(context);
  if (known !== undefined && known.store === store) return known.persistence;
  const plain = store.kind === 'cookie' ? cookieSession(context, store) : serverSession(context, store);
  // Events: wrapped only when a listener is attached, so without one no operation is timed.
  const emit = emitterOf(context);
  const persistence = emit === null ? plain : instrument(plain, store.name, emit);
  shared.set(context, { store, persistence });
  return persistence;
}

/** The compare-and-swap saves of one session key in flight in this process (see `serverSession`). */
interface Flight {
  /** Saves of the key started and not yet settled. */
  count: number;
  /** The latest of them, which the next one waits for; `null` when idle. */
  tail: Promise<void> | null;
  /** The data the latest settled one wrote, while others are still in flight. */
  written: string | undefined;
}

/** Idle flights are swept once the map holds this many (or twice as many as after the last sweep). */
const SWEEP_MIN = 1024;

const ignore = (): void => {};

/** Attempts at minting an unused key before giving up (Django's cache backend allows 10000). */
const MAX_CREATE_ATTEMPTS = 100;

/**
 * The expiry Django's file backend derives for data without an expiry column (`_expiry_date`):
 * the custom `_session_expiry`, else modification time + cookie age.
 */
export function fileStyleExpiry(data: SessionData, modifiedAt: Date, cookieAge: number): unknown {
  const custom = data[EXPIRY_KEY];
  if (custom !== undefined && custom !== null && custom !== 0 && custom !== '') return custom;
  return new Date(modifiedAt.getTime() + cookieAge * 1000);
}

/** Whether a stored session has expired at `nowMs` (used by loads and by `clearExpired`). */
export function isStoredSessionExpired(
  stored: StoredSession,
  data: SessionData,
  nowMs: number,
  cookieAge: number,
): boolean {
  if (stored.expireDate !== undefined) return stored.expireDate.getTime() <= nowMs;
  if (stored.modifiedAt === undefined) return false;
  return computeExpiryAge(fileStyleExpiry(data, stored.modifiedAt, cookieAge), nowMs, cookieAge) <= 0;
}

/**
 * When a loaded session expires as its store reports it (ms): the expiry column, or the file store's
 * mtime + age; `null` when the store does not say (Redis, memcached).
 */
function loadedExpiry(stored: StoredSession, data: SessionData, cookieAge: number): number | null {
  if (stored.expireDate !== undefined) return stored.expireDate.getTime();
  if (stored.modifiedAt === undefined) return null;
  return stored.modifiedAt.getTime() + (touchAge(data, cookieAge) ?? cookieAge) * 1000;
}

/** A touch of `session` for the store: its new expiry, `null` when nothing is to be touched. */
function touchRecordOf(context: SessionContext, session: Session, conditional: boolean): TouchRecord | null {
  const { settings } = context;
  const key = session.sessionKey;
  const age = touchAge(sessionInternals().peek(session), settings.cookieAge);
  if (key === null || age === null || age <= 0) return null;
  const now = settings.now();
  const record: TouchRecord = { key, expireDate: new Date(now + age * 1000), maxAge: age };
  if (conditional) record.ifRemainingBelowMs = (age - settings.touchInterval) * 1000;
  return record;
}

const missing = () => new UpdateError('The session no longer exists; it was deleted while this request ran.');

/**
 * After a store's create/update: mark the session saved, or throw what Django raises. Answers the
 * user-session index's write to await, if there is one (most managers have none: no promise then).
 */
function settle(
  context: SessionContext,
  session: Session,
  record: SessionRecord,
  written: SessionData,
  tracked: boolean,
  mustCreate: boolean,
  ok: boolean,
): Promise<void> | undefined {
  if (!ok) {
    if (mustCreate) throw new CreateError('A session with the new key already exists.');
    throw missing();
  }
  // user-sessions: index the user of what was written, before markSaved() forgets the session's changes.
  const indexed = indexAfterWrite(context, session, record.key, written, mustCreate);
  const internals = sessionInternals();
  // The next save of this request compares against what it wrote.
  if (tracked) internals.noteStored(session, written, { data: record.data });
  internals.markSaved(session);
  return indexed;
}

/** Persistence for server-side stores. */
export function serverSession(context: SessionContext, store: SessionStore): Persistence {
  const { settings, codec } = context;
  const internals = sessionInternals();
  const emit = emitterOf(context);
  // Merge on save needs the store's compare-and-swap; without it (or when opted out) saves overwrite.
  const replace =
    context.concurrency !== 'last-write-wins' && store.replace !== undefined
      ? store.replace.bind(store)
      : null;

  // An empty file is Django's file-store placeholder for a session being created: no data yet.
  const decodeStored = (stored: StoredSession): SessionData => {
    if (stored.data === '') return {};
    const data = codec.decode(stored.data);
    if (data !== null) return data;
    emit?.({ type: 'tampered', store: store.name, durationMs: 0, outcome: 'refused', operation: 'load' });
    return {};
  };

  const conflict = (): void =>
    emit?.({ type: 'conflict', store: store.name, durationMs: 0, outcome: 'merging', operation: 'save' });

  const recordOf = (key: string, data: SessionData): SessionRecord => {
    const now = settings.now();
    const expiry = data[EXPIRY_KEY];
    return {
      key,
      data: codec.encode(data),
      expireDate: computeExpiryDate(expiry, now, settings.cookieAge),
      maxAge: computeExpiryAge(expiry, now, settings.cookieAge),
    };
  };

  /**
   * Merge-on-save after a lost compare-and-swap: reload, re-apply this request's changes onto the newer
   * record, and compare-and-swap again, a bounded number of times with a random pause in between.
   */
  const merge = async (
    session: Session,
    key: string,
    current: SessionData,
    loaded: ExpectedRecord,
    flight: Flight,
    known?: StoredSession,
  ): Promise<void> => {
    const own = ownChanges(current, decodeStored(loaded), session.changes());
    let data = current;
    for (let attempt = 1; attempt < MAX_SAVE_ATTEMPTS; attempt++) {
      // The first retry follows at once: most conflicts come from a save that just finished.
      if (attempt > 1) await backoff(attempt - 1);
      const now = settings.now();
      // What this process just wrote needs no reload (if another process wrote since, the
      // compare-and-swap fails and the next attempt reloads).
      const stored = attempt === 1 && known !== undefined ? known : await store.load(key, new Date(now));
      const newer = stored === null ? null : decodeStored(stored);
      if (
        stored === null ||
        newer === null ||
        (stored.expireDate === undefined && isStoredSessionExpired(stored, newer, now, settings.cookieAge))
      ) {
        throw missing();
      }
      data = applyChanges(newer, own);
      internals.replaceCache(session, data);
      const record = recordOf(key, data);
      const outcome = await replace!(record, { data: stored.data, version: stored.version });
      if (outcome === 'ok') {
        flight.written = record.data;
        await settle(context, session, record, data, true, false, true);
        return;
      }
      if (outcome === 'missing') throw missing();
      conflict();
    }
    throw new SaveConflict(
      `The session was saved by other requests ${MAX_SAVE_ATTEMPTS} times while this request tried to save it; nothing was written.`,
    );
  };

  /**
   * The compare-and-swap saves of each session key in this process. A save waits for the one before it,
   * so requests of this process never race each other's compare-and-swap: a save that follows another
   * one loses its first compare-and-swap and merges at once, without the retries of a crowd racing for
   * the record. Entries stay when idle (a visitor's next save reuses its entry without writing the map)
   * and are swept in bulk once the map has doubled.
   */
  const flights = new Map<string, Flight>();
  let sweepAt = SWEEP_MIN;

  /** The flight of `key`, created (and the idle ones swept, now and then) when it has none. */
  const flightOf = (key: string): Flight => {
    let flight = flights.get(key);
    if (flight !== undefined) return flight;
    if (flights.size >= sweepAt) {
      for (const [name, idle] of flights) if (idle.count === 0) flights.delete(name);
      sweepAt = Math.max(SWEEP_MIN, flights.size * 2);
    }
    flight = { count: 0, tail: null, written: undefined };
    flights.set(key, flight);
    return flight;
  };

  /**
   * Compare-and-swap `data` against `loaded`, then merge when it lost. Behind an earlier save of the same
   * key (`previous`), it first waits for it, and merges at once when that save wrote something else than
   * what this request loaded.
   */
  const swap = async (
    session: Session,
    key: string,
    data: SessionData,
    loaded: ExpectedRecord,
    flight: Flight,
    previous: Promise<void> | null,
  ): Promise<void> => {
    try {
      if (previous !== null) {
        await previous.then(ignore, ignore);
        const last = flight.written;
        if (last !== undefined && last !== loaded.data) {
          return await merge(session, key, data, loaded, flight, { data: last });
        }
      }
      const record = recordOf(key, data);
      const outcome = await replace!(record, loaded);
      if (outcome === 'ok') {
        flight.written = record.data;
        const indexed = settle(context, session, record, data, true, false, true);
        if (indexed !== undefined) await indexed;
        return;
      }
      if (outcome === 'missing') throw missing();
      conflict();
      return await merge(session, key, data, loaded, flight);
    } finally {
      if (--flight.count === 0) {
        flight.tail = null;
        flight.written = undefined;
      }
    }
  };

  /** An atomic create or update of `data` under `key`, as Django's `save(must_create)`. */
  const put = async (
    session: Session,
    key: string,
    data: SessionData,
    mustCreate: boolean,
  ): Promise<void> => {
    const record = recordOf(key, data);
    const ok = await (mustCreate ? store.create(record) : store.update(record));
    return settle(context, session, record, data, replace !== null, mustCreate, ok);
  };

  /**
   * Write `data` under `key`. With merge on, an update of data loaded from the store is a
   * compare-and-swap against what was loaded ({@link swap}); anything else a create or update.
   */
  const write = (session: Session, key: string, data: SessionData, mustCreate: boolean): Promise<void> => {
    store.validateKey?.(key);
    const loaded = mustCreate || replace === null ? undefined : internals.storedAs(session, data);
    if (loaded === undefined) return put(session, key, data, mustCreate);
    const flight = flightOf(key);
    const previous = flight.count === 0 ? null : flight.tail;
    flight.count++;
    const pending = swap(session, key, data, loaded, flight, previous);
    flight.tail = pending;
    return pending;
  };

  /** Save data that is loaded: under a new key when loading dropped an unknown or expired one. */
  const saveLoaded = (session: Session, data: SessionData, mustCreate: boolean): Promise<void> => {
    // As Django's `_get_or_create_session_key`.
    const key = session.sessionKey;
    if (key === null) return persistence.create(session);
    return write(session, key, data, mustCreate);
  };

  const persistence: Persistence = {
    async load(session) {
      const key = session.sessionKey;
      if (key === null) return {};
      try {
        store.validateKey?.(key);
      } catch (error) {
        if (!(error instanceof InvalidSessionKey)) throw error;
        internals.setKey(session, null);
        return {};
      }
      const now = settings.now();
      const stored = await store.load(key, new Date(now));
      if (stored === null) {
        internals.setKey(session, null);
        return {};
      }
      const data = decodeStored(stored);
      if (stored.expireDate === undefined && isStoredSessionExpired(stored, data, now, settings.cookieAge)) {
        await store.delete(key);
        internals.setKey(session, null);
        return {};
      }
      if (replace !== null)
        internals.noteStored(session, data, { data: stored.data, version: stored.version });
      internals.noteLoaded(session, loadedExpiry(stored, data, settings.cookieAge));
      return data;
    },

    async exists(_session, key) {
      store.validateKey?.(key);
      return store.exists(key);
    },

    // Not async: a save of loaded data (nearly every save) goes to the store without a promise hop.
    save(session, mustCreate) {
      try {
        if (session.sessionKey === null) return persistence.create(session);
        const data = internals.dataForSave(session, mustCreate);
        if (data instanceof Promise) return data.then((loaded) => saveLoaded(session, loaded, mustCreate));
        return saveLoaded(session, data, mustCreate);
      } catch (error) {
        return Promise.reject(error);
      }
    },

    // Keys are 165 bits of CSPRNG output, so no exists() probe: the atomic create catches a collision.
    async create(session) {
      for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
        internals.setKey(session, generateSessionKey());
        try {
          await persistence.save(session, true);
        } catch (error) {
          if (error instanceof CreateError) continue;
          throw error;
        }
        session.modified = true;
        return;
      }
      throw new StoreUnavailable(
        `Unable to create a new session key after ${MAX_CREATE_ATTEMPTS} attempts: the ${store.name} store rejects every insert.`,
      );
    },

    async destroy(session, key) {
      const target = key ?? session.sessionKey;
      if (target === null) return;
      try {
        store.validateKey?.(target);
      } catch (error) {
        if (error instanceof InvalidSessionKey) return;
        throw error;
      }
      await store.delete(target);
      await indexAfterDelete(context, target); // user-sessions
    },

    async touch(session, conditional) {
      const record = touchRecordOf(context, session, conditional);
      if (record === null) return false;
      store.validateKey?.(record.key);
      // A store without touch: a full save of the unchanged data (merge on save keeps others' changes).
      if (store.touch === undefined) {
        await persistence.save(session, false);
        return true;
      }
      const touched = await store.touch(record);
      if (touched) internals.noteLoaded(session, record.expireDate.getTime());
      return touched;
    },

    async cycleKey(session, data) {
      const oldKey = session.sessionKey;
      await persistence.create(session);
      internals.replaceCache(session, data);
      if (oldKey !== null) {
        await store.delete(oldKey);
        await indexAfterDelete(context, oldKey); // user-sessions
      }
    },
  };
  return persistence;
}

/** Persistence for the signed-cookie store: the session key is the signed data itself (spec §4.5). */
export function cookieSession(context: SessionContext, store: CookieStore): Persistence {
  const { settings } = context;
  const internals = sessionInternals();
  const emit = emitterOf(context);
  const refused = (): void =>
    emit?.({ type: 'tampered', store: store.name, durationMs: 0, outcome: 'refused', operation: 'load' });
  const signingOptions = {
    key: settings.secretKey,
    fallbackKeys: settings.secretKeyFallbacks,
    salt: store.salt,
    now: settings.now,
    serializer: settings.serializer ?? undefined,
  };

  const persistence: Persistence = {
    async load(session) {
      const key = session.sessionKey;
      if (key === null) return {};
      try {
        const value = loads(key, { ...signingOptions, maxAge: settings.cookieAge });
        if (isPlainObject(value)) {
          internals.noteLoaded(session, signedAt(key) + (touchAge(value, settings.cookieAge) ?? 0) * 1000);
          return value;
        }
        refused();
      } catch (error) {
        // Any failure (bad signature, expired, malformed) resets the session, silently as Django does;
        // all but expiry are reported as tampering.
        if (!(error instanceof SignatureExpired)) refused();
      }
      await persistence.create(session);
      return {};
    },

    async exists() {
      return false;
    },

    async save(session) {
      const data = await internals.dataForSave(session, false);
      const value = dumps(data, { ...signingOptions, compress: true });
      const size = Buffer.byteLength(`${settings.cookieName}=${value}`);
      if (size > store.maxCookieSize) throw new CookieTooLarge(size, store.maxCookieSize);
      internals.setKey(session, value);
      session.modified = true;
      internals.markSaved(session);
    },

    async create(session) {
      session.modified = true;
    },

    async destroy(session) {
      internals.setKey(session, null);
      internals.replaceCache(session, {});
      session.modified = true;
    },

    async cycleKey(session) {
      await persistence.save(session, false);
    },

    // The cookie is the store: a touch signs the same data again with a new timestamp.
    async touch(session) {
      if (touchRecordOf(context, session, false) === null) return false;
      await persistence.save(session, false);
      return true;
    },
  };
  return persistence;
}

/** When a signed value (`payload:timestamp:signature`, verified) was signed, in ms. */
function signedAt(value: string): number {
  const parts = value.split(':');
  return b62Decode(parts[parts.length - 2] ?? '0') * 1000;
}
