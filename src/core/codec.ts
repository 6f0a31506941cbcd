/**
 * Encoding of session data in Django's signed format (spec §2.1): `signing.dumps(data, salt=keySalt,
 * compress=True)`. Decoding never throws: tampered or malformed data becomes `null` plus a warning.
 * @module
 */
import { dumps, loads } from '../signing/dumps.js';
import { BadSignature } from './errors.js';
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

/** Build the codec for a settings object. */
export function createCodec(settings: ResolvedSettings): SessionCodec {
  const serializer = settings.serializer ?? undefined;
  return {
    encode(data) {
      return dumps(data, {
        key: settings.secretKey,
        salt: settings.keySalt,
        compress: true,
        now: settings.now,
        serializer,
      });
    },
    decode(text) {
      try {
        const value = loads(text, {
          key: settings.secretKey,
          fallbackKeys: settings.secretKeyFallbacks,
          salt: settings.keySalt,
          now: settings.now,
          serializer,
        });
        if (isPlainObject(value)) return value;
        settings.logger.warn('Session data is not an object; using an empty session', { type: typeof value });
      } catch (error) {
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
