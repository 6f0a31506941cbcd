/**
 * Node glue shared by the `node` and `express` adapters: attach a session to an `IncomingMessage` /
 * `ServerResponse` pair and make sure it is saved BEFORE the response headers leave.
 *
 * Approach: Node freezes the headers at the first `writeHead`, `write`, `end` or `flushHeaders`, all
 * synchronous, while saving is asynchronous. So those four are wrapped on the response instance. The
 * first call records its status and headers and runs the finalization (Django's `process_response`).
 * When no store call is due (nothing to save, a deletion, a 5xx) that happens synchronously and the
 * call goes straight through. Otherwise the call is queued together with every call made until the
 * save settles; then `Set-Cookie`/`Vary` are set and the queue is replayed, in order, through the
 * original methods. Only writes made during the save are buffered. The wrappers are never removed —
 * they become pass-throughs — so middleware that wraps the same methods after us (compression,
 * on-headers) keeps working.
 *
 * How the four are intercepted depends on the response:
 * - Express (any framework that swaps the response's prototype per request): through the shared
 *   prototype layer of `./_layers.ts`, so nothing is added to the response object (each property added
 *   after a prototype swap costs microseconds, and slows Node's own code on that object).
 * - A plain `ServerResponse`, or one whose chain already has an own `end`/`write`/... (another
 *   library's override): as own properties. Only `writeHead` is wrapped up front (Node's `write`,
 *   `end` and `flushHeaders` all call it before sending anything); the others are wrapped when the
 *   session becomes modified (or at once with `saveEveryRequest`), since only a save makes
 *   finalizing asynchronous.
 * @module
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ModifiedWatcher, Session } from '../core/session.js';
import { finalizeHandleNow, type SessionHandle, type SessionRuntime } from '../http/options.js';
import { isSecureRequest } from '../http/request.js';
import type { FinalizeResult } from '../http/response.js';
import {
  hookResponse,
  keepRequestSession,
  type HookedName as Name,
  NODE_RESPONSE_METHODS,
  releaseResponse,
  setRequestSession,
} from './_layers.js';

type Method = (this: ServerResponse, ...args: unknown[]) => unknown;

/** What {@link attachSession} gives back. */
export interface AttachedSession<Data extends object> {
  /** The request's lazy session (also set as `req.session`). */
  session: Session<Data>;
  /**
   * Answer an error thrown by the handler: 503/400 for session errors, 500 (logged) otherwise; if the
   * response had already started, log it and destroy the connection. A method: call it on the object.
   */
  fail(error: unknown): void;
}

function applyHeaders(res: ServerResponse, headers: unknown): void {
  if (Array.isArray(headers)) {
    // Node's writeHead semantics for a flat [name, value, ...] list: replace, but allow duplicates.
    for (let i = 0; i < headers.length; i += 2) res.removeHeader(String(headers[i]));
    for (let i = 0; i < headers.length; i += 2)
      res.appendHeader(String(headers[i]), headers[i + 1] as string);
  } else if (typeof headers === 'object' && headers !== null) {
    // As Node's own writeHead does: keys, not entries (no [name, value] array per header).
    const record = headers as OutgoingHttpHeaders;
    const names = Object.keys(record);
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const value = record[name];
      if (value !== undefined) res.setHeader(name, value);
    }
  }
}

function applyResult(res: ServerResponse, result: FinalizeResult): void {
  if (result.setCookie.length > 0) {
    // One cookie goes as a string (Node copies an array). Any Set-Cookie the handler set is kept:
    // appended to then; otherwise setHeader, which frameworks call anyway (on an Express response each
    // method read first in a request is an inline-cache miss, and nothing else reads `appendHeader`).
    const value = result.setCookie.length === 1 ? result.setCookie[0]! : result.setCookie;
    if (res.getHeader('Set-Cookie') === undefined) res.setHeader('Set-Cookie', value);
    else res.appendHeader('Set-Cookie', value);
  }
  if (result.vary !== null) res.setHeader('Vary', result.vary);
}

function varyOf(res: ServerResponse): string | string[] | null {
  const vary = res.getHeader('Vary');
  return vary === undefined ? null : Array.isArray(vary) ? vary : String(vary);
}

/** What each wrapper returns while its call is deferred (or on the call that finalizes synchronously). */
const DEFERRED_RETURN: Record<Name, (res: ServerResponse) => unknown> = {
  writeHead: (res) => res,
  write: () => true,
  end: (res) => res,
  flushHeaders: () => undefined,
};

/** One request's session and the state of its response. */
class NodeSession<Data extends object> implements AttachedSession<Data>, ModifiedWatcher {
  readonly session: Session<Data>;
  state: 'open' | 'finalizing' | 'done' | 'failed' = 'open';
  readonly #runtime: SessionRuntime<Data>;
  readonly #handle: SessionHandle<Data>;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  /** The methods the wrappers replaced (the prototype's, or another middleware's wrappers). */
  readonly original: Record<Name, Method>;
  #writesWrapped = false;
  /** Whether the calls arrive through the shared prototype hooks (else through own-property wrappers). */
  readonly hooked: boolean;
  /** The request's headers object when `req.session` is kept in it (see `setRequestSession`), else `null`. */
  stashedIn: object | null = null;
  /** Calls made while a save is pending, replayed in order once it settles. */
  #queue: Array<[Name, unknown[]]> | null = null;

  constructor(
    runtime: SessionRuntime<Data>,
    req: IncomingMessage,
    res: ServerResponse,
    headers: IncomingMessage['headers'],
  ) {
    this.#runtime = runtime;
    this.#handle = runtime.open(headers.cookie);
    this.session = this.#handle.session;
    this.#req = req;
    this.#res = res;
    this.hooked = hookResponse(res, this);
    if (this.hooked) {
      this.original = NODE_RESPONSE_METHODS as Record<Name, Method>; // never mutated: writes are hooked already
      this.#writesWrapped = true;
      return;
    }
    const target = res as unknown as Record<Name, Method>;
    // `write`, `end` and `flushHeaders` are read when wrapped: on an Express response every property
    // access is a slow lookup (its hidden class is new on every request).
    const writeHead = target.writeHead;
    // Placeholders: wrapWrites() reads the real ones before anything can call them.
    this.original = { writeHead, write: writeHead, end: writeHead, flushHeaders: writeHead };
    // Arrow functions bound to this request: cheaper than looking the state up from `this`.
    target.writeHead = (...args) => this.writeHead(args);
    if (runtime.settings.saveEveryRequest) this.wrapWrites();
    else this.session.watchModified(this);
  }

  /** Wrap `write`, `end` and `flushHeaders` (once), so they can wait for a save. */
  wrapWrites(): void {
    if (this.#writesWrapped) return;
    this.#writesWrapped = true;
    const target = this.#res as unknown as Record<Name, Method>;
    // Whatever is there now: other middleware may have wrapped them since we attached.
    this.original.write = target.write;
    this.original.end = target.end;
    this.original.flushHeaders = target.flushHeaders;
    target.write = (...args) => this.write(args);
    target.end = (...args) => this.end(args);
    target.flushHeaders = (...args) => this.flushHeaders(args);
  }

  sessionModified(): void {
    // Once the response has started, a save can no longer happen (as before the change).
    if (this.state === 'open') this.wrapWrites();
  }

  writeHead(args: unknown[]): unknown {
    const res = this.#res;
    if (this.state === 'done') return this.original.writeHead.apply(res, args);
    if (this.state === 'failed') return res;
    const [status, reasonOrHeaders, maybeHeaders] = args;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 999) {
      return this.original.writeHead.apply(res, args); // let Node throw its own error, synchronously
    }
    res.statusCode = status;
    if (typeof reasonOrHeaders === 'string') res.statusMessage = reasonOrHeaders;
    applyHeaders(res, typeof reasonOrHeaders === 'string' ? maybeHeaders : reasonOrHeaders);
    return this.#call('writeHead', [status], status);
  }

  write(args: unknown[]): unknown {
    if (this.state === 'done') return this.original.write.apply(this.#res, args);
    if (this.state === 'failed') return false;
    return this.#call('write', args);
  }

  end(args: unknown[]): unknown {
    if (this.state === 'done') return this.original.end.apply(this.#res, args);
    if (this.state === 'failed') return this.#res;
    return this.#call('end', args);
  }

  flushHeaders(args: unknown[]): unknown {
    if (this.state === 'done') return this.original.flushHeaders.apply(this.#res, args);
    if (this.state === 'failed') return undefined;
    return this.#call('flushHeaders', args);
  }

  /** A wrapped call while the state is `open` or `finalizing`: finalize (first call) and run or queue it. */
  #call(name: Name, args: unknown[], writeHeadStatus?: number): unknown {
    const res = this.#res;
    if (this.state === 'finalizing') {
      this.#queue?.push([name, args]);
      return DEFERRED_RETURN[name](res);
    }
    const status = writeHeadStatus ?? res.statusCode;
    this.state = 'finalizing';
    const settings = this.#runtime.settings;
    const handle = this.#handle;
    const session = this.session;
    let outcome: FinalizeResult | Promise<FinalizeResult>;
    try {
      outcome = finalizeHandleNow(handle, {
        status,
        // Only `cookieSecure: 'auto'` looks at it.
        secureRequest:
          settings.cookieSecure === 'auto' &&
          isSecureRequest(
            {
              encrypted: (this.#req.socket as { encrypted?: boolean }).encrypted === true,
              forwardedProto: this.#req.headers['x-forwarded-proto'],
            },
            settings.trustProxy,
          ),
        // Only read when `Vary: Cookie` may be added (see decideFinalize).
        existingVary: session.accessed || (handle.requestHadCookie && session.isEmpty()) ? varyOf(res) : null,
      });
    } catch (error) {
      this.abort(error);
      return DEFERRED_RETURN[name](res);
    }
    if (!(outcome instanceof Promise)) {
      // Nothing to wait for: set the headers and let the call through, as if never intercepted.
      this.state = 'done';
      this.#release();
      applyResult(res, outcome);
      return this.original[name].apply(res, args);
    }
    this.#queue = [[name, args]];
    this.wrapWrites(); // already done: only a modified session (or saveEveryRequest) gets here
    outcome.then(
      (result) => this.finish(result),
      (error: unknown) => this.abort(error),
    );
    return DEFERRED_RETURN[name](res);
  }

  finish(result: FinalizeResult): void {
    const res = this.#res;
    this.state = 'done';
    this.#release(); // from now on every call passes straight through
    if (res.headersSent) {
      this.#runtime.settings.logger.warn(
        'Response headers were sent before the session was saved; cookie not set',
      );
    } else {
      applyResult(res, result);
    }
    const queue = this.#queue;
    this.#queue = null;
    if (queue === null) return;
    for (const [name, args] of queue) {
      try {
        this.original[name].apply(res, args);
      } catch (replayError) {
        this.#runtime.settings.logger.error('A deferred response call failed', { error: replayError });
      }
    }
  }

  #replaceWith(status: number, contentType: string, body: string): void {
    const res = this.#res;
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    this.original.writeHead.call(res, status, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(body),
    });
    this.original.end.call(res, body);
  }

  /** Once finalized: calls go straight to Node, and `req.session` stays readable (see `keepRequestSession`). */
  #release(): void {
    if (!this.hooked) return;
    releaseResponse(this.#res, this);
    if (this.stashedIn !== null) keepRequestSession(this.#req, this.stashedIn, this.session);
  }

  abort(error: unknown): void {
    this.wrapWrites(); // so the handler's later writes are dropped
    this.state = 'failed';
    this.#queue = null;
    const res = this.#res;
    // Keep dropping the handler's writes until the response is gone, then let go of it.
    if (this.hooked) res.once('close', () => this.#release());
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const response = this.#runtime.errorResponse(error);
    if (response === null) {
      this.#runtime.settings.logger.error('Saving the session failed; answering 500', { error });
    }
    this.#replaceWith(
      response?.status ?? 500,
      response?.contentType ?? 'text/plain; charset=utf-8',
      response?.body ?? 'Internal Server Error',
    );
  }

  fail(error: unknown): void {
    const res = this.#res;
    const logger = this.#runtime.settings.logger;
    const response = this.#runtime.errorResponse(error);
    if (this.state !== 'open' || res.headersSent) {
      logger.error('The handler failed after the response had started', { error });
      if (!res.writableEnded) res.destroy();
      return;
    }
    if (!response) logger.error('Unhandled error in request handler; answering 500', { error });
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    const body = response?.body ?? 'Internal Server Error';
    res.statusCode = response?.status ?? 500;
    res.setHeader('Content-Type', response?.contentType ?? 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  }
}

/** Attach a session to `req` (as `req.session`) and hook `res` so it is finalized before the headers. */
export function attachSession<Data extends object>(
  runtime: SessionRuntime<Data>,
  req: IncomingMessage,
  res: ServerResponse,
): AttachedSession<Data> {
  // Read once: each first read of a property of an Express request is an inline-cache miss.
  const headers = req.headers;
  const binding = new NodeSession(runtime, req, res, headers);
  if (setRequestSession(req, headers, binding.session, binding.hooked)) binding.stashedIn = headers;
  return binding;
}
