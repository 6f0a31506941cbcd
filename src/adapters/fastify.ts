/**
 * `sessionkit/fastify`: a Fastify 5 plugin. Decorates `request.session`; the session is finalized in an
 * `onSend` hook, which runs before the headers are sent (redirects and streamed payloads included).
 * The plugin is not encapsulated (`fastify-plugin` semantics), so every route of the app sees it.
 *
 * Typing: read the session with {@link getSession}`(request)` (or `request.getDecorator('session')`).
 * sessionkit does not augment `FastifyRequest`, because `@fastify/session` declares `request.session`
 * with another type and both augmentations cannot coexist in one program.
 *
 * Errors thrown by routes go through Fastify's error handler, which honours their `status` (503 for
 * {@link StoreUnavailable}); errors while saving answer 503/400 with a plain-text body. Not covered:
 * `reply.hijack()` and writes to `reply.raw`, which bypass `onSend`.
 *
 * @example
 * import Fastify from 'fastify';
 * import sessionkit, { getSession } from 'sessionkit/fastify';
 * const app = Fastify();
 * await app.register(sessionkit, { store: 'sqlite:./sessions.db', secretKey: process.env.SECRET_KEY! });
 * app.get('/', async (request) => {
 *   const s = getSession(request);
 *   await s.set('visits', ((await s.get('visits')) as number | undefined ?? 0) + 1);
 *   return { visits: await s.get('visits') };
 * });
 * @module
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { SessionData } from '../core/codec.js';
import { ConfigError } from '../core/errors.js';
import type { Session } from '../core/session.js';
import {
  createSessionRuntime,
  type ResponseInfo,
  type SessionHandle,
  type SessionMiddlewareOptions,
  type SessionRuntime,
} from '../http/options.js';
import { nodeSecureRequest } from '../http/request.js';
import type { FinalizeResult } from '../http/response.js';

export type { SessionMiddlewareOptions } from '../http/options.js';

/** Options Fastify itself reads from `register(plugin, options)`; not session settings. */
const REGISTER_OPTIONS = new Set(['prefix', 'logLevel', 'logSerializers']);
const HANDLE = Symbol('sessionkit.handle');

type Decorated = FastifyRequest & { session: Session | null; [HANDLE]: SessionHandle | null };

function sessionOptions(options: Record<string, unknown>): SessionMiddlewareOptions {
  const own = Object.fromEntries(Object.entries(options).filter(([key]) => !REGISTER_OPTIONS.has(key)));
  return own as unknown as SessionMiddlewareOptions;
}

type OnSendDone = (error: Error | null, payload?: unknown) => void;

function answerError(runtime: SessionRuntime, reply: FastifyReply, error: unknown, done: OnSendDone): void {
  const response = runtime.errorResponse(error);
  if (response === null) {
    done(error as Error); // not a session error: Fastify's own error handling, as if thrown
    return;
  }
  for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
  reply.code(response.status).header('content-type', response.contentType);
  done(null, response.body);
}

function applyResult(reply: FastifyReply, result: FinalizeResult): void {
  if (result.setCookie.length > 0) reply.header('set-cookie', result.setCookie);
  if (result.vary !== null) reply.header('vary', result.vary);
}

/** The `onSend` hook: finalize; the payload goes on at once when no save is due. */
function finalizeReply(
  runtime: SessionRuntime,
  request: Decorated,
  reply: FastifyReply,
  payload: unknown,
  done: OnSendDone,
): void {
  const handle = request[HANDLE];
  if (handle === null) {
    done(null, payload);
    return;
  }
  // One shot: if finalizing fails, Fastify's error reply runs onSend again and must pass through.
  request[HANDLE] = null;
  let info: ResponseInfo;
  try {
    const vary = reply.getHeader('vary');
    info = {
      status: reply.statusCode,
      // Only asked when `cookieSecure` is 'auto': otherwise no object per response.
      secureRequest: runtime.settings.cookieSecure === 'auto' ? nodeSecureRequest(request.raw) : false,
      existingVary: vary === undefined ? null : Array.isArray(vary) ? vary : String(vary),
    };
    const decision = handle.decide(info);
    if (!decision.save) {
      applyResult(reply, decision);
      done(null, payload);
      return;
    }
  } catch (error) {
    answerError(runtime, reply, error, done);
    return;
  }
  handle.finalize(info).then(
    (result) => {
      applyResult(reply, result);
      done(null, payload);
    },
    (error: unknown) => answerError(runtime, reply, error, done),
  );
}

function install(fastify: FastifyInstance, runtime: SessionRuntime): void {
  fastify.decorateRequest('session', null);
  fastify.decorateRequest(HANDLE, null);
  fastify.addHook('onRequest', function sessionkitOpen(request, _reply, done) {
    const handle = runtime.open(request.headers.cookie);
    const decorated = request as Decorated;
    decorated.session = handle.session;
    decorated[HANDLE] = handle;
    done();
  });
  fastify.addHook('onSend', function sessionkitFinalize(request, reply, payload, done) {
    finalizeReply(runtime, request as Decorated, reply, payload, done as OnSendDone);
  });
  if (runtime.ownsManager) fastify.addHook('onClose', () => runtime.manager.close());
}

/**
 * Registration waits for the store's start-up check, so `app.ready()`/`listen()` rejects with the
 * `ConfigError` that names the fix. A manager the plugin created is closed when the check fails.
 */
async function readyAtRegistration(runtime: SessionRuntime): Promise<void> {
  try {
    await runtime.manager.ready();
  } catch (error) {
    if (runtime.ownsManager) await runtime.manager.close().catch(() => {});
    throw error;
  }
}

/**
 * Wrapped with `fastify-plugin`: not encapsulated (the hooks and decorations apply app-wide), named
 * `sessionkit`, for Fastify 5.
 */
function unencapsulated<Options extends object>(
  plugin: FastifyPluginAsync<Options>,
): FastifyPluginAsync<Options> {
  return fastifyPlugin(plugin, { name: 'sessionkit', fastify: '5.x' });
}

/**
 * The plugin. Register it with the session options (the shared {@link SessionMiddlewareOptions}).
 * A manager it created from a store URL is closed when the app closes.
 * @throws {ConfigError} at registration for invalid options.
 */
const sessionkitPlugin: FastifyPluginAsync<SessionMiddlewareOptions> = unencapsulated(
  async function sessionkit(fastify: FastifyInstance, options: SessionMiddlewareOptions) {
    const runtime = createSessionRuntime(sessionOptions(options as unknown as Record<string, unknown>));
    await readyAtRegistration(runtime);
    install(fastify, runtime);
  },
);

export default sessionkitPlugin;

/**
 * The plugin bound to `options`, validated now: `app.register(session({ store, secretKey }))`.
 * @throws {ConfigError} for invalid options.
 */
export function session(options: SessionMiddlewareOptions): FastifyPluginAsync {
  const runtime = createSessionRuntime(options);
  return unencapsulated(async function sessionkitBound(fastify: FastifyInstance) {
    await readyAtRegistration(runtime);
    install(fastify, runtime);
  });
}

/**
 * The session of `request`, typed.
 * @throws {ConfigError} when the plugin is not registered.
 */
export function getSession<Data extends object = SessionData>(request: FastifyRequest): Session<Data> {
  const value = (request as unknown as { session?: Session<Data> | null }).session;
  if (value === undefined || value === null) {
    throw new ConfigError('No session on this request: register the sessionkit plugin before this route.');
  }
  return value;
}
