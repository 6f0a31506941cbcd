/**
 * `sessionkit/signing`: byte-compatible port of Django's `django.core.signing` (spec §3).
 *
 * @example
 * import { dumps, loads } from 'sessionkit/signing';
 * const token = dumps({ userId: 42 }, { key: process.env.SECRET_KEY!, salt: 'password-reset' });
 * const data = loads(token, { key: process.env.SECRET_KEY!, salt: 'password-reset', maxAge: 3600 });
 * @module
 */
export { BadSignature, DataLimitExceeded, MalformedPayload, SignatureExpired } from '../core/errors.js';
export { BASE62_ALPHABET, b62Decode, b62Encode } from './base62.js';
export { b64Decode, b64Encode } from './base64url.js';
export { DEFAULT_DUMPS_SALT, type DumpsOptions, dumps, type LoadsOptions, loads } from './dumps.js';
export { DEFAULT_MAX_DATA_DEPTH, type JsonLimits } from './json-limits.js';
export { DEFAULT_MAX_DECOMPRESSED_BYTES } from './payload.js';
export { pythonFloatRepr } from './python-float.js';
export { pythonJsonDumps, pythonJsonLoads } from './python-json.js';
export { type BytesLike, constantTimeCompare, type HashAlgorithm, saltedHmac } from './salted-hmac.js';
export { createJsonSerializer, type JsonSerializer, jsonSerializer } from './serializer.js';
export {
  Signer,
  type SignerOptions,
  type SignObjectOptions,
  TimestampSigner,
  type TimestampSignerOptions,
  type TimestampUnsignOptions,
  type UnsignObjectOptions,
} from './signer.js';
