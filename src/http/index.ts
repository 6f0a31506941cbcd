/**
 * `sessionkit/http`: the framework-neutral HTTP core. Strings in, strings out: a `Cookie` header in,
 * `Set-Cookie` values and a `Vary` change out, decided exactly as Django's `SessionMiddleware`. Every
 * adapter (`sessionkit/node`, `/express`, `/fastify`, `/koa`, `/hono`) is a thin mapping onto it; use it
 * directly to support another framework.
 *
 * @example
 * import { createSessionRuntime } from 'sessionkit/http';
 * const runtime = createSessionRuntime({ store: 'sqlite:./sessions.db', secretKey: process.env.SECRET_KEY! });
 * const handle = runtime.open(cookieHeader);
 * await handle.session.set('visits', 1);
 * const { setCookie, vary } = await handle.finalize({ status: 200, secureRequest: false, existingVary: null });
 * @module
 */
export {
  SESSION_BUSY_BODY,
  SESSION_INTERRUPTED_BODY,
  type SessionErrorResponse,
  STORE_UNAVAILABLE_BODY,
  sessionErrorResponse,
} from './errors.js';
export {
  createSessionRuntime,
  type ResponseInfo,
  type SessionHandle,
  type SessionMiddlewareOptions,
  type SessionRuntime,
  type SharedManagerOptions,
} from './options.js';
export {
  isSecureRequest,
  MAX_COOKIE_VALUE_LENGTH,
  type RequestCookie,
  readSessionCookie,
  type SecureRequestInput,
} from './request.js';
export {
  deletionCookie,
  type FinalizeContext,
  type FinalizeDecision,
  type FinalizeResult,
  finalizeSession,
} from './response.js';
export {
  checkCookiePrefix,
  EXPIRED_DATE,
  httpDate,
  quoteCookieValue,
  type SetCookieAttributes,
  serializeSetCookie,
} from './set-cookie.js';
export { patchVary } from './vary.js';
