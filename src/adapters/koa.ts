/**
 * `sessionkit/koa`: session middleware for Koa 2 and 3. Sets `ctx.session`; the session is finalized
 * after `await next()`, before Koa writes the response. Session errors thrown downstream or while
 * saving answer 503/400 with a plain-text body; other errors go to Koa's error handling.
 * Writing to `ctx.res` directly (bypassing Koa) is not covered: the session is then left unsaved.
 *
 * Typing: `app.use()` returns the app with the middleware's context type, so chain it —
 * `const app = new Koa().use(session(options))` — and `ctx.session` is typed in later middleware.
 *
 * @example
 * import Koa from 'koa';
 * import { session } from 'sessionkit/koa';
 * const app = new Koa().use(session({ store: 'sqlite:./sessions.db', secretKey: process.env.SECRET_KEY! }));
 * app.use(async (ctx) => {
 *   await ctx.session.set('visits', ((await ctx.session.get('visits')) as number | undefined ?? 0) + 1);
 *   ctx.body = `visit ${await ctx.session.get('visits')}`;
 * });
 * @module
 */
import type { Context, DefaultState, Middleware, ParameterizedContext } from 'koa';
import type { SessionData } from '../core/codec.js';
import { ConfigError } from '../core/errors.js';
import type { SessionManager } from '../core/manager.js';
import type { Session } from '../core/session.js';
import type { SessionErrorResponse } from '../http/errors.js';
import { createSessionRuntime, type SessionMiddlewareOptions } from '../http/options.js';
import { nodeSecureRequest } from '../http/request.js';

export type { SessionMiddlewareOptions } from '../http/options.js';

/** What the middleware adds to Koa's context. */
export interface SessionContext<Data extends object = SessionData> {
  /** This request's lazy session. */
  session: Session<Data>;
}

/** The Koa middleware returned by {@link session}. */
export type SessionMiddleware<Data extends object = SessionData> = Middleware<
  DefaultState,
  SessionContext<Data>
> & {
  /** The manager behind it (store, settings); `await middleware.manager.close()` on shutdown. */
  readonly manager: SessionManager<Data>;
  /**
   * Check the store at start-up (client package, connection, table): `await x.ready()` before
   * listening. Rejects with a `ConfigError` that says what to fix.
   */
  ready(): Promise<void>;
};

function respondWith(ctx: ParameterizedContext, response: SessionErrorResponse): void {
  for (const name of ctx.response.headers ? Object.keys(ctx.response.headers) : []) ctx.remove(name);
  ctx.status = response.status;
  ctx.type = response.contentType;
  ctx.body = response.body;
}

/**
 * Create the middleware. Options are validated now.
 * @throws {ConfigError} for invalid options.
 */
export function session<Data extends object = SessionData>(
  options: SessionMiddlewareOptions<Data>,
): SessionMiddleware<Data> {
  const runtime = createSessionRuntime<Data>(options);
  const middleware: Middleware<DefaultState, SessionContext<Data>> = async function sessionkitMiddleware(
    ctx,
    next,
  ) {
    const handle = runtime.open(ctx.get('Cookie'));
    ctx.session = handle.session;
    try {
      await next();
    } catch (error) {
      const response = runtime.errorResponse(error);
      if (response === null) throw error;
      respondWith(ctx, response);
    }
    if (ctx.headerSent) {
      runtime.settings.logger.warn(
        'Response headers were sent before the session was saved; session not saved',
      );
      return;
    }
    try {
      const result = await handle.finalize({
        status: ctx.status,
        secureRequest: runtime.settings.cookieSecure === 'auto' ? nodeSecureRequest(ctx.req) : false,
        existingVary: ctx.response.get('Vary') || null,
      });
      if (result.setCookie.length > 0) ctx.append('Set-Cookie', result.setCookie);
      if (result.vary !== null) ctx.set('Vary', result.vary);
    } catch (error) {
      const response = runtime.errorResponse(error);
      if (response === null) throw error;
      respondWith(ctx, response);
    }
  };
  return Object.assign(middleware, { manager: runtime.manager, ready: () => runtime.manager.ready() });
}

/**
 * The session of a Koa context, typed (when the context type does not carry it).
 * @throws {ConfigError} when the middleware did not run for this request.
 */
export function getSession<Data extends object = SessionData>(ctx: Context): Session<Data> {
  const value = (ctx as unknown as Partial<SessionContext<Data>>).session;
  if (value === undefined || value === null) {
    throw new ConfigError(
      'No session on this request: add app.use(session({ ... })) before this middleware.',
    );
  }
  return value;
}
