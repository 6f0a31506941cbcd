/**
 * Node glue shared by the `node` and `express` adapters: attach a session to an `IncomingMessage` /
 * `ServerResponse` pair and make sure it is saved BEFORE the response headers leave.
 *
 * Approach: Node freezes the headers at the first `writeHead`, `write`, `end` or `flushHeaders`, all
 * synchronous, while saving is asynchronous. So those four are wrapped on the response instance. The
 * first call records its status and headers, starts the finalization (Django's `process_response`),
 * and is queued together with every call made until the save settles; then `Set-Cookie`/`Vary` are set
 * and the queue is replayed, in order, through the original methods. Only writes made during the save
 * are buffered. The wrappers are never removed — they become pass-throughs — so middleware that wraps
 * the same methods after us (compression, on-headers) keeps working.
 * @module
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Session } from '../core/session.js';
import type { SessionRuntime } from '../http/options.js';
import { isSecureRequest } from '../http/request.js';
import type { FinalizeResult } from '../http/response.js';

type Method = (...args: unknown[]) => unknown;
type Patched = Record<'writeHead' | 'write' | 'end' | 'flushHeaders', Method>;

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

function applyHeaders(res: ServerResponse, headers: unknown): void {
  if (Array.isArray(headers)) {
    // Node's writeHead semantics for a flat [name, value, ...] list: replace, but allow duplicates.
    for (let i = 0; i < headers.length; i += 2) res.removeHeader(String(headers[i]));
    for (let i = 0; i < headers.length; i += 2)
      res.appendHeader(String(headers[i]), headers[i + 1] as string);
  } else if (typeof headers === 'object' && headers !== null) {
    for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
      if (value !== undefined) res.setHeader(name, value);
    }
  }
}

function applyResult(res: ServerResponse, result: FinalizeResult): void {
  if (result.setCookie.length > 0) {
    const existing = res.getHeader('Set-Cookie');
    const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
    res.setHeader('Set-Cookie', [...list, ...result.setCookie]);
  }
  if (result.vary !== null) res.setHeader('Vary', result.vary);
}

function varyOf(res: ServerResponse): string | string[] | null {
  const vary = res.getHeader('Vary');
  return vary === undefined ? null : Array.isArray(vary) ? vary : String(vary);
}

/** Attach a session to `req` (as `req.session`) and hook `res` so it is finalized before the headers. */
export function attachSession<Data extends object>(
  runtime: SessionRuntime<Data>,
  req: IncomingMessage,
  res: ServerResponse,
): AttachedSession<Data> {
  const handle = runtime.open(req.headers.cookie);
  (req as IncomingMessage & { session: Session<Data> }).session = handle.session;
  const logger = runtime.settings.logger;
  const target = res as unknown as Patched;
  const original: Patched = {
    writeHead: target.writeHead,
    write: target.write,
    end: target.end,
    flushHeaders: target.flushHeaders,
  };
  let state: 'open' | 'finalizing' | 'done' | 'failed' = 'open';
  const queue: Array<() => unknown> = [];

  const replaceWith = (status: number, contentType: string, body: string): void => {
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    original.writeHead.call(res, status, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(body),
    });
    original.end.call(res, body);
  };

  const abort = (error: unknown): void => {
    state = 'failed';
    queue.length = 0;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const response = runtime.errorResponse(error);
    if (response === null) logger.error('Saving the session failed; answering 500', { error });
    replaceWith(
      response?.status ?? 500,
      response?.contentType ?? 'text/plain; charset=utf-8',
      response?.body ?? 'Internal Server Error',
    );
  };

  const finish = (result: FinalizeResult): void => {
    state = 'done';
    if (res.headersSent) {
      logger.warn('Response headers were sent before the session was saved; cookie not set');
    } else {
      applyResult(res, result);
    }
    for (const call of queue.splice(0)) {
      try {
        call();
      } catch (replayError) {
        logger.error('A deferred response call failed', { error: replayError });
      }
    }
  };

  const start = (): void => {
    if (state !== 'open') return;
    state = 'finalizing';
    const secureRequest = isSecureRequest(
      {
        encrypted: (req.socket as { encrypted?: boolean }).encrypted === true,
        forwardedProto: req.headers['x-forwarded-proto'],
      },
      runtime.settings.trustProxy,
    );
    handle.finalize({ status: res.statusCode, secureRequest, existingVary: varyOf(res) }).then(finish, abort);
  };

  const defer = (name: keyof Patched, args: unknown[]): void => {
    queue.push(() => original[name].apply(res, args));
    start();
  };

  target.writeHead = function writeHead(this: unknown, ...args: unknown[]) {
    if (state === 'done') return original.writeHead.apply(res, args);
    if (state === 'failed') return res;
    const [status, reasonOrHeaders, maybeHeaders] = args;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 999) {
      return original.writeHead.apply(res, args); // let Node throw its own error, synchronously
    }
    res.statusCode = status;
    if (typeof reasonOrHeaders === 'string') res.statusMessage = reasonOrHeaders;
    applyHeaders(res, typeof reasonOrHeaders === 'string' ? maybeHeaders : reasonOrHeaders);
    defer('writeHead', [status]);
    return res;
  };
  target.write = function write(this: unknown, ...args: unknown[]) {
    if (state === 'done') return original.write.apply(res, args);
    if (state === 'failed') return false;
    defer('write', args);
    return true;
  };
  target.end = function end(this: unknown, ...args: unknown[]) {
    if (state === 'done') return original.end.apply(res, args);
    if (state !== 'failed') defer('end', args);
    return res;
  };
  target.flushHeaders = function flushHeaders(this: unknown, ...args: unknown[]) {
    if (state === 'done') return original.flushHeaders.apply(res, args);
    if (state !== 'failed') defer('flushHeaders', args);
    return undefined;
  };

  return {
    session: handle.session,
    fail(error) {
      const response = runtime.errorResponse(error);
      if (state !== 'open' || res.headersSent) {
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
    },
  };
}
