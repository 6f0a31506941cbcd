/**
 * A user's sessions: the index kept up to date as sessions are saved, listing (`sessionsOf`) and
 * ending (`endSessionsOf`, `endSession`). The manager owns one {@link UserSessions} per application;
 * persistence reports writes and deletes to it through `./hooks.ts`.
 * @module
 */
import type { SessionCodec, SessionData } from '../core/codec.js';
import { ConfigError, SessionError } from '../core/errors.js';
import { computeExpiryDate, EXPIRY_KEY } from '../core/expiry.js';
import { fileStyleExpiry, isStoredSessionExpired } from '../core/persistence.js';
import type { Session } from '../core/session.js';
import type { ResolvedSettings } from '../core/settings.js';
import type { AnyStore, SessionStore, StoredSession } from '../stores/types.js';
import { createMemoryUserIndex } from '../stores/user-index/memory.js';
import { userIndexFromUrl } from '../stores/user-index/resolve.js';
import type { IndexedSession, UserSessionIndex } from '../stores/user-index/types.js';
import { clientOf } from './client-info.js';
import { isHandleOf, sessionHandle } from './handle.js';
import { type SessionWriteTracker, trackSessionWrites } from './hooks.js';
import {
  checkUserKey,
  checkUserSessionsOption,
  cookieNotSupported,
  DEFAULT_USER_KEY,
  type UserSessionsOptions,
} from './option.js';

export { cookieNotSupported, DEFAULT_USER_KEY, type UserSessionsOptions };

/** Unindexed records read, decoded and recorded at a time by a sweep. */
const SWEEP_BATCH = 1000;

/** Longest user id the indexes hold (the SQL side table's `varchar(255)`). */
export const MAX_USER_ID_LENGTH = 255;

/** One live session of a user, as `manager.sessionsOf` lists it. */
export interface UserSessionInfo {
  /** Stands for the session key: safe to render and to post back to {@link UserSessions.end}. */
  handle: string;
  /** Whether this is the session whose key was passed as `current`. */
  current: boolean;
  /** When the session was bound to the user (login, or when sessionkit found a Django login), if known. */
  createdAt: Date | null;
  /** The session's last save, derived from its expiry (`null` when an absolute expiry hides it). */
  lastSeenAt: Date | null;
  /** When the session expires unless used again. */
  expiresAt: Date | null;
  /** User agent recorded with `recordClient`, if any. */
  userAgent: string | null;
  /** IP address recorded with `recordClient`, if any. */
  ip: string | null;
}

/** Options of `endSessionsOf`. */
export interface EndSessionsOptions {
  /** A session key to keep (the current request's `session.sessionKey`). */
  except?: string | null;
}

/** A user id that cannot be indexed (empty, not text or a number, or over 255 characters). */
export class InvalidUserId extends SessionError {
  override readonly code = 'ERR_INVALID_USER_ID';
  static override readonly code = 'ERR_INVALID_USER_ID';
}

/** The user id stored in `data` under `userKey`: text, or a number as text; `null` for anything else. */
export function userIdOf(data: SessionData, userKey: string): string | null {
  const value = data[userKey];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function checkUserId(userId: unknown): string {
  const text = typeof userId === 'number' && Number.isFinite(userId) ? String(userId) : userId;
  if (typeof text !== 'string' || text === '' || text.length > MAX_USER_ID_LENGTH) {
    throw new InvalidUserId(
      `A user id is a non-empty string (or a number) of at most ${MAX_USER_ID_LENGTH} characters, not ${JSON.stringify(userId)?.slice(0, 80)}.`,
    );
  }
  return text;
}

/** What {@link UserSessions} needs of its manager. */
export interface UserSessionsContext {
  readonly settings: ResolvedSettings;
  readonly codec: SessionCodec;
  readonly store: AnyStore;
}

/** A live indexed session with its decoded data. */
interface LiveSession {
  key: string;
  entry: IndexedSession;
  stored: StoredSession;
  data: SessionData;
}

/** In-process indexes of memory stores, shared by every manager of the same store. */
const memoryIndexes = new WeakMap<SessionStore, UserSessionIndex>();

/** The user-session index and operations of one manager. */
export class UserSessions implements SessionWriteTracker {
  readonly #context: UserSessionsContext;
  readonly #store: SessionStore;
  readonly #index: UserSessionIndex;
  readonly #userKey: string;
  readonly #ownsIndex: boolean;

  constructor(context: UserSessionsContext, options: UserSessionsOptions, storeUrl: string | null) {
    const { store } = context;
    const userKey = checkUserKey(options);
    if (store.kind === 'cookie') throw cookieNotSupported();
    let index = options.index ?? store.userIndex ?? null;
    let owns = false;
    if (index === null && storeUrl !== null) {
      index = userIndexFromUrl(storeUrl, context.settings);
      owns = index !== null;
    }
    if (index === null && store.name === 'memory') {
      index = memoryIndexes.get(store) ?? createMemoryUserIndex();
      memoryIndexes.set(store, index);
    }
    if (index === null) {
      throw new ConfigError(
        `The ${store.name} store has no user-session index: pass userSessions: { index } (createSqliteUserIndex, createPostgresUserIndex, createMysqlUserIndex, createRedisUserIndex, createFileUserIndex or createMemoryUserIndex from sessionkit/user-sessions).`,
      );
    }
    this.#context = context;
    this.#store = store;
    this.#index = index;
    this.#userKey = userKey;
    this.#ownsIndex = owns;
  }

  /** Report the writes and deletes of the sessions opened with `sessionContext` to this index. */
  attach(sessionContext: object): void {
    trackSessionWrites(sessionContext, this);
  }

  /** The live sessions of `userId`, most recently used first. */
  async list(userId: string | number, currentKey?: string | null): Promise<UserSessionInfo[]> {
    const id = checkUserId(userId);
    const { settings } = this.#context;
    const now = settings.now();
    const live = await this.#live(id, now);
    return live
      .map(({ key, entry, stored, data }) => {
        const client = clientOf(data);
        const expiresAt = expiryOf(stored, data, settings.cookieAge);
        return {
          handle: sessionHandle(settings.secretKey, key),
          current: currentKey === key,
          createdAt: entry.since ?? null,
          lastSeenAt: lastSeenOf(stored, data, expiresAt, settings.cookieAge, now),
          expiresAt,
          userAgent: client?.userAgent ?? null,
          ip: client?.ip ?? null,
        };
      })
      .sort((a, b) => (b.lastSeenAt?.getTime() ?? 0) - (a.lastSeenAt?.getTime() ?? 0));
  }

  /** End every session of `userId` but `except`; resolves how many were ended. */
  async endAll(userId: string | number, options: EndSessionsOptions = {}): Promise<number> {
    const id = checkUserId(userId);
    const live = await this.#live(id, this.#context.settings.now());
    return this.#end(
      id,
      live.map((session) => session.key).filter((key) => key !== options.except),
    );
  }

  /** End the session of `userId` listed with `handle`; resolves whether there was one. */
  async end(userId: string | number, handle: string): Promise<boolean> {
    const id = checkUserId(userId);
    const { secretKey, now } = this.#context.settings;
    const live = await this.#live(id, now());
    const found = live.find((session) => isHandleOf(handle, secretKey, session.key));
    return found !== undefined && (await this.#end(id, [found.key])) === 1;
  }

  /** Close the index if it was opened for this manager. */
  async close(): Promise<void> {
    if (this.#ownsIndex) await this.#index.close?.();
  }

  /** Index what a save wrote under `key`. Runs before the session forgets its changes. */
  async afterWrite(session: Session, key: string, data: SessionData, mustCreate: boolean): Promise<void> {
    const userId = userIdOf(data, this.#userKey);
    if (mustCreate) {
      if (userId === null) return;
    } else {
      // No index call on a save that left the user alone: most saves.
      const changes = session.changes();
      if (!changes.cleared && !changes.set.has(this.#userKey) && !changes.deleted.has(this.#userKey)) return;
    }
    try {
      await this.#index.link(
        key,
        userId === null ? null : checkUserId(userId),
        new Date(this.#context.settings.now()),
      );
    } catch (error) {
      // Fail closed: a logged-in session the index does not know could not be logged out everywhere.
      try {
        await this.#store.delete(key);
      } catch {
        // The index's error is the one to report.
      }
      throw error;
    }
  }

  /** Forget a deleted session. */
  afterDelete(key: string): Promise<void> {
    return this.#index.unlink([key]);
  }

  /** The live sessions of `id`: sweep unindexed records, read each indexed one, unlink stale ones. */
  async #live(id: string, nowMs: number): Promise<LiveSession[]> {
    const now = new Date(nowMs);
    await this.#sweep(now);
    const entries = await this.#index.sessionsOf(id, now);
    const stale: string[] = [];
    const live: LiveSession[] = [];
    for (const entry of entries) {
      const stored = entry.stored !== undefined ? entry.stored : await this.#store.load(entry.key, now);
      const data = stored === null ? null : this.#decode(stored);
      if (stored === null || data === null || userIdOf(data, this.#userKey) !== id) {
        // Gone, expired or now someone else's: stale, unless the index lists everyone's sessions.
        if (!this.#index.listsEverySession) stale.push(entry.key);
        continue;
      }
      if (isStoredSessionExpired(stored, data, nowMs, this.#context.settings.cookieAge)) continue;
      live.push({ key: entry.key, entry, stored, data });
    }
    if (stale.length > 0) await this.#index.unlink(stale, id);
    return live;
  }

  /** Decode and record the users of records the index has not seen (Django's writes), a batch at a time. */
  async #sweep(now: Date): Promise<void> {
    const index = this.#index;
    if (index.unindexed === undefined || index.record === undefined) return;
    await index.prune?.();
    for (;;) {
      const found = await index.unindexed(now, SWEEP_BATCH);
      const entries = found.map(({ key, stored }) => {
        const data = this.#decode(stored);
        const userId = data === null ? null : userIdOf(data, this.#userKey);
        return { key, userId: userId !== null && userId.length <= MAX_USER_ID_LENGTH ? userId : null };
      });
      if (entries.length > 0) await index.record(entries, now);
      if (found.length < SWEEP_BATCH) return;
    }
  }

  #decode(stored: StoredSession): SessionData | null {
    return stored.data === '' ? {} : this.#context.codec.decode(stored.data);
  }

  /** Delete `keys` through the store (a browser then gets a new anonymous session) and unlink them. */
  async #end(id: string, keys: string[]): Promise<number> {
    for (const key of keys) await this.#store.delete(key);
    if (keys.length > 0) await this.#index.unlink(keys, id);
    return keys.length;
  }
}

/** The expiry of a stored session: the store's, or derived from the file's modification time. */
function expiryOf(stored: StoredSession, data: SessionData, cookieAge: number): Date | null {
  if (stored.expireDate !== undefined) return stored.expireDate;
  if (stored.modifiedAt === undefined) return null;
  const expiry = fileStyleExpiry(data, stored.modifiedAt, cookieAge);
  return computeExpiryDate(expiry, stored.modifiedAt.getTime(), cookieAge);
}

/**
 * The last save: the modification time where the store keeps one, else the expiry minus the session's
 * age (Django's `expire_date = modification + age`), unknown for an absolute custom expiry.
 */
function lastSeenOf(
  stored: StoredSession,
  data: SessionData,
  expiresAt: Date | null,
  cookieAge: number,
  nowMs: number,
): Date | null {
  if (stored.modifiedAt !== undefined) return stored.modifiedAt;
  const expiry = data[EXPIRY_KEY];
  if (expiresAt === null || typeof expiry === 'string' || expiry instanceof Date) return null;
  const age = typeof expiry === 'number' && expiry !== 0 ? expiry : cookieAge;
  return new Date(Math.min(nowMs, expiresAt.getTime() - age * 1000));
}

/**
 * The manager's user sessions for its `userSessions` option: `null` when off.
 * @throws {ConfigError} for an option that is not `true`, `false` or an options object.
 */
export function userSessionsFor(
  context: UserSessionsContext,
  option: unknown,
  storeUrl: string | null,
): UserSessions | null {
  const options = checkUserSessionsOption(option);
  return options === null ? null : new UserSessions(context, options, storeUrl);
}
