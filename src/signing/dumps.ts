/**
 * Django's `signing.dumps` / `signing.loads`: sign any JSON-able value with a timestamp (spec §3).
 * @module
 */
import type { BytesLike } from './salted-hmac.js';
import type { JsonSerializer } from './serializer.js';
import { TimestampSigner } from './signer.js';

/** Django's default salt for `signing.dumps` / `signing.loads`. */
export const DEFAULT_DUMPS_SALT = 'django.core.signing';

/** Options of {@link dumps}. */
export interface DumpsOptions {
  /** The secret (Django's `SECRET_KEY`). */
  key: BytesLike;
  /** Namespace of the signature. @default 'django.core.signing' */
  salt?: string | undefined;
  /** zlib-compress the payload when that saves at least 2 bytes. @default false */
  compress?: boolean | undefined;
  /** The clock, in milliseconds since the epoch. @default Date.now */
  now?: (() => number) | undefined;
  /** How the value becomes text. @default jsonSerializer (Django's JSONSerializer) */
  serializer?: JsonSerializer | undefined;
}

/** Options of {@link loads}. */
export interface LoadsOptions {
  /** The secret (Django's `SECRET_KEY`). */
  key: BytesLike;
  /** Older secrets still accepted (Django's `SECRET_KEY_FALLBACKS`). @default [] */
  fallbackKeys?: readonly BytesLike[] | undefined;
  /** Namespace of the signature. @default 'django.core.signing' */
  salt?: string | undefined;
  /** Refuse values signed more than this many seconds ago (age > maxAge). @default no limit */
  maxAge?: number | null | undefined;
  /** The clock, in milliseconds since the epoch. @default Date.now */
  now?: (() => number) | undefined;
  /** How the text becomes a value again. @default jsonSerializer (Django's JSONSerializer) */
  serializer?: JsonSerializer | undefined;
  /** Refuse a compressed payload that inflates beyond this many bytes (zip-bomb defence). @default 1048576 */
  maxDecompressedBytes?: number | undefined;
}

/**
 * Django's `signing.dumps(obj, key, salt, compress=...)`: the value serialized as Python's JSON,
 * optionally compressed, base64url-encoded, timestamped and signed with HMAC-SHA256.
 * @throws {SerializationError} when the value cannot be serialized.
 * @throws {ConfigError} for a missing key.
 * @example
 * dumps('hello', { key: 'django_tests_secret_key', now: () => 1_700_000_000_000 });
 * // 'ImhlbGxvIg:1r31eq:vORzXCNWal6clyL2AMUxddNiVs7GTgBsmwYhy6yGEas'
 */
export function dumps(value: unknown, options: DumpsOptions): string {
  const signer = new TimestampSigner({
    key: options.key,
    salt: options.salt ?? DEFAULT_DUMPS_SALT,
    now: options.now,
  });
  return signer.signObject(value, { serializer: options.serializer, compress: options.compress });
}

/**
 * Django's `signing.loads(s, key, salt, max_age=..., fallback_keys=...)`: the value of a string made
 * by {@link dumps}. Pre-3.1 legacy session values are refused, as Django ≥ 4.0 does.
 * @throws {BadSignature} when the signature does not verify with the key or a fallback key.
 * @throws {SignatureExpired} when older than `maxAge`.
 * @throws {MalformedPayload} when the verified payload cannot be decoded.
 * @example
 * loads(cookie, { key: process.env.SECRET_KEY!, salt: 'my.salt', maxAge: 3600 });
 */
export function loads(signed: string, options: LoadsOptions): unknown {
  const signer = new TimestampSigner({
    key: options.key,
    fallbackKeys: options.fallbackKeys,
    salt: options.salt ?? DEFAULT_DUMPS_SALT,
    now: options.now,
  });
  return signer.unsignObject(signed, {
    maxAge: options.maxAge,
    serializer: options.serializer,
    maxDecompressedBytes: options.maxDecompressedBytes,
  });
}
