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
        noteWritten(key, record);
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
   * Saves of a session key in flight in this process. A save waits for the one before it, so requests
   * of this process never race each other's compare-and-swap: a save that follows another one loses its
   * first compare-and-swap and merges at once, without the retries of a crowd racing for the record.
   */
  const saving = new Map<string, Promise<unknown>>();
  /** The data the latest of those saves wrote, while saves of the key are in flight. */
  const lastWritten = new Map<string, string>();

  /** Register `pending` as the latest save of `key` in flight, until it settles. */
  const queue = (key: string, pending: Promise<void>): Promise<void> => {
    const forget = (): void => {
      if (saving.get(key) !== settled) return;
      saving.delete(key);
      lastWritten.delete(key);
    };
    const settled: Promise<void> = pending.then(forget, forget);
    saving.set(key, settled);
    return pending;
  };

  /** Remember what a save wrote, for the saves of the same key queued behind it. */
  const noteWritten = (key: string, record: SessionRecord): void => {
    if (saving.has(key)) lastWritten.set(key, record.data);
  };

  /** One compare-and-swap of `data` against `loaded`, then a merge when it lost. */
  const compareAndSwap = async (
    session: Session,
    key: string,
    data: SessionData,
    loaded: ExpectedRecord,
  ): Promise<void> => {
    const record = recordOf(key, data);
    const outcome = await replace!(record, loaded);
    if (outcome === 'ok') {
      noteWritten(key, record);
      return settle(context, session, record, data, true, false, true);
    }
    if (outcome === 'missing') throw missing();
    conflict();
    return merge(session, key, data, loaded);
  };

  /**
   * Write `data` under `key`: an atomic create or update, as Django's `save(must_create)`. With merge on,
   * an update of data loaded from the store is a compare-and-swap against what was loaded.
   */
  const write = async (
    session: Session,
    key: string,
    data: SessionData,
    mustCreate: boolean,
  ): Promise<void> => {
    store.validateKey?.(key);
    const loaded = mustCreate || replace === null ? undefined : internals.storedAs(session, data);
    if (loaded !== undefined) {
      const previous = saving.get(key);
      if (previous === undefined) return queue(key, compareAndSwap(session, key, data, loaded));
      return queue(
        key,
        previous.then(() => {
          // A save of this process wrote after this request loaded: its compare-and-swap would fail,
          // so it merges at once onto what that save wrote.
          const last = lastWritten.get(key);
          return last === undefined || last === loaded.data
            ? compareAndSwap(session, key, data, loaded)
            : merge(session, key, data, loaded, { data: last });
        }),
      );
    }
    const record = recordOf(key, data);
    const ok = await (mustCreate ? store.create(record) : store.update(record));
    return settle(context, session, record, data, replace !== null, mustCreate, ok);
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

    async save(session, mustCreate) {
      if (session.sessionKey === null) return persistence.create(session);
      const data = await internals.dataForSave(session, mustCreate);
      // Loading may have dropped an unknown or expired key: the data then goes under a new key, as
      // Django's `_get_or_create_session_key`.
      const key = session.sessionKey;
      if (key === null) return persistence.create(session);
      return write(session, key, data, mustCreate);
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
