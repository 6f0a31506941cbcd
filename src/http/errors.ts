/**
 * The HTTP answer to session errors: {@link SessionInterrupted} → 400 with Django's message,
 * {@link StoreUnavailable}, {@link LockTimeout} and {@link SaveConflict} → 503 with a short plain-text message. Matched by `code`, so it works across
 * duplicated copies of the package. Bodies are fixed texts, never an error's own message or details.
 * @module
 */
import {
  hasErrorCode,
  SESSION_INTERRUPTED_MESSAGE,
  SessionInterrupted,
  StoreUnavailable,
} from '../core/errors.js';
import { LockTimeout, SaveConflict } from '../core/merge.js';

/** A plain-text error response an adapter sends instead of the handler's response. */
export interface SessionErrorResponse {
  /** 400 or 503. */
  status: 400 | 503;
  /** Always `text/plain; charset=utf-8`. */
  contentType: string;
  /** The body. */
  body: string;
}

/** Body of the 503 answer (the store's details may name hosts; they go to the logger instead). */
export const STORE_UNAVAILABLE_BODY =
  'Service Unavailable: the session store is not responding. Try again shortly.';

/** Body of the 503 answer when the session stayed busy (a lock not released in time, a save that kept conflicting). */
export const SESSION_BUSY_BODY =
  'Service Unavailable: the session is busy with other requests. Try again shortly.';

/** Body of the 400 answer: Django's `SessionInterrupted` message. */
export const SESSION_INTERRUPTED_BODY = SESSION_INTERRUPTED_MESSAGE;

const TEXT = 'text/plain; charset=utf-8';

/**
 * The response an adapter answers `error` with, or `null` when the error is not one sessionkit maps
 * (the framework's own error handling then applies).
 */
export function sessionErrorResponse(error: unknown): SessionErrorResponse | null {
  if (hasErrorCode(error, SessionInterrupted.code)) {
    return { status: 400, contentType: TEXT, body: SESSION_INTERRUPTED_BODY };
  }
  if (hasErrorCode(error, StoreUnavailable.code)) {
    return { status: 503, contentType: TEXT, body: STORE_UNAVAILABLE_BODY };
  }
  if (hasErrorCode(error, LockTimeout.code) || hasErrorCode(error, SaveConflict.code)) {
    return { status: 503, contentType: TEXT, body: SESSION_BUSY_BODY };
  }
  return null;
}
