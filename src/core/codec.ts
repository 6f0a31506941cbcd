/**
 * Encoding of session data for server-side stores. The `django` format is Django's signed format
 * (spec §2.1): `signing.dumps(data, salt=keySalt, compress=True)`. The `json` format is the
 * serializer's text alone, for storage no other program reads or writes (see {@link DataFormat}).
 * Decoding never throws: tampered or malformed data, and data over `maxDataDepth` / `maxDataBytes`,
 * becomes `null` plus a warning. Encoding data over those limits throws {@link DataLimitExceeded}.
 * @module
 */
import { DEFAULT_DUMPS_SALT } from '../signing/dumps.js';
import { type JsonSerializer, jsonSerializer } from '../signing/serializer.js';
import { TimestampSigner } from '../signing/signer.js';
import type { DataFormat } from '../stores/types.js';
import { BadSignature, DataLimitExceeded, SerializationError, SessionError } from './errors.js';
import type { ResolvedSettings } from './settings.js';

/** Session data: a plain object of JSON-representable values. */
export type SessionData = Record<string, unknown>;

/** Encodes and decodes session data with the settings' secret keys and salt. */
export interface SessionCodec {
  /** Django's `SessionBase.encode`: signed, timestamped, compressed when that saves space. */
  encode(data: SessionData): string;
  /**
   * Django's `SessionBase.decode`: the data, or `null` when the signature does not verify (logged as
   * "Session data corrupted") or the payload is not a JSON object (logged too).
   */
  decode(text: string): SessionData | null;
}

/** Whether `value` is a plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is SessionData {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Build the codec for a settings object and a store's data format.
 *
 * The `json` codec writes the serializer's text (Django's JSONSerializer by default, so the same
 * values are accepted or refused as with every other store) with no signature and no compression.
 * It reads its own text and, so that switching a store's format keeps live
 * sessions, Django's signed format too. The `django` codec reads signed data only: unsigned text in
 * a store shared with Django is refused as corrupted.
 */
export function createCodec(settings: ResolvedSettings, format: DataFormat = 'django'): SessionCodec {
  const signed = createSignedCodec(settings);
  return format === 'json' ? createJsonCodec(settings, signed) : signed;
}

/** Django's signed format: `[.]base64url:base62 timestamp:base64url SHA-256 signature`. */
const SIGNED_SHAPE = /^\.?[\w-]*:[0-9A-Za-z]+:[\w-]{43}$/;

/** The warning of refused data: a security event, as Django logs tampered data to `django.security`. */
function warnRefused(settings: ResolvedSettings, error: DataLimitExceeded): null {
  settings.logger.warn('Session data refused: over the data limits; using an empty session', {
    security: true,
    limit: error.limit,
    max: error.max,
  });
  return null;
}

/**
 * The serializer with the `maxDataBytes` check on both sides (and the default serializer's own depth
 * check): text over the limit is never parsed, and data over it is never written.
 */
function limitedSerializer(settings: ResolvedSettings): JsonSerializer {
  const serializer = settings.serializer ?? jsonSerializer;
  const max = settings.maxDataBytes;
  return {
    dumps(value) {
      const text = serializer.dumps(value);
      if (typeof text === 'string' && text.length > max) throw new DataLimitExceeded('maxDataBytes', max);
      return text;
    },
    loads(text) {
      if (text.length > max) throw new DataLimitExceeded('maxDataBytes', max);
      return serializer.loads(text);
    },
  };
}

function createJsonCodec(settings: ResolvedSettings, signed: SessionCodec): SessionCodec {
  const serializer = limitedSerializer(settings);
  return {
    encode(data) {
      try {
        return serializer.dumps(data);
      } catch (error) {
        if (error instanceof SessionError) throw error;
        throw new SerializationError('The serializer could not serialize the value', { cause: error });
      }
    },
    decode(text) {
      if (typeof text !== 'string') {
        settings.logger.warn('Session data corrupted', { type: typeof text });
        return null;
      }
      if (text.charCodeAt(0) !== 0x7b /* { */ && SIGNED_SHAPE.test(text)) return signed.decode(text);
      try {
        const value = serializer.loads(text);
        if (isPlainObject(value)) return value;
        settings.logger.warn('Session data is not an object; using an empty session', { type: typeof value });
      } catch (error) {
        if (error instanceof DataLimitExceeded) return warnRefused(settings, error);
        settings.logger.warn('Session data corrupted', { error: String(error) });
      }
      return null;
    },
  };
}

/** Longest signed text whose payload can hold `maxBytes` uncompressed (base64 plus timestamp and signature). */
function maxSignedLength(maxBytes: number): number {
  return Math.ceil(maxBytes / 3) * 4 + 64;
}

function createSignedCodec(settings: ResolvedSettings): SessionCodec {
  const serializer = limitedSerializer(settings);
  const maxLength = maxSignedLength(settings.maxDataBytes);
  const signOptions = { serializer, compress: true };
  const unsignOptions = { serializer, maxDecompressedBytes: settings.maxDataBytes };
  // `signing.dumps`/`loads` with these settings, built on first use and kept: not once per request.
  let signer: TimestampSigner | null = null;
  const signerOf = (): TimestampSigner =>
    (signer ??= new TimestampSigner({
      key: settings.secretKey,
      fallbackKeys: settings.secretKeyFallbacks,
      salt: settings.keySalt ?? DEFAULT_DUMPS_SALT,
      now: settings.now,
    }));
  return {
    encode(data) {
      return signerOf().signObject(data, signOptions);
    },
    decode(text) {
      try {
        // Refused before the HMAC and base64 work that a huge record would cost.
        if (text.length > maxLength) throw new DataLimitExceeded('maxDataBytes', settings.maxDataBytes);
        const value = signerOf().unsignObject(text, unsignOptions);
        if (isPlainObject(value)) return value;
        settings.logger.warn('Session data is not an object; using an empty session', { type: typeof value });
      } catch (error) {
        const limit = error instanceof Error ? limitOf(error) : null;
        if (limit !== null) return warnRefused(settings, limit);
        if (error instanceof BadSignature) settings.logger.warn('Session data corrupted');
        else
          settings.logger.warn('Session data could not be decoded; using an empty session', {
            error: String(error),
          });
      }
      return null;
    },
  };
}

/** The {@link DataLimitExceeded} behind `error` (itself or its cause), if any. */
function limitOf(error: Error): DataLimitExceeded | null {
  if (error instanceof DataLimitExceeded) return error;
  return error.cause instanceof DataLimitExceeded ? error.cause : null;
}
