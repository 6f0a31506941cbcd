/**
 * The object payload of Django's `Signer.sign_object` / `unsign_object` (spec §2.1): serialized,
 * optionally zlib-compressed (`.` prefix), base64url without padding.
 * @module
 */
import {
  ConfigError,
  DataLimitExceeded,
  MalformedPayload,
  SerializationError,
  SessionError,
} from '../core/errors.js';
import { b64Decode, b64Encode } from './base64url.js';
import type { JsonSerializer } from './serializer.js';
import { deflate, inflate } from './zlib-fast.js';

/** Default cap on the inflated size of a compressed payload: 1 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 1024 * 1024;

/**
 * Serialize `value` and encode it as Django's `sign_object` does before signing. With `compress`,
 * zlib (level 6, like Python's `zlib.compress`) is used only when it saves at least 2 bytes, and
 * the text then starts with `.`.
 * @throws {SerializationError} when the serializer writes a character above U+00FF (Django's
 *   `.encode('latin-1')` would fail) or cannot serialize the value.
 */
export function encodePayload(value: unknown, serializer: JsonSerializer, compress: boolean): string {
  let text: string;
  try {
    text = serializer.dumps(value);
  } catch (error) {
    if (error instanceof SessionError) throw error;
    throw new SerializationError('The serializer could not serialize the value', { cause: error });
  }
  if (/[\u0100-\uffff]/.test(text)) {
    throw new SerializationError(
      'The serializer wrote a character above U+00FF, which latin-1 cannot store.',
    );
  }
  const raw = Buffer.from(text, 'latin1');
  if (compress) {
    const compressed = deflate(raw);
    if (compressed.length < raw.length - 1) return `.${b64Encode(compressed)}`;
  }
  return b64Encode(raw);
}

/**
 * Decode the text of a verified signature (call it only after the signature checked out: nothing is
 * inflated before that, as in Django). Bytes are decoded as latin-1, exactly as Django does.
 * @param maxDecompressedBytes cap on the inflated size (zip-bomb defence).
 * @throws {MalformedPayload} on bad base64, a bad or oversized zlib stream, or serializer failure
 *   (the original error is the `cause`).
 */
export function decodePayload(
  text: string,
  serializer: JsonSerializer,
  maxDecompressedBytes: number,
): unknown {
  const compressed = text.startsWith('.');
  let data = b64Decode(compressed ? text.slice(1) : text);
  if (compressed) {
    try {
      data = inflate(data, { maxOutputLength: maxDecompressedBytes });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new MalformedPayload(
          `Compressed payload inflates to more than ${maxDecompressedBytes} bytes (maxDecompressedBytes)`,
          { cause: new DataLimitExceeded('maxDataBytes', maxDecompressedBytes, { cause: error }) },
        );
      }
      throw new MalformedPayload('Invalid zlib data in payload', { cause: error });
    }
  }
  try {
    return serializer.loads(data.toString('latin1'));
  } catch (error) {
    if (error instanceof MalformedPayload || error instanceof DataLimitExceeded) throw error;
    throw new MalformedPayload('The serializer could not decode the payload', { cause: error });
  }
}

/**
 * Check a `maxDecompressedBytes` option.
 * @throws {ConfigError} unless it is a positive safe integer.
 */
export function checkMaxDecompressedBytes(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_DECOMPRESSED_BYTES;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(`maxDecompressedBytes must be a positive integer, got ${String(value)}.`);
  }
  return value;
}
