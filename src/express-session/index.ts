/**
 * `sessionkit/express-session`: a drop-in replacement for express-session. Change the import line and
 * the app, Passport, connect-flash and CSRF middleware run as before on sessionkit's stores (Django's
 * format and tables, so a Django site can share the sessions). See docs/express-session.md.
 *
 * The cookie carries sessionkit's session key (Django's `sessionid` value), not express-session's
 * signed `s:<id>.<signature>`: existing express-session sessions end once at the switch.
 *
 * @example
 * import express from 'express';
 * import session from 'sessionkit/express-session';
 * const app = express();
 * app.use(session({ secret: process.env.SESSION_SECRET!, store: 'sqlite:./sessions.db', resave: false, saveUninitialized: false }));
 * app.get('/', (req, res) => {
 *   req.session.views = (req.session.views ?? 0) + 1;
 *   res.send(`views: ${req.session.views}`);
 * });
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError } from '../core/errors.js';
import type { SessionEventListener } from '../core/events.js';
import { createSessionManager, type SessionManager } from '../core/manager.js';
import type { Session as CoreSession } from '../core/session.js';
import type { AnyStore } from '../stores/types.js';
import { createHandler } from './middleware.js';
import { type ExpressSessionOptions, resolveOptions } from './options.js';
import { coreSessionOf, Session } from './session.js';

export { Cookie } from './cookie.js';
export type { CookieOptions, CookiePriority, CookieSameSite, ExpressSessionOptions } from './options.js';
export { type Callback, Session } from './session.js';

/**
 * Your session data's shape. Augment it as with express-session:
 * `declare module 'sessionkit/express-session' { interface SessionData { views: number } }`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: an interface for users to augment
export interface SessionData {}

/** What `req.session` is: the {@link Session} methods, `id` and `cookie`, and your {@link SessionData}. */
export type SessionObject = Session & Partial<SessionData>;

/** express-session's name for its options type. */
export type SessionOptions = ExpressSessionOptions;

declare global {
  namespace Express {
    interface Request {
      /** The session (sessionkit/express-session). Unset after `req.session.destroy()`. */
      session: Session & Partial<SessionData>;
      /** The session ID (sessionkit/express-session). */
      sessionID: string;
      /** The sessionkit store behind the sessions (sessionkit/express-session). */
      sessionStore: AnyStore;
    }
  }
}

/** The middleware `session()` returns. */
export interface SessionMiddleware {
  (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void;
  /** The sessionkit manager behind it (store, settings); `await middleware.manager.close()` on shutdown. */
  readonly manager: SessionManager;
  /**
   * Check the store at start-up (client package, connection, table): `await middleware.ready()` before
   * listening. Rejects with a `ConfigError` that says what to fix.
   */
  ready(): Promise<void>;
}

/** The drop-in's options: express-session's, plus sessionkit's `onEvent` (docs/events.md). */
export type DropInOptions = ExpressSessionOptions & {
  /** Told of every store operation, conflict, error and tampered data (docs/events.md). */
  onEvent?: SessionEventListener;
};

/**
 * Create the session middleware, with express-session's options and defaults.
 * @throws {ConfigError} for an unknown option or an invalid value (a secret shorter than 32 characters
 * included).
 */
export function session(options: DropInOptions): SessionMiddleware {
  const { onEvent, ...rest } = (options ?? {}) as DropInOptions;
  const resolved = resolveOptions(options === undefined || options === null ? options : rest);
  const manager = createSessionManager(
    onEvent === undefined ? resolved.manager : { ...resolved.manager, onEvent },
  );
  if (manager.storeKind === 'cookie') {
    throw new ConfigError(
      'The signed-cookie store cannot back sessionkit/express-session (its session ID is the data itself); use a server-side store.',
    );
  }
  return Object.assign(createHandler(resolved, manager), { manager, ready: () => manager.ready() });
}

export default session;

/**
 * The sessionkit {@link CoreSession} behind `req.session`, for its async API (`get`, `set`, `cycleKey`,
 * `setExpiry` …). A change made through it is saved at the end of the response, but does not show on
 * `req.session`'s properties during this request.
 * @throws {ConfigError} when the middleware did not run for this request, or the session was destroyed.
 */
export function getSession(req: IncomingMessage): CoreSession {
  const value = (req as { session?: unknown }).session;
  if (!(value instanceof Session)) {
    throw new ConfigError('No session on this request: add app.use(session({ ... })) before this route.');
  }
  return coreSessionOf(value);
}
