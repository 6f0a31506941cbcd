/**
 * Django's `salted_hmac` and `constant_time_compare` (`django/utils/crypto.py`).
 * @module
 */
import {
  createHash,
  createHmac,
  createSecretKey,
  getHashes,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto';
import { ConfigError } from '../core/errors.js';

/** A key, salt or message: a string (encoded as UTF-8, like Django's `force_bytes`) or bytes. */
export type BytesLike = string | Uint8Array;

/**
 * Hash algorithm names as Django passes them to `hashlib` (`getattr(hashlib, algorithm)`).
 * Django's signing uses `'sha256'`; `salted_hmac` defaults to `'sha1'`.
 */
export type HashAlgorithm =
  | 'md5'
  | 'sha1'
  | 'sha224'
  | 'sha256'
  | 'sha384'
  | 'sha512'
  | 'sha3_224'
  | 'sha3_256'
  | 'sha3_384'
  | 'sha3_512'
  | 'blake2b'
  | 'blake2s';

// hashlib attribute name -> node:crypto (OpenSSL) name. hashlib's blake2b/blake2s default to full-size digests.
const NODE_NAMES: Readonly<Record<HashAlgorithm, string>> = {
  md5: 'md5',
  sha1: 'sha1',
  sha224: 'sha224',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sha3_224: 'sha3-224',
  sha3_256: 'sha3-256',
  sha3_384: 'sha3-384',
  sha3_512: 'sha3-512',
  blake2b: 'blake2b512',
  blake2s: 'blake2s256',
};

const resolved = new Map<string, string>();

/**
 * The node:crypto name for a hashlib algorithm name.
 * @throws {ConfigError} for an algorithm hashlib (or this Node build) does not offer, as Django raises
 *   `InvalidAlgorithm`.
 */
export function resolveAlgorithm(algorithm: string): string {
  const known = resolved.get(algorithm);
  if (known !== undefined) return known;
  const name = Object.hasOwn(NODE_NAMES, algorithm) ? NODE_NAMES[algorithm as HashAlgorithm] : undefined;
  if (name === undefined || !getHashes().includes(name)) {
    throw new ConfigError(`'${algorithm}' is not an algorithm accepted by the hashlib module.`);
  }
  resolved.set(algorithm, name);
  return name;
}

function toBuffer(value: BytesLike): Buffer {
  return typeof value === 'string'
    ? Buffer.from(value, 'utf8')
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * Django's `salted_hmac(key_salt, value, secret, algorithm=...).digest()`: HMAC of `value` keyed with
 * `hash(keySalt + secret)` (the derived key is always hashed, whatever its length).
 * @param algorithm hashlib name. @default 'sha1' (Django's default for `salted_hmac`)
 * @throws {ConfigError} for an unknown algorithm.
 * @example
 * saltedHmac('django.contrib.sessions.SessionStoresigner', 'eyJhIjoxfQ:1r31eq', secret, 'sha256');
 */
export function saltedHmac(
  keySalt: BytesLike,
  value: BytesLike,
  secret: BytesLike,
  algorithm: HashAlgorithm | (string & Record<never, never>) = 'sha1',
): Buffer {
  const name = resolveAlgorithm(algorithm);
  return createHmac(name, derivedKey(name, keySalt, secret))
    .update(toBuffer(value))
    .digest();
}

/**
 * Derived keys by algorithm, salt and secret: the same few are used for every request. Kept as
 * `KeyObject`s: Node 24 imports a Buffer HMAC key on every `createHmac` call at several times the cost
 * of the HMAC itself (bench/signing.ts), a KeyObject once.
 */
const derivedKeys = new Map<string, Map<string, Map<string, KeyObject>>>();
const MAX_DERIVED_KEYS = 256;
let derivedKeyCount = 0;

/**
 * `hash(keySalt + secret)`, cached for string inputs (bytes inputs are hashed every time). Looked up by
 * algorithm, then salt, then secret: the strings a request passes are the same objects every time, whose
 * hashes V8 keeps, where one key string built from the three would be built and hashed on every call.
 */
function derivedKey(name: string, keySalt: BytesLike, secret: BytesLike): KeyObject | Buffer {
  const cacheable = typeof keySalt === 'string' && typeof secret === 'string';
  const bySecret = cacheable ? derivedKeys.get(name)?.get(keySalt) : undefined;
  const cached = bySecret?.get(secret as string);
  if (cached !== undefined) return cached;
  const key = createHash(name).update(toBuffer(keySalt)).update(toBuffer(secret)).digest();
  if (!cacheable) return key;
  const keyObject = createSecretKey(key);
  if (derivedKeyCount >= MAX_DERIVED_KEYS) {
    derivedKeys.clear();
    derivedKeyCount = 0;
  }
  let bySalt = derivedKeys.get(name);
  if (bySalt === undefined) {
    bySalt = new Map();
    derivedKeys.set(name, bySalt);
  }
  let secrets = bySalt.get(keySalt as string);
  if (secrets === undefined) {
    secrets = new Map();
    bySalt.set(keySalt as string, secrets);
  }
  secrets.set(secret as string, keyObject);
  derivedKeyCount++;
  return keyObject;
}

/**
 * Django's `constant_time_compare` (`secrets.compare_digest` over UTF-8 bytes): the time taken does
 * not depend on where the inputs differ. Inputs of different lengths compare unequal at once (the
 * length is not secret).
 */
export function constantTimeCompare(a: BytesLike, b: BytesLike): boolean {
  const left = toBuffer(a);
  const right = toBuffer(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
