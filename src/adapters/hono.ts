/**
 * `sessionkit/hono`: session middleware for Hono 4. Uses only the Fetch `Request`/`Response` API (this
 * file imports nothing from Node), so it also runs outside Node — on runtimes that provide the
 * `node:crypto` and `node:zlib` built-ins sessionkit's signing uses (Bun, Deno, Workers with
 * `nodejs_compat`). There, pass a store instance, e.g. `store: createSignedCookieStore()` from
 * `sessionkit/stores/signed-cookie`: store URLs resolve through Node-only modules (files, SQLite).
 *
 * The session is finalized after `await next()`, before the `Response` is handed back to the runtime,
 * so it is saved before any header is sent (streamed bodies included). Session errors — thrown by the
 * handler (seen as `c.error`) or while saving — answer 503/400 with a plain-text body; other errors
 * while saving go to `app.onError`.
 *
 * @example
 * import { Hono } from 'hono';
 * import { session, type SessionEnv } from 'sessionkit/hono';
 * const app = new Hono<SessionEnv>();
 * app.use(session({ store: 'sqlite:./sessions.db', secretKey: process.env.SECRET_KEY! }));
 * app.get('/', async (c) => {
 *   const s = c.get('session');
 *   await s.set('visits', ((await s.get('visits')) as number | undefined ?? 0) + 1);
 *   return c.text(`visit ${await s.get('visits')}`);
 * });
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { SessionData } from '../core/codec.js';
import { ConfigError } from '../core/errors.js';
import type { SessionManager } from '../core/manager.js';
import type { Session } from '../core/session.js';
import type { SessionErrorResponse } from '../http/errors.js';
import { createSessionRuntime, type SessionMiddlewareOptions } from '../http/options.js';
import type { FinalizeResult } from '../http/response.js';

export type { SessionMiddlewareOptions } from '../http/options.js';

/** Hono environment with the typed `session` variable: `new Hono<SessionEnv>()`, then `c.get('session')`. */
export type SessionEnv<Data extends object = SessionData> = {
  Variables: {
    /** This request's lazy session. */
    session: Session<Data>;
  };
};

/** The Hono middleware returned by {@link session}. */
export type SessionMiddleware<Data extends object = SessionData> = MiddlewareHandler<SessionEnv<Data>> & {
  /** The manager behind it (store, settings); `await middleware.manager.close()` on shutdown. */
  readonly manager: SessionManager<Data>;
  /**
   * Check the store at start-up (client package, connection, table): `await x.ready()` before
   * listening. Rejects with a `ConfigError` that says what to fix.
   */
  ready(): Promise<void>;
};

function replaceResponse(c: Context, response: SessionErrorResponse): void {
  c.res = undefined; // drop the handler's response and its headers (Hono merges them otherwise)
  c.res = new Response(response.body, {
    status: response.status,
    headers: { 'Content-Type': response.contentType },
  });
}

function applyResult(c: Context, result: FinalizeResult): void {
  const apply = (headers: Headers): void => {
    for (const cookie of result.setCookie) headers.append('Set-Cookie', cookie);
    if (result.vary !== null) headers.set('Vary', result.vary);
  };
  if (result.setCookie.length === 0 && result.vary === null) return;
  try {
    apply(c.res.headers);
  } catch {
    // Immutable headers (e.g. a Response returned by fetch()): copy the response, then set them.
    c.res = new Response(c.res.body, c.res);
    apply(c.res.headers);
  }
}

/**
 * Create the middleware. Options are validated now.
 * @throws {ConfigError} for invalid options.
 */
export function session<Data extends object = SessionData>(
  options: SessionMiddlewareOptions<Data>,
): SessionMiddleware<Data> {
  const runtime = createSessionRuntime<Data>(options);
  const middleware: MiddlewareHandler<SessionEnv<Data>> = async function sessionkitMiddleware(c, next) {
    const handle = runtime.open(c.req.header('Cookie'));
    c.set('session', handle.session);
    await next();
    const handlerError = c.error === undefined ? null : runtime.errorResponse(c.error);
    if (handlerError !== null) replaceResponse(c, handlerError);
    try {
      const url = c.req.url;
      const result = await handle.finalize({
        status: c.res.status,
        secureRequest: {
          protocol: url.slice(0, url.indexOf(':') + 1),
          forwardedProto: c.req.header('X-Forwarded-Proto'),
        },
        existingVary: c.res.headers.get('Vary'),
      });
      applyResult(c, result);
    } catch (error) {
      const response = runtime.errorResponse(error);
      if (response === null) throw error;
      replaceResponse(c, response);
    }
  };
  return Object.assign(middleware, { manager: runtime.manager, ready: () => runtime.manager.ready() });
}

/**
 * The session of a Hono context, typed (when the app is not typed with {@link SessionEnv}).
 * @throws {ConfigError} when the middleware did not run for this request.
 */
export function getSession<Data extends object = SessionData>(c: Context): Session<Data> {
  const value = c.get('session') as Session<Data> | undefined;
  if (value === undefined) {
    throw new ConfigError('No session on this request: add app.use(session({ ... })) before this route.');
  }
  return value;
}
