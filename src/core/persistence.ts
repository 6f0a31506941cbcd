/**
 * How a session is loaded and saved: once for server-side stores (Django's db/cache/file backends) and
 * once for signed cookies. All save/create/update branching lives here, not in the stores.
 * @module
 */

import { dumps, loads } from '../signing/dumps.js';
import type { AnyStore, CookieStore, SessionStore, StoredSession } from '../stores/types.js';
import { indexAfterDelete, indexAfterWrite } from '../user-sessions/hooks.js';
import { isPlainObject, type SessionData } from './codec.js';
import { CookieTooLarge, CreateError, InvalidSessionKey, StoreUnavailable, UpdateError } from './errors.js';
import { computeExpiryAge, computeExpiryDate, EXPIRY_KEY } from './expiry.js';
import { generateSessionKey } from './keys.js';
import type { Session, SessionContext } from './session.js';
import { isThenable } from './thenable.js';

/**
 * The storage half of sessions, chosen by the kind of store. One per context and store, shared by
 * all its sessions (each call names the session), so opening a session allocates none of it.
 */
export interface Persistence {
  /** Synchronous when the store answers synchronously. */
  load(session: Session): SessionData | Promise<SessionData>;
  exists(session: Session, key: string): Promise<boolean>;
  /** Synchronous (and may throw) when the store answers synchronously. */
  save(session: Session, mustCreate: boolean): void | Promise<void>;
  create(session: Session): Promise<void>;
  destroy(session: Session, key: string | null): Promise<void>;
  cycleKey(session: Session, data: SessionData): Promise<void>;
}

const shared = new WeakMap<SessionContext, { store: AnyStore; persistence: Persistence }>();

/** The persistence for `store` (the context's store, resolved), created once per context. */
export function persistenceFor(context: SessionContext, store: AnyStore): Persistence {
  const known = shared.get(context);
  if (known !== undefined && known.store === store) return known.persistence;
  const persistence = store.kind === 'cookie' ? cookieSession(context, store) : serverSession(context, store);
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

/** After a store's create/update: mark the session saved, or throw what Django raises. */
function settle(session: Session, key: string, mustCreate: boolean, ok: boolean): void {
  if (!ok) {
    if (mustCreate) throw new CreateError(`Session key ${key} already exists`);
    throw new UpdateError(`Session ${key} no longer exists; it was deleted while this request ran`);
  }
  session.markSaved();
}

/** Persistence for server-side stores. */
export function serverSession(context: SessionContext, store: SessionStore): Persistence {
  const { settings, codec } = context;

  /** The data of what `store.load` found (`null`: nothing under the key). */
  const loaded = (
    session: Session,
    key: string,
    stored: StoredSession | null,
    now: number,
  ): SessionData | Promise<SessionData> => {
    if (stored === null) {
      session.setKey(null);
      return {};
    }
    // An empty file is Django's file-store placeholder for a session being created: no data yet.
    const data = stored.data === '' ? {} : (codec.decode(stored.data) ?? {});
    if (stored.expireDate === undefined && isStoredSessionExpired(stored, data, now, settings.cookieAge)) {
      return Promise.resolve(store.delete(key)).then(() => {
        session.setKey(null);
        return {};
      });
    }
    return data;
  };

  /** Write `data` under `key`: an atomic create or update, as Django's `save(must_create)`. */
  const write = (
    session: Session,
    key: string,
    data: SessionData,
    mustCreate: boolean,
  ): void | Promise<void> => {
    const now = settings.now();
    const expiry = data[EXPIRY_KEY];
    const record = {
      key,
      data: codec.encode(data),
      expireDate: computeExpiryDate(expiry, now, settings.cookieAge),
      maxAge: computeExpiryAge(expiry, now, settings.cookieAge),
    };
    store.validateKey?.(key);
    const written = mustCreate ? store.create(record) : store.update(record);
    // user-sessions: index the user of what was written, before settle() forgets the session's changes.
    const done = (ok: boolean): void | Promise<void> => {
      const indexed = ok ? indexAfterWrite(context, session, key, data, mustCreate) : undefined;
      settle(session, key, mustCreate, ok);
      return indexed;
    };
    // A store's pending answer may be any thenable: normalized to a native promise here, the core's
    // own sync/async checks (`instanceof Promise`) can rely on it.
    return isThenable(written) ? Promise.resolve(written).then(done) : done(written);
  };

  const persistence: Persistence = {
    load(session) {
      const key = session.sessionKey;
      if (key === null) return {};
      try {
        store.validateKey?.(key);
      } catch (error) {
        if (!(error instanceof InvalidSessionKey)) throw error;
        session.setKey(null);
        return {};
      }
      const now = settings.now();
      const stored = store.load(key, new Date(now));
      return isThenable(stored)
        ? Promise.resolve(stored).then((found) => loaded(session, key, found, now))
        : loaded(session, key, stored, now);
    },

    async exists(_session, key) {
      store.validateKey?.(key);
      return store.exists(key);
    },

    save(session, mustCreate) {
      const key = session.sessionKey;
      if (key === null) return persistence.create(session);
      const data = session.dataForSave(mustCreate);
      return data instanceof Promise
        ? data.then((ready) => write(session, key, ready, mustCreate))
        : write(session, key, data, mustCreate);
    },

    // Keys are 165 bits of CSPRNG output, so no exists() probe: the atomic create catches a collision.
    async create(session) {
      for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
        session.setKey(generateSessionKey());
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

    async cycleKey(session, data) {
      const oldKey = session.sessionKey;
      await persistence.create(session);
      session.replaceCache(data);
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
        if (isPlainObject(value)) return value;
      } catch {
        // Any failure (bad signature, expired, malformed) resets the session, silently as Django does.
      }
      await persistence.create(session);
      return {};
    },

    async exists() {
      return false;
    },

    async save(session) {
      const data = await session.dataForSave(false);
      const value = dumps(data, { ...signingOptions, compress: true });
      const size = Buffer.byteLength(`${settings.cookieName}=${value}`);
      if (size > store.maxCookieSize) throw new CookieTooLarge(size, store.maxCookieSize);
      session.setKey(value);
      session.modified = true;
      session.markSaved();
    },

    async create(session) {
      session.modified = true;
    },

    async destroy(session) {
      session.setKey(null);
      session.replaceCache({});
      session.modified = true;
    },

    async cycleKey(session) {
      await persistence.save(session, false);
    },
  };
  return persistence;
}
