/**
 * Node glue shared by the `node` and `express` adapters: attach a session to an `IncomingMessage` /
 * `ServerResponse` pair and make sure it is saved BEFORE the response headers leave.
 *
 * Everything lives on that request's own objects: `req.session` is a plain own property, and the
 * response's four header-sending methods are wrapped on `res` itself ({@link deferHeaders}). When the
 * response needs no save (the usual case for untouched sessions) its first call goes straight through;
 * otherwise it waits for the save.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Session } from '../core/session.js';
import type { ResponseInfo, SessionHandle, SessionRuntime } from '../http/options.js';
import { nodeSecureRequest } from '../http/request.js';
import type { FinalizeResult } from '../http/response.js';
import { type DeferHeadersHooks, deferHeaders } from './_defer-headers.js';

/** What {@link attachSession} gives back. */
export interface AttachedSession<Data extends object> {
  /** The request's lazy session (also set as `req.session`). */
  session: Session<Data>;
  /**
   * Answer an error thrown by the handler: 503/400 for session errors, 500 (logged) otherwise; if the
   * response had already started, log it and destroy the connection.
   */
  fail(error: unknown): void;
}

function applyResult(res: ServerResponse, result: FinalizeResult): void {
  if (result.setCookie.length > 0) {
    // A Set-Cookie the handler set is kept next to the session cookie.
    const value = result.setCookie.length === 1 ? (result.setCookie[0] as string) : result.setCookie;
    if (res.getHeader('Set-Cookie') === undefined) res.setHeader('Set-Cookie', value);
    else res.appendHeader('Set-Cookie', value);
  }
  if (result.vary !== null) res.setHeader('Vary', result.vary);
}

/** Replace whatever the response was going to be with a plain-text answer. */
function answer(res: ServerResponse, status: number, contentType: string, body: string): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Answer `error` (a session error's own status and body, else 500) unless the response has started. */
function answerError<Data extends object>(
  runtime: SessionRuntime<Data>,
  res: ServerResponse,
  error: unknown,
  what: string,
): void {
  const logger = runtime.settings.logger;
  if (res.headersSent) {
    logger.error(`${what} after the response had started`, { error });
    if (!res.writableEnded) res.destroy();
    return;
  }
  const response = runtime.errorResponse(error);
  if (response === null) logger.error(`${what}; answering 500`, { error });
  answer(
    res,
    response?.status ?? 500,
    response?.contentType ?? 'text/plain; charset=utf-8',
    response?.body ?? 'Internal Server Error',
  );
}

/** One request's session, and the hooks that finalize it before the response's headers. */
class NodeSession<Data extends object> implements AttachedSession<Data>, DeferHeadersHooks<FinalizeResult> {
  readonly session: Session<Data>;
  readonly #runtime: SessionRuntime<Data>;
  readonly #handle: SessionHandle<Data>;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  /** Whether the response has started (its first header-sending call was made). */
  #started = false;

  constructor(runtime: SessionRuntime<Data>, req: IncomingMessage, res: ServerResponse) {
    this.#runtime = runtime;
    this.#handle = runtime.open(req.headers.cookie);
    this.session = this.#handle.session;
    this.#req = req;
    this.#res = res;
  }

  beforeHeaders(res: ServerResponse): Promise<FinalizeResult> | undefined {
    this.#started = true;
    const vary = res.getHeader('Vary');
    const info: ResponseInfo = {
      status: res.statusCode,
      // Only asked when `cookieSecure` is 'auto': otherwise no object per response.
      secureRequest: this.#runtime.settings.cookieSecure === 'auto' ? nodeSecureRequest(this.#req) : false,
      existingVary: vary === undefined ? null : Array.isArray(vary) ? vary : String(vary),
    };
    const decision = this.#handle.decide(info);
    if (!decision.save) {
      applyResult(res, decision);
      return;
    }
    return this.#handle.finalize(info);
  }

  resolved(result: FinalizeResult, res: ServerResponse): void {
    applyResult(res, result);
  }

  onError(error: unknown, res: ServerResponse): void {
    answerError(this.#runtime, res, error, 'Saving the session failed');
  }

  fail(error: unknown): void {
    const res = this.#res;
    if (this.#started) {
      this.#runtime.settings.logger.error('The handler failed after the response had started', { error });
      if (!res.writableEnded) res.destroy();
      return;
    }
    answerError(this.#runtime, res, error, 'Unhandled error in request handler');
  }
}

/** Attach a session to `req` (as `req.session`) and hold `res`'s headers until it is finalized. */
export function attachSession<Data extends object>(
  runtime: SessionRuntime<Data>,
  req: IncomingMessage,
  res: ServerResponse,
): AttachedSession<Data> {
  const attached = new NodeSession(runtime, req, res);
  (req as IncomingMessage & { session: Session<Data> }).session = attached.session;
  deferHeaders(res, attached);
  return attached;
}
