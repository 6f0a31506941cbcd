/**
 * Typed errors. Every error sessionkit throws is a {@link SessionError} with a stable string `code`
 * (`ERR_...`) that callers can match on, even across duplicated copies of the package.
 * @module
 */

/** Options accepted by every sessionkit error. */
export interface SessionErrorOptions {
  /** The underlying error (driver error, parse error, ...). */
  cause?: unknown;
}

/** Base class of every error thrown by sessionkit. Match on {@link SessionError.code}. */
export class SessionError extends Error {
  /** Stable machine-readable code, e.g. `ERR_UPDATE_MISSING`. */
  readonly code: string = 'ERR_SESSION';
  /** Stable code of this error class. */
  static readonly code: string = 'ERR_SESSION';

  constructor(message: string, options?: SessionErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** Misconfiguration detected at construction (missing secret, unknown store URL, bad SameSite ...). */
export class ConfigError extends SessionError {
  override readonly code = 'ERR_SESSION_CONFIG';
  static override readonly code = 'ERR_SESSION_CONFIG';
}

/** A signature did not verify with the current key or any fallback key (Django `signing.BadSignature`). */
export class BadSignature extends SessionError {
  override readonly code: string = 'ERR_BAD_SIGNATURE';
  static override readonly code: string = 'ERR_BAD_SIGNATURE';
}

/** A timestamped signature is valid but older than `maxAge` (Django `signing.SignatureExpired`). */
export class SignatureExpired extends BadSignature {
  override readonly code = 'ERR_SIGNATURE_EXPIRED';
  static override readonly code = 'ERR_SIGNATURE_EXPIRED';
}

/** A signed value verified but its payload could not be decoded (bad base64, zlib or JSON). */
export class MalformedPayload extends SessionError {
  override readonly code = 'ERR_MALFORMED_PAYLOAD';
  static override readonly code = 'ERR_MALFORMED_PAYLOAD';
}

/** A value cannot be represented in Django's JSON session format (circular structure, symbol key ...). */
export class SerializationError extends SessionError {
  override readonly code = 'ERR_SERIALIZATION';
  static override readonly code = 'ERR_SERIALIZATION';
}

/** Which data limit a {@link DataLimitExceeded} names (the setting that sets it). */
export type DataLimit = 'maxDataDepth' | 'maxDataBytes';

/**
 * Session data over the depth or size limit: thrown when saving (the handler stored too much) and by
 * the JSON parser when decoding; a session whose stored data is over a limit loads empty, as corrupt
 * data does. The message is safe to show to clients.
 */
export class DataLimitExceeded extends SessionError {
  override readonly code = 'ERR_SESSION_DATA_LIMIT';
  static override readonly code = 'ERR_SESSION_DATA_LIMIT';
  /** The setting whose limit was exceeded. */
  readonly limit: DataLimit;
  /** Its value. */
  readonly max: number;
  constructor(limit: DataLimit, max: number, options?: SessionErrorOptions) {
    super(
      limit === 'maxDataDepth'
        ? `Session data nests deeper than ${max} levels (maxDataDepth). Store flatter data in the session.`
        : `Session data is larger than ${max} bytes once serialized (maxDataBytes). Store less in the session, such as ids rather than whole records.`,
      options,
    );
    this.limit = limit;
    this.max = max;
  }
}

/** `save({ mustCreate: true })` found the key already taken (Django `CreateError`). */
export class CreateError extends SessionError {
  override readonly code = 'ERR_CREATE_COLLISION';
  static override readonly code = 'ERR_CREATE_COLLISION';
}

/**
 * A non-creating save found that the session record no longer exists, e.g. it was deleted by a
 * concurrent logout (Django `UpdateError`). The session is never resurrected.
 */
export class UpdateError extends SessionError {
  override readonly code = 'ERR_UPDATE_MISSING';
  static override readonly code = 'ERR_UPDATE_MISSING';
}

/** Django's `SessionInterrupted` message. */
export const SESSION_INTERRUPTED_MESSAGE =
  "The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example.";

/**
 * The request's session was deleted before the request completed (Django `SessionInterrupted`).
 * HTTP adapters answer it with status 400.
 */
export class SessionInterrupted extends SessionError {
  override readonly code = 'ERR_SESSION_INTERRUPTED';
  static override readonly code = 'ERR_SESSION_INTERRUPTED';
  /** HTTP status to answer with. */
  readonly status = 400;
  constructor(options?: SessionErrorOptions) {
    super(SESSION_INTERRUPTED_MESSAGE, options);
  }
}

/** A session key contains characters outside `[a-z0-9]` where a store needs them (file store). */
export class InvalidSessionKey extends SessionError {
  override readonly code = 'ERR_INVALID_SESSION_KEY';
  static override readonly code = 'ERR_INVALID_SESSION_KEY';
}

/** `pop(key)` without a default on a key the session does not hold (Python's `KeyError`). */
export class SessionKeyMissing extends SessionError {
  override readonly code = 'ERR_SESSION_KEY_MISSING';
  static override readonly code = 'ERR_SESSION_KEY_MISSING';
  /** The key that was missing. */
  readonly key: string;
  constructor(key: string) {
    super(`Session has no key ${JSON.stringify(key)}`);
    this.key = key;
  }
}

/** The `message` of every {@link StoreUnavailable}: safe to show to clients. */
export const STORE_UNAVAILABLE_MESSAGE = 'The session store is not responding. Try again shortly.';

/**
 * The store could not be reached or did not answer within its timeout. HTTP adapters answer 503.
 *
 * Its `message` is always {@link STORE_UNAVAILABLE_MESSAGE}, so a framework's default error handler
 * can show it; what went wrong (file paths, hosts, ports, table names) is on `detail` and the driver's
 * error on `cause`, for logs only.
 */
export class StoreUnavailable extends SessionError {
  override readonly code = 'ERR_STORE_UNAVAILABLE';
  static override readonly code = 'ERR_STORE_UNAVAILABLE';
  /** HTTP status to answer with. */
  readonly status = 503;
  /** What went wrong, for operators (may name paths, hosts and ports: never send it to clients). */
  readonly detail: string;
  constructor(detail: string, options?: SessionErrorOptions) {
    super(STORE_UNAVAILABLE_MESSAGE, options);
    this.detail = detail;
  }
}

/** The signed-cookie payload exceeds what browsers keep (4096 bytes per cookie). */
export class CookieTooLarge extends SessionError {
  override readonly code = 'ERR_COOKIE_TOO_LARGE';
  static override readonly code = 'ERR_COOKIE_TOO_LARGE';
  /** Size of the whole `name=value` cookie in bytes. */
  readonly size: number;
  /** The limit it exceeded. */
  readonly limit: number;
  constructor(size: number, limit: number) {
    super(
      `The signed session cookie is ${size} bytes, over the ${limit}-byte limit browsers keep; the browser would drop it silently. ` +
        'Store less data in the session, or use a server-side store (sqlite:, postgres://, redis:// ...).',
    );
    this.size = size;
    this.limit = limit;
  }
}

/** The operation is not supported by this store (e.g. `clearExpired` on a store that cannot list sessions). */
export class NotSupported extends SessionError {
  override readonly code = 'ERR_NOT_SUPPORTED';
  static override readonly code = 'ERR_NOT_SUPPORTED';
}

/** True when `error` is a sessionkit error with the given code (works across duplicated package copies). */
export function hasErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
