/**
 * The session manager: settings, codec and store, validated once. Adapters and the CLI build on it;
 * `open(cookieValue)` gives a lazy {@link Session} for one request.
 * @module
 */
import { parseStoreUrl } from '../stores/resolve.js';
import type { AnyStore, ClearExpiredContext } from '../stores/types.js';
import {
  checkUserSessionsOption,
  cookieNotSupported,
  type UserSessionsOptions,
} from '../user-sessions/option.js';
import type { EndSessionsOptions, UserSessionInfo, UserSessions } from '../user-sessions/user-sessions.js';
import { createCodec, type SessionCodec, type SessionData } from './codec.js';
import { ConfigError, NotSupported } from './errors.js';
import { attachListener, type SessionEventListener } from './events.js';
import { type Concurrency, checkConcurrency } from './merge.js';
import { isStoredSessionExpired } from './persistence.js';
import { Session, type SessionContext } from './session.js';
import { type ResolvedSettings, resolveSettings, type SessionSettings } from './settings.js';

/** Default store: the embedded SQLite database, Django's `django_session` table in `./sessions.sqlite3`. */
export const DEFAULT_STORE_URL = 'sqlite:./sessions.sqlite3';

/** Options of {@link createSessionManager}: the settings plus the store. */
export interface SessionOptions extends SessionSettings {
  /** A store URL (`sqlite:./sessions.db`, `redis://127.0.0.1:6379` ...) or a store instance. @default 'sqlite:./sessions.sqlite3' */
  store?: string | AnyStore;
  /**
   * How parallel requests' saves of one session combine. `merge`: a save is a compare-and-swap on the
   * record as the request loaded it; on a conflict the request's own changes (keys set, deleted, a
   * `clear()`) are re-applied onto the newer record, so changes to different keys all survive.
   * `last-write-wins`: the whole session is written, as Django does. Stores without a compare-and-swap
   * (memcached, custom stores without `replace`) save last-write-wins either way; signed cookies cannot
   * merge at all. See docs/concurrency.md.
   * @default 'merge'
   */
  concurrency?: Concurrency;
  /**
   * Index sessions by user, for {@link SessionManager.sessionsOf} and {@link SessionManager.endSessionsOf}
   * (docs/user-sessions.md). `true` uses Django's `_auth_user_id` and the store's index.
   * @default false
   */
  userSessions?: boolean | UserSessionsOptions;
  /**
   * Told of every store operation (`load`, `save`, `create`, `delete`) and of `conflict`, `error` and
   * `tampered`, with the store's name, the duration and the outcome — never data or session keys.
   * Synchronous; what it throws is logged and ignored. Without it nothing is timed. See docs/events.md.
   * @example
   * onEvent: (event) => counters.inc(`${event.type}_${event.store}_${event.outcome}`)
   */
  onEvent?: SessionEventListener;
}

/** Settings, codec and store of an application's sessions. */
export class SessionManager<Data extends object = SessionData> {
  /** The validated settings. */
  readonly settings: ResolvedSettings;
  /**
   * The store every session of this manager uses, once loaded. A store instance passed as `store` is
   * there from the start; a store URL's module (and client library) is imported when the store is
   * first needed: the first session that reads or writes, `clearExpired()`, `createTable()`, or
   * `await manager.ready()`.
   * @throws {ConfigError} when read before a store given by URL has loaded.
   */
  get store(): AnyStore {
    if (this.#store === undefined) {
      throw new ConfigError(
        'The store given by URL is imported on first use: await manager.ready() before reading manager.store.',
      );
    }
    return this.#store;
  }
  /** @internal `server` or `cookie`, known from the URL before the store loads. */
  readonly storeKind: AnyStore['kind'];
  /**
   * Encodes/decodes session data in the store's {@link DataFormat}: Django's signed format unless the
   * store declares `dataFormat: 'json'`.
   */
  readonly codec: SessionCodec;
  /** How concurrent saves combine (the validated `concurrency` option). */
  readonly concurrency: Concurrency;
  readonly #context: SessionContext;
  #store: AnyStore | undefined;
  /** The store once everything that loads with it (user sessions) has: what sessions use without waiting. */
  #ready: AnyStore | undefined;
  #loading: Promise<AnyStore> | undefined;
  readonly #load: () => Promise<AnyStore>;
  #users: UserSessions | null = null;

  constructor(options: SessionOptions) {
    this.settings = resolveSettings(options);
    this.concurrency = checkConcurrency(options.concurrency);
    const store = options.store ?? DEFAULT_STORE_URL;
    const url = typeof store === 'string' ? parseStoreUrl(store, this.settings) : null;
    this.#store = url === null ? (store as AnyStore) : undefined;
    this.#ready = options.userSessions ? undefined : this.#store;
    this.storeKind = url?.kind ?? (store as AnyStore).kind;
    const format = url?.dataFormat ?? (this.#store?.kind === 'server' ? this.#store.dataFormat : 'django');
    this.codec = createCodec(this.settings, format);
    const userOption = checkUserSessionsOption(options.userSessions);
    if (userOption !== null && this.storeKind === 'cookie') throw cookieNotSupported();
    this.#load = async () => {
      const loaded = this.#store ?? (await url!.load());
      // user-sessions (and its indexes) load with the store, so an app without them never imports them.
      if (userOption !== null) {
        const { userSessionsFor } = await import('../user-sessions/user-sessions.js');
        const context = { settings: this.settings, codec: this.codec, store: loaded };
        const users = userSessionsFor(context, userOption, url?.url ?? null);
        users?.attach(this.#context);
        this.#users = users;
      }
      this.#store = loaded;
      this.#ready = loaded;
      return loaded;
    };
    const manager = this;
    this.#context = {
      settings: this.settings,
      codec: this.codec,
      // Read once per session: the store itself once loaded, else the promise of it.
      get store() {
        return manager.#ready ?? manager.loadStore();
      },
      concurrency: this.concurrency,
    };
    attachListener(this.#context, options.onEvent, this.settings.logger); // events
  }

  /**
   * @internal The store, importing its module on first call (URL stores). Concurrent callers share one
   * load; a failed load is retried by the next call.
   */
  loadStore(): Promise<AnyStore> {
    this.#loading ??= this.#load().catch((error: unknown) => {
      this.#loading = undefined;
      throw error;
    });
    return this.#loading;
  }

  /** A lazy session for `sessionKey` (the cookie value, or nothing for a new visitor). No store call yet. */
  open(sessionKey?: string | null): Session<Data> {
    return new Session<Data>(this.#context, sessionKey);
  }

  /**
   * Delete expired sessions (the `clearsessions` command) and resolve how many were deleted. Stores that
   * expire entries themselves (caches, signed cookies) resolve 0.
   * @throws {NotSupported} for a custom store without `clearExpired` that does not expire entries itself.
   */
  async clearExpired(onProgress?: ClearExpiredContext['onProgress']): Promise<number> {
    const store = await this.loadStore();
    if (store.kind === 'cookie') return 0;
    if (!store.clearExpired) {
      throw new NotSupported(`The ${store.name} store doesn't support clearing expired sessions.`);
    }
    const now = new Date(this.settings.now());
    return store.clearExpired({
      now,
      onProgress,
      isExpired: (stored) =>
        isStoredSessionExpired(
          stored,
          this.codec.decode(stored.data) ?? {},
          now.getTime(),
          this.settings.cookieAge,
        ),
    });
  }

  /** Create the store's table if it has one (idempotent). */
  async createTable(): Promise<void> {
    const store = await this.loadStore();
    if (store.kind === 'server') await store.createTable?.();
  }

  /** Close the store's connections. */
  async close(): Promise<void> {
    // A store that never loaded has no connection to close.
    const store = this.#loading === undefined ? this.#store : await this.#loading.catch(() => undefined);
    if (store?.kind === 'server') await store.close?.();
    await this.#users?.close(); // user-sessions
  }

  // ---- a user's sessions (user-sessions, docs/user-sessions.md) --------------------------------------

  /**
   * The live sessions of `userId`, most recently used first. Pass the current request's session key as
   * `currentKey` to have that session marked `current`.
   * @throws {NotSupported} on the signed-cookie store, or when `userSessions` is not enabled.
   * @example
   * const list = await sessions.sessionsOf(userId, req.session.sessionKey);
   */
  async sessionsOf(userId: string | number, currentKey?: string | null): Promise<UserSessionInfo[]> {
    return (await this.#userSessions()).list(userId, currentKey);
  }

  /**
   * End every session of `userId` except `options.except` ("log out everywhere else", e.g. after a
   * password change) and resolve how many were ended. Their browsers get a new anonymous session.
   * @throws {NotSupported} on the signed-cookie store, or when `userSessions` is not enabled.
   */
  async endSessionsOf(userId: string | number, options?: EndSessionsOptions): Promise<number> {
    return (await this.#userSessions()).endAll(userId, options);
  }

  /**
   * End the session of `userId` listed with `handle` (a "log out this device" button); resolves `false`
   * when the handle names none of the user's live sessions.
   * @throws {NotSupported} on the signed-cookie store, or when `userSessions` is not enabled.
   */
  async endSession(userId: string | number, handle: string): Promise<boolean> {
    return (await this.#userSessions()).end(userId, handle);
  }

  async #userSessions(): Promise<UserSessions> {
    if (this.storeKind === 'cookie')
      throw (await import('../user-sessions/user-sessions.js')).cookieNotSupported();
    await this.loadStore();
    if (this.#users === null) {
      throw new NotSupported(
        "Listing a user's sessions needs the userSessions option of createSessionManager (userSessions: true).",
      );
    }
    return this.#users;
  }

  // ---- start-up check (docs/events.md, issue 17) ----------------------------------------------------

  /**
   * Check, before serving, that the store works: its client package loads, the connection opens, the
   * table exists (or is created, with the store's `createTable` option). Rejects with a
   * {@link ConfigError} that says what to fix. Stores without a check (memory, signed cookies, custom
   * stores without `ready`) resolve at once.
   * @example
   * const sessions = createSessionManager({ secretKey, store: process.env.SESSION_STORE });
   * await sessions.ready(); // fails at start-up, not at the first request
   */
  async ready(): Promise<void> {
    // Loading the store's module is the first check (a store URL imports it on first use).
    const store = await this.loadStore();
    if (store.kind === 'server') await store.ready?.();
  }
}

/**
 * Create a session manager.
 * @example
 * const sessions = createSessionManager({ secretKey: process.env.SECRET_KEY!, store: 'sqlite:./sessions.db' });
 * const session = sessions.open(cookieValue);
 */
export function createSessionManager<Data extends object = SessionData>(
  options: SessionOptions,
): SessionManager<Data> {
  return new SessionManager<Data>(options);
}
