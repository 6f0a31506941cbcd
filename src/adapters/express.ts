/**
 * `sessionkit/express`: session middleware for Express 4 and 5. Sets `req.session`; the session is
 * saved before the response headers are sent (so a redirect right after login carries the new
 * session), also for `res.write` streaming.
 *
 * The session is `req.session`, a plain own property of the request; nothing outside the request (no
 * prototype, no shared object) is changed, so other apps in the process never see it.
 *
 * Typing: read the session with {@link getSession}`(req)`. sessionkit does not augment
 * `Express.Request` itself, because express-session declares `req.session` with another type and
 * the two augmentations cannot coexist in one program. In an app without express-session you may add:
 * `declare global { namespace Express { interface Request { session: import('sessionkit').Session } } }`.
 *
 * Errors thrown by routes reach Express's error handling, which honours their `status` (503 for
 * {@link StoreUnavailable}, 400 for {@link SessionInterrupted}); errors while saving after the route
 * answer 503/400 with a plain-text body (500 for anything else, logged).
 *
 * @example
 * import express from 'express';
 * import { getSession, session } from 'sessionkit/express';
 * const app = express();
 * app.use(session({ store: 'sqlite:./sessions.db', secretKey: process.env.SECRET_KEY! }));
 * app.get('/', async (req, res) => {
 *   const s = getSession(req);
 *   await s.set('visits', ((await s.get('visits')) as number | undefined ?? 0) + 1);
 *   res.send(`visit ${await s.get('visits')}`);
 * });
 * @module
 */
import type { NextFunction, Request, Response } from 'express';
import type { SessionData } from '../core/codec.js';
import { ConfigError } from '../core/errors.js';
import type { SessionManager } from '../core/manager.js';
import type { Session } from '../core/session.js';
import { createSessionRuntime, type SessionMiddlewareOptions } from '../http/options.js';
import { attachSession } from './_node.js';

export type { SessionMiddlewareOptions } from '../http/options.js';

/** The Express middleware returned by {@link session}. */
export interface SessionMiddleware<Data extends object = SessionData> {
  (req: Request, res: Response, next: NextFunction): void;
  /** The manager behind it (store, settings); `await middleware.manager.close()` on shutdown. */
  readonly manager: SessionManager<Data>;
  /**
   * Check the store at start-up (client package, connection, table): `await x.ready()` before
   * listening. Rejects with a `ConfigError` that says what to fix.
   */
  ready(): Promise<void>;
}

/**
 * Create the middleware. Options are validated now. (`normalizeObjects`, an Express speed-up of
 * earlier versions that changed every request's objects, is gone: passing it logs a warning and has
 * no effect.)
 * @throws {ConfigError} for invalid options.
 */
export function session<Data extends object = SessionData>(
  options: SessionMiddlewareOptions<Data>,
): SessionMiddleware<Data> {
  let shared = options;
  let removed = false;
  if (typeof options === 'object' && options !== null && 'normalizeObjects' in options) {
    const { normalizeObjects: _, ...rest } = options as SessionMiddlewareOptions<Data> & {
      normalizeObjects?: unknown;
    };
    shared = rest as SessionMiddlewareOptions<Data>;
    removed = true;
  }
  const runtime = createSessionRuntime<Data>(shared);
  if (removed) {
    runtime.settings.logger.warn(
      'sessionkit/express: the normalizeObjects option was removed and is ignored (sessionkit no longer ' +
        "changes Express's request/response objects); remove it from the options.",
    );
  }
  const middleware = function sessionkitMiddleware(req: Request, res: Response, next: NextFunction): void {
    attachSession(runtime, req, res);
    next();
  };
  return Object.assign(middleware, { manager: runtime.manager, ready: () => runtime.manager.ready() });
}

/**
 * The session of `req` (the `req.session` set by {@link session}), typed.
 * @throws {ConfigError} when the session middleware did not run for this request.
 */
export function getSession<Data extends object = SessionData>(req: Request): Session<Data> {
  const value = (req as Request & { session?: Session<Data> | null }).session;
  if (value === undefined || value === null) {
    throw new ConfigError('No session on this request: add app.use(session({ ... })) before this route.');
  }
  return value;
}
