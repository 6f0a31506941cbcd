/**
 * `sessionkit/express`: session middleware for Express 4 and 5. Sets `req.session`; the session is
 * saved before the response headers are sent (so a redirect right after login carries the new
 * session), also for `res.write` streaming.
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
import { requestSession } from './_layers.js';
import { attachSession } from './_node.js';
import { PROTOTYPE_CHANGE_DETACHES, shareShape } from './_shared-shape.js';

export type { SessionMiddlewareOptions } from '../http/options.js';

/** What only the Express adapter takes, besides the shared {@link SessionMiddlewareOptions}. */
export interface ExpressOptions {
  /**
   * Switch each request's `req` and `res` to V8's dictionary properties when the middleware runs, so
   * that every request's objects share one hidden class instead of getting a new one per request.
   * Express changes their prototype per request, which in V8 before 13 (Node 20–23) makes each later
   * property addition create a hidden class no other request shares: most property accesses of the
   * request then miss V8's caches. Sharing one removes ~90% of those misses (a hello-world Express 5 app
   * on Node 20 runs ~40% fewer instructions per request, see the README's benchmarks). Nothing
   * observable changes (a symbol property is added and deleted again). V8 13 (Node 24) shares hidden
   * classes after a prototype change by itself, and normalizing would slow Express down there.
   * @default true on V8 before 13 (Node 20–23), false from V8 13 (Node 24)
   */
  normalizeObjects?: boolean;
}

/** Options of the Express {@link session}: the shared options plus {@link ExpressOptions}. */
export type ExpressSessionOptions<Data extends object = SessionData> = SessionMiddlewareOptions<Data> &
  ExpressOptions;

/** The Express middleware returned by {@link session}. */
export interface SessionMiddleware<Data extends object = SessionData> {
  (req: Request, res: Response, next: NextFunction): void;
  /** The manager behind it (store, settings); `await middleware.manager.close()` on shutdown. */
  readonly manager: SessionManager<Data>;
}

/**
 * Create the middleware. Options are validated now.
 * @throws {ConfigError} for invalid options (including a non-boolean `normalizeObjects`).
 */
export function session<Data extends object = SessionData>(
  options: ExpressSessionOptions<Data>,
): SessionMiddleware<Data> {
  const { normalizeObjects = PROTOTYPE_CHANGE_DETACHES, ...shared } = (options ??
    {}) as ExpressSessionOptions<Data>;
  if (typeof normalizeObjects !== 'boolean') {
    throw new ConfigError(`normalizeObjects must be a boolean, not a ${typeof normalizeObjects}.`);
  }
  const runtime = createSessionRuntime<Data>(
    options === null || typeof options !== 'object' ? options : (shared as SessionMiddlewareOptions<Data>),
  );
  const middleware = normalizeObjects
    ? function sessionkitMiddleware(req: Request, res: Response, next: NextFunction): void {
        shareShape(req);
        shareShape(res);
        attachSession(runtime, req, res);
        next();
      }
    : function sessionkitMiddleware(req: Request, res: Response, next: NextFunction): void {
        attachSession(runtime, req, res);
        next();
      };
  return Object.assign(middleware, { manager: runtime.manager });
}

/**
 * The session of `req`, typed.
 * @throws {ConfigError} when the session middleware did not run for this request.
 */
export function getSession<Data extends object = SessionData>(req: Request): Session<Data> {
  const value = requestSession(req) as Session<Data> | undefined;
  if (value === undefined || value === null) {
    throw new ConfigError('No session on this request: add app.use(session({ ... })) before this route.');
  }
  return value;
}
