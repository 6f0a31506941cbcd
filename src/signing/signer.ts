/**
 * Django's `Signer` and `TimestampSigner` (`django/core/signing.py`, spec §3).
 * @module
 */
import { BadSignature, ConfigError, SignatureExpired } from '../core/errors.js';
import { b62Decode, b62Encode } from './base62.js';
import { b64Encode } from './base64url.js';
import { checkMaxDecompressedBytes, decodePayload, encodePayload } from './payload.js';
import { pythonFloatRepr } from './python-float.js';
import {
  type BytesLike,
  constantTimeCompare,
  type HashAlgorithm,
  resolveAlgorithm,
  saltedHmac,
} from './salted-hmac.js';
import { type JsonSerializer, jsonSerializer } from './serializer.js';

// Django's _SEP_UNSAFE = r"^[A-z0-9-_=]*$" with re.match. `A-z` also spans [\]^_` and Python's `$`
// also matches before a trailing newline, so "\n" and "a\n" count as unsafe too.
const UNSAFE_SEPARATOR = /^[-0-9=A-Z[\\\]^_`a-z]*\n?$/;

/** Options of {@link Signer}. */
export interface SignerOptions {
  /** The secret (Django's `SECRET_KEY`); a string is used as UTF-8. Required and non-empty. */
  key: BytesLike;
  /** Older secrets still accepted when verifying (Django's `SECRET_KEY_FALLBACKS`). @default [] */
  fallbackKeys?: readonly BytesLike[] | undefined;
  /** Separator between value and signature; must not consist only of `A-z0-9-_=`. @default ':' */
  sep?: string | undefined;
  /** Namespace of the signatures. @default 'django.core.signing.Signer' (the class's `defaultSalt`) */
  salt?: string | undefined;
  /** hashlib name of the HMAC hash. @default 'sha256' */
  algorithm?: HashAlgorithm | (string & Record<never, never>) | undefined;
}

/** Options of {@link Signer.signObject}. */
export interface SignObjectOptions {
  /** How the value becomes text. @default jsonSerializer (Django's JSONSerializer) */
  serializer?: JsonSerializer | undefined;
  /** zlib-compress the payload when that saves at least 2 bytes (a `.` prefix marks it). @default false */
  compress?: boolean | undefined;
}

/** Options of {@link Signer.unsignObject}. */
export interface UnsignObjectOptions {
  /** How the text becomes a value again. @default jsonSerializer (Django's JSONSerializer) */
  serializer?: JsonSerializer | undefined;
  /** Refuse a compressed payload that inflates beyond this many bytes (zip-bomb defence). @default 1048576 */
  maxDecompressedBytes?: number | undefined;
}

function checkKey(key: unknown, what: string): BytesLike {
  const ok = (typeof key === 'string' || key instanceof Uint8Array) && key.length > 0;
  if (!ok) throw new ConfigError(`${what} must be a non-empty string or Uint8Array (Django's SECRET_KEY).`);
  return key as BytesLike;
}

/**
 * Signs strings with HMAC (Django's `Signer`): `sign(value)` is `value + sep + signature`, where the
 * signature is `base64url(HMAC(hash(salt + "signer" + key), value))`. Verification tries the key, then
 * each fallback key, in constant time.
 *
 * @throws {ConfigError} at construction for a missing key, an empty fallback key, an unsafe
 *   separator or an unknown algorithm.
 * @example
 * const signer = new Signer({ key: process.env.SECRET_KEY! });
 * signer.unsign(signer.sign('hello')); // 'hello'
 */
export class Signer {
  /** Salt used when none is given (Django: `module.ClassName`). */
  static readonly defaultSalt: string = 'django.core.signing.Signer';

  readonly #key: BytesLike;
  readonly #fallbackKeys: readonly BytesLike[];
  readonly #sep: string;
  readonly #salt: string;
  /** Django's `self.salt + "signer"`, the key salt of every signature. */
  readonly #keySalt: string;
  readonly #algorithm: string;

  constructor(options: SignerOptions) {
    if (typeof options !== 'object' || options === null)
      throw new ConfigError('Signer needs an options object with a key.');
    this.#key = checkKey(options.key, 'The signing key');
    const fallbackKeys = options.fallbackKeys ?? [];
    if (!Array.isArray(fallbackKeys)) throw new ConfigError('fallbackKeys must be an array.');
    this.#fallbackKeys = fallbackKeys.map((key, i) => checkKey(key, `fallbackKeys[${i}]`));
    const sep = options.sep ?? ':';
    if (typeof sep !== 'string' || UNSAFE_SEPARATOR.test(sep)) {
      throw new ConfigError(
        `Unsafe Signer separator: ${JSON.stringify(sep)} (cannot be empty or consist of only A-z0-9-_=)`,
      );
    }
    this.#sep = sep;
    // Django: `salt or default`, so an empty salt also means the default.
    this.#salt = options.salt || (new.target as typeof Signer).defaultSalt;
    this.#keySalt = `${this.#salt}signer`;
    this.#algorithm = options.algorithm || 'sha256';
    resolveAlgorithm(this.#algorithm);
  }

  /** The separator between value and signature. */
  get sep(): string {
    return this.#sep;
  }

  /** The salt in use. */
  get salt(): string {
    return this.#salt;
  }

  /** The hashlib name of the HMAC hash. */
  get algorithm(): string {
    return this.#algorithm;
  }

  /** The base64url signature of `value` with `key` (Django: `key or self.key`). */
  signature(value: string, key?: BytesLike): string {
    const secret = key === undefined || key.length === 0 ? this.#key : key;
    return b64Encode(saltedHmac(this.#keySalt, value, secret, this.#algorithm));
  }

  /** `value + sep + signature(value)`. */
  sign(value: string): string {
    return `${value}${this.#sep}${this.signature(value)}`;
  }

  /**
   * The value of a signed string, after checking its signature against the key and each fallback key.
   * @throws {BadSignature} when the separator is missing or no key produces the signature.
   */
  unsign(signed: string): string {
    const at = typeof signed === 'string' ? signed.lastIndexOf(this.#sep) : -1;
    if (at < 0) throw new BadSignature(`No "${this.#sep}" found in value`);
    const value = signed.slice(0, at);
    const sig = signed.slice(at + this.#sep.length);
    if (constantTimeCompare(sig, this.signature(value, this.#key))) return value;
    for (const key of this.#fallbackKeys) {
      if (constantTimeCompare(sig, this.signature(value, key))) return value;
    }
    throw new BadSignature(`Signature "${sig}" does not match`);
  }

  /**
   * Serialize, optionally compress, base64url-encode and sign a value (Django's `sign_object`).
   * @throws {SerializationError} when the value cannot be serialized.
   */
  signObject(value: unknown, options: SignObjectOptions = {}): string {
    return this.sign(encodePayload(value, options.serializer ?? jsonSerializer, options.compress ?? false));
  }

  /**
   * Verify and decode a value made by {@link Signer.signObject} (Django's `unsign_object`). Nothing is
   * decompressed or parsed before the signature verifies.
   * @throws {BadSignature} when the signature does not verify.
   * @throws {MalformedPayload} when the verified payload cannot be decoded.
   */
  unsignObject(signed: string, options: UnsignObjectOptions = {}): unknown {
    const maxBytes = checkMaxDecompressedBytes(options.maxDecompressedBytes);
    return decodePayload(this.unsign(signed), options.serializer ?? jsonSerializer, maxBytes);
  }
}

/** Options of {@link TimestampSigner}. */
export interface TimestampSignerOptions extends SignerOptions {
  /** The clock, in milliseconds since the epoch. @default Date.now */
  now?: (() => number) | undefined;
}

/** Options of {@link TimestampSigner.unsign}. */
export interface TimestampUnsignOptions {
  /** Refuse signatures older than this many seconds (age > maxAge). @default no limit */
  maxAge?: number | null | undefined;
}

/**
 * A {@link Signer} that also signs the time (Django's `TimestampSigner`):
 * `value + sep + base62(unixSeconds) + sep + signature`.
 *
 * Unlike Django, a verified value without a timestamp separator or with a bad base62 timestamp throws
 * {@link BadSignature} rather than a generic error.
 * @example
 * const signer = new TimestampSigner({ key: process.env.SECRET_KEY! });
 * signer.unsign(signer.sign('hello'), { maxAge: 60 }); // 'hello'
 */
export class TimestampSigner extends Signer {
  /** Salt used when none is given. */
  static override readonly defaultSalt: string = 'django.core.signing.TimestampSigner';

  readonly #now: () => number;

  constructor(options: TimestampSignerOptions) {
    super(options);
    const now = options.now ?? Date.now;
    if (typeof now !== 'function') throw new ConfigError('now must be a function returning milliseconds.');
    this.#now = now;
  }

  /** The current time as base62 seconds (Django: `b62_encode(int(time.time()))`). */
  timestamp(): string {
    return b62Encode(Math.trunc(this.#now() / 1000));
  }

  /** `value + sep + timestamp()`, signed. */
  override sign(value: string): string {
    return super.sign(`${value}${this.sep}${this.timestamp()}`);
  }

  /**
   * The value of a timestamped signed string.
   * @throws {BadSignature} when the signature does not verify or the timestamp is missing or invalid.
   * @throws {SignatureExpired} when `maxAge` is given and the signature is older (strictly).
   * @throws {ConfigError} when `maxAge` is not a number.
   */
  override unsign(signed: string, options: TimestampUnsignOptions = {}): string {
    const result = super.unsign(signed);
    const at = result.lastIndexOf(this.sep);
    if (at < 0) throw new BadSignature('Timestamp missing from signed value');
    let timestamp: number;
    try {
      timestamp = b62Decode(result.slice(at + this.sep.length));
    } catch (error) {
      throw new BadSignature('Invalid timestamp in signed value', { cause: error });
    }
    const { maxAge } = options;
    if (maxAge !== undefined && maxAge !== null) {
      if (typeof maxAge !== 'number') throw new ConfigError('maxAge must be a number of seconds.');
      const age = this.#now() / 1000 - timestamp;
      if (age > maxAge) {
        // Worded as Django's message, with Python's float formatting of the age.
        const limit = Number.isInteger(maxAge) ? String(maxAge) : pythonFloatRepr(maxAge);
        throw new SignatureExpired(`Signature age ${pythonFloatRepr(age)} > ${limit} seconds`);
      }
    }
    return result.slice(0, at);
  }

  /**
   * Verify and decode a value made by {@link Signer.signObject}, refusing it when older than `maxAge`.
   * @throws {BadSignature} / {@link SignatureExpired} / {@link MalformedPayload} as for `unsign` and
   *   {@link Signer.unsignObject}.
   */
  override unsignObject(signed: string, options: UnsignObjectOptions & TimestampUnsignOptions = {}): unknown {
    const maxBytes = checkMaxDecompressedBytes(options.maxDecompressedBytes);
    return decodePayload(this.unsign(signed, options), options.serializer ?? jsonSerializer, maxBytes);
  }
}
