/**
 * The options every adapter takes, and the per-application runtime built from them once, at start-up.
 * @module
 */
import type { SessionData } from '../core/codec.js';
import { ConfigError, StoreUnavailable } from '../core/errors.js';
import { createSessionManager, type SessionManager, type SessionOptions } from '../core/manager.js';
import type { Session } from '../core/session.js';
import type { ResolvedSettings } from '../core/settings.js';
import { type SessionErrorResponse, sessionErrorResponse } from './errors.js';
import { readSessionCookie } from './request.js';
import {
  decideFinalize,
  deletionCookie,
  type FinalizeContext,
  type FinalizeDecision,
  type FinalizeResult,
  saveForResponse,
} from './response.js';

/** Share one existing {@link SessionManager} (e.g. between two apps, or with the CLI). */
export interface SharedManagerOptions<Data extends object = SessionData> {
  /** The manager to use; its settings and store apply, and closing it stays your job. */
  manager: SessionManager<Data>;
}

/**
 * Options of every adapter's `session(options)`: the store (a URL such as `sqlite:./sessions.db`, or
 * a store instance), `secretKey`, `secretKeyFallbacks` and the other settings — or `{ manager }` to
 * share an existing manager. Outside Node (Hono on Bun, Deno, Workers ...) pass a store instance such
 * as `createSignedCookieStore()`: store URLs resolve through Node-only modules.
 */
export type SessionMiddlewareOptions<Data extends object = SessionData> =
  | SessionOptions
  | SharedManagerOptions<Data>;

/** The response part of {@link FinalizeContext}. */
export type ResponseInfo = Omit<FinalizeContext, 'requestHadCookie'>;

/** One request's session and how to finish it. */
export interface SessionHandle<Data extends object = SessionData> {
  /** The lazy session: no store call until it is used. */
  readonly session: Session<Data>;
  /** Whether the request carried the session cookie (valid or not). */
  readonly requestHadCookie: boolean;
  /**
   * The synchronous part of `finalize`, without touching the store: the headers the response needs,
   * and whether a save is due. When `save` is false these are final (no need to call `finalize`), so a
   * response that needs no save can go out at once. Decided once; later calls return the same answer.
   */
  decide(response: ResponseInfo): FinalizeDecision;
  /**
   * Run Django's `process_response` (see {@link finalizeSession}) once; later calls return the same
   * promise. Call it before the response headers are sent.
   */
  finalize(response: ResponseInfo): Promise<FinalizeResult>;
}

/** Settings, manager and per-request entry point of one application's sessions. */
export interface SessionRuntime<Data extends object = SessionData> {
  /** The manager (store, codec, settings). Call `manager.close()` on shutdown if you passed a store URL. */
  readonly manager: SessionManager<Data>;
  /** The validated settings. */
  readonly settings: ResolvedSettings;
  /** Whether the runtime created the manager (and so should close it when the app closes). */
  readonly ownsManager: boolean;
  /** Open the session of a request from its `Cookie` header. Never throws on malformed headers. */
  open(cookieHeader: string | readonly string[] | null | undefined): SessionHandle<Data>;
  /**
   * The plain-text response for a session error (400 for {@link SessionInterrupted}, 503 for
   * {@link StoreUnavailable}, logged), or `null` for any other error.
   */
  errorResponse(error: unknown): SessionErrorResponse | null;
}

/** One request's session. */
class RequestSession<Data extends object> implements SessionHandle<Data> {
  readonly session: Session<Data>;
  readonly requestHadCookie: boolean;
  #decision: FinalizeDecision | null = null;
  /** What the decision was taken on; the save's cookie uses it too. */
  #context: FinalizeContext | null = null;
  #promise: Promise<FinalizeResult> | null = null;

  constructor(session: Session<Data>, requestHadCookie: boolean) {
    this.session = session;
    this.requestHadCookie = requestHadCookie;
  }

  decide(response: ResponseInfo): FinalizeDecision {
    if (this.#decision === null) {
      const context: FinalizeContext = {
        status: response.status,
        secureRequest: response.secureRequest,
        existingVary: response.existingVary,
        requestHadCookie: this.requestHadCookie,
      };
      this.#decision = decideFinalize(this.session, context);
      this.#context = context;
      // No save follows: the request is over for the session (a lock it took is released).
      if (!this.#decision.save) this.session.requestFinished();
    }
    return this.#decision;
  }

  finalize(response: ResponseInfo): Promise<FinalizeResult> {
    if (this.#promise === null) {
      try {
        const decision = this.decide(response);
        // A new list for the save's cookie: the decision stays as decided.
        const setCookie = decision.save ? [] : decision.setCookie;
        const result: FinalizeResult = { setCookie, vary: decision.vary };
        // saveForResponse ends the request for the session (releases its lock) once saved.
        this.#promise = decision.save
          ? saveForResponse(this.session, this.#context!, result)
          : Promise.resolve(result);
      } catch (error) {
        this.session.requestFinished();
        this.#promise = Promise.reject(error);
      }
    }
    return this.#promise;
  }
}

function isSharedManager<Data extends object>(
  options: SessionMiddlewareOptions<Data>,
): options is SharedManagerOptions<Data> {
  return 'manager' in options && options.manager !== undefined;
}

/**
 * Validate the options once and build the runtime an adapter uses for every request.
 * @throws {ConfigError} at construction for a missing secret, an unknown store URL, bad cookie settings
 *   (invalid domain/path, a broken `__Host-`/`__Secure-` rule) or `manager` combined with other options.
 * @example
 * const runtime = createSessionRuntime({ store: 'sqlite:./sessions.db', secretKey: process.env.SECRET_KEY! });
 * const handle = runtime.open(request.headers.get('Cookie'));
 * // ... handler uses handle.session ...
 * const { setCookie, vary } = await handle.finalize({ status: 200, secureRequest: true, existingVary: null });
 */
export function createSessionRuntime<Data extends object = SessionData>(
  options: SessionMiddlewareOptions<Data>,
): SessionRuntime<Data> {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('session() needs an options object with at least { secretKey }, or { manager }.');
  }
  let manager: SessionManager<Data>;
  if (isSharedManager(options)) {
    const extra = Object.keys(options).filter((key) => key !== 'manager');
    if (extra.length > 0) {
      throw new ConfigError(
        `Pass either { manager } or the store and settings, not both (got ${extra.join(', ')} with manager); ` +
          'the shared manager already carries its settings.',
      );
    }
    manager = options.manager;
  } else {
    manager = createSessionManager<Data>(options);
  }
  const settings = manager.settings;
  // Fail at start-up, not on the first request, if the cookie attributes cannot be serialized.
  deletionCookie(settings);

  return {
    manager,
    settings,
    ownsManager: !isSharedManager(options),
    open(cookieHeader) {
      const cookie = readSessionCookie(cookieHeader, settings.cookieName);
      return new RequestSession(manager.open(cookie.value), cookie.present);
    },
    errorResponse(error) {
      const response = sessionErrorResponse(error);
      if (response?.status === 503) {
        settings.logger.error('Session store unavailable; answering 503', {
          code: StoreUnavailable.code,
          error,
        });
      }
      return response;
    },
  };
}
