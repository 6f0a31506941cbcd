/**
 * `sessionkit/node`: sessions for a plain `node:http` (or `node:https`) request handler.
 *
 * `session(options)` returns a wrapper; wrap your handler with it and read `req.session`. The session
 * is saved before the response headers are sent (even for `res.write` streaming and redirects).
 * Errors thrown by the handler: a {@link StoreUnavailable} answers 503, a {@link SessionInterrupted}
 * 400, anything else 500 (logged through `settings.logger`) — the process never crashes.
 *
 * @example
 * import { createServer } from 'node:http';
 * import { session } from 'sessionkit/node';
 * const withSession = session({ store: 'sqlite:./sessions.db', secretKey: process.env.SECRET_KEY! });
 * createServer(withSession(async (req, res) => {
 *   const visits = ((await req.session.get('visits')) as number | undefined ?? 0) + 1;
 *   await req.session.set('visits', visits);
 *   res.end(`visit ${visits}`);
 * })).listen(3000);
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionData } from '../core/codec.js';
import type { SessionManager } from '../core/manager.js';
import type { Session } from '../core/session.js';
import { createSessionRuntime, type SessionMiddlewareOptions } from '../http/options.js';
import { attachSession } from './_node.js';

export type { SessionMiddlewareOptions } from '../http/options.js';

/** A request with its session. */
export type SessionRequest<Data extends object = SessionData> = IncomingMessage & {
  /** This request's lazy session. */
  session: Session<Data>;
};

/** A request handler that receives `req.session`. May be async. */
export type SessionRequestHandler<Data extends object = SessionData> = (
  req: SessionRequest<Data>,
  res: ServerResponse,
) => void | Promise<void>;

/** A plain `node:http` request listener. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** What {@link session} returns: wrap a handler to give it sessions. */
export interface SessionWrapper<Data extends object = SessionData> {
  /** Wrap `handler` into a `node:http` request listener with `req.session`. */
  (handler: SessionRequestHandler<Data>): RequestListener;
  /** The manager behind it (store, settings); `await wrapper.manager.close()` on shutdown. */
  readonly manager: SessionManager<Data>;
  /**
   * Check the store at start-up (client package, connection, table): `await x.ready()` before
   * listening. Rejects with a `ConfigError` that says what to fix.
   */
  ready(): Promise<void>;
}

/**
 * Create the session wrapper. Options are validated now.
 * @throws {ConfigError} for invalid options.
 */
export function session<Data extends object = SessionData>(
  options: SessionMiddlewareOptions<Data>,
): SessionWrapper<Data> {
  const runtime = createSessionRuntime<Data>(options);
  const wrap = (handler: SessionRequestHandler<Data>): RequestListener =>
    function sessionkitHandler(req, res) {
      const attached = attachSession(runtime, req, res);
      try {
        const result = handler(req as SessionRequest<Data>, res);
        if (result !== undefined) Promise.resolve(result).catch((error: unknown) => attached.fail(error));
      } catch (error) {
        attached.fail(error);
      }
    };
  return Object.assign(wrap, { manager: runtime.manager, ready: () => runtime.manager.ready() });
}
