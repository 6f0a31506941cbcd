/**
 * sessionkit: Django's session framework for Node.js.
 *
 * @example
 * import { createSessionManager } from 'sessionkit';
 * const sessions = createSessionManager({ secretKey: process.env.SECRET_KEY!, store: 'sqlite:./sessions.db' });
 * const session = sessions.open(cookieValue);
 * await session.set('visits', ((await session.get('visits')) ?? 0) + 1);
 * await session.save();
 * @module
 */
export type { SessionCodec, SessionData } from './core/codec.js';
export {
  BadSignature,
  ConfigError,
  CookieTooLarge,
  CreateError,
  DataLimitExceeded,
  hasErrorCode,
  InvalidSessionKey,
  MalformedPayload,
  NotSupported,
  SerializationError,
  SessionError,
  type SessionErrorOptions,
  SessionInterrupted,
  SessionKeyMissing,
  SignatureExpired,
  STORE_UNAVAILABLE_MESSAGE,
  StoreUnavailable,
  UpdateError,
} from './core/errors.js';
export type {
  SessionEvent,
  SessionEventListener,
  SessionEventType,
  SessionOperation,
} from './core/events.js';
export {
  computeExpiryAge,
  computeExpiryDate,
  type Duration,
  EXPIRY_KEY,
  type ExpirySetting,
  parsePythonIsoformat,
  toPythonIsoformat,
} from './core/expiry.js';
export { generateSessionKey, isValidSessionKey, SESSION_KEY_LENGTH, VALID_KEY_CHARS } from './core/keys.js';
export { consoleLogger, type Logger, silentLogger } from './core/logger.js';
export {
  createSessionManager,
  DEFAULT_STORE_URL,
  SessionManager,
  type SessionOptions,
} from './core/manager.js';
export { type Concurrency, LockTimeout, SaveConflict } from './core/merge.js';
export {
  type ExpiryOverrides,
  type LockOptions,
  type SaveOptions,
  Session,
  type SessionChanges,
  type SessionContext,
  TEST_COOKIE_NAME,
  TEST_COOKIE_VALUE,
} from './core/session.js';
export {
  DEFAULT_KEY_SALT,
  MIN_SECRET_LENGTH,
  type ResolvedSettings,
  resolveSettings,
  type SameSite,
  type Serializer,
  type SessionSettings,
} from './core/settings.js';
export {
  knownStoreSchemes,
  parseStoreUrl,
  resolveStore,
  type StoreFactory,
  type StoreUrl,
} from './stores/resolve.js';
export type {
  AnyStore,
  ClearExpiredContext,
  CookieStore,
  DataFormat,
  ExpectedRecord,
  ReplaceOutcome,
  SessionRecord,
  SessionStore,
  StoredSession,
  StoreLock,
  StoreLockOptions,
  TouchRecord,
} from './stores/types.js';
