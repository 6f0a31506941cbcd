/**
 * Settings, with Django's names and defaults (spec §6) in camelCase. {@link resolveSettings} validates
 * them once, at construction, and throws a {@link ConfigError} that says how to fix a mistake.
 * @module
 */
import { DEFAULT_MAX_DATA_DEPTH, MAX_DATA_DEPTH_LIMIT } from '../signing/json-limits.js';
import { createJsonSerializer } from '../signing/serializer.js';
import { ConfigError } from './errors.js';
import { consoleLogger, type Logger } from './logger.js';

/** `SameSite` values a session cookie may carry; `false` omits the attribute. */
export type SameSite = 'Lax' | 'Strict' | 'None' | false;

/** A serializer for session data: Django's JSONSerializer by default. */
export interface Serializer {
  /** Encode a session dict to text (ASCII for Django compatibility). */
  dumps(value: unknown): string;
  /** Decode text produced by `dumps`; throw on invalid input. */
  loads(text: string): unknown;
}

/** Session settings. Only `secretKey` is required. */
export interface SessionSettings {
  /**
   * Django's `SECRET_KEY`: signs session data. At least 32 characters (refused below); a key Django's
   * deployment check calls weak (under 50 characters, under 5 distinct ones, `django-insecure-`) is
   * accepted with a warning, so a Django site's existing key keeps working. Keep it secret.
   */
  secretKey: string;
  /** Django's `SECRET_KEY_FALLBACKS`: older keys still accepted when verifying (key rotation). @default [] */
  secretKeyFallbacks?: readonly string[];
  /** Cookie name; also the file store's filename prefix. @default 'sessionid' */
  cookieName?: string;
  /**
   * Session lifetime in seconds when no custom expiry is set: a whole number from 0 to 315360000 (ten
   * years; every store's date arithmetic holds well past that). 0 expires sessions at once, as Django's
   * own tests use it. Browsers keep a cookie at most 400 days.
   * @default 1209600 (two weeks)
   */
  cookieAge?: number;
  /** Cookie `Domain`, e.g. `.example.com` to share across subdomains. @default null */
  cookieDomain?: string | null;
  /** Cookie `Secure`. `'auto'`: Secure when the request arrived over HTTPS (see `trustProxy`). @default false */
  cookieSecure?: boolean | 'auto';
  /** Cookie `Path`. @default '/' */
  cookiePath?: string;
  /** Cookie `HttpOnly`. @default true */
  cookieHttpOnly?: boolean;
  /** Cookie `SameSite` (`'Lax'`, `'Strict'`, `'None'`, or `false` to omit). `'None'` forces `Secure`. @default 'Lax' */
  cookieSameSite?: SameSite | 'lax' | 'strict' | 'none';
  /** Save the session (and refresh the cookie) on every request, not only when modified. @default false */
  saveEveryRequest?: boolean;
  /** Browser-length cookies when no custom expiry is set. @default false */
  expireAtBrowserClose?: boolean;
  /**
   * `'touch'`: touch-only rolling. A request that read the session and changed nothing extends its
   * expiry in the store (an `UPDATE` of `expire_date`, a Redis `PEXPIRE`, a memcached `touch`, a file's
   * mtime) without rewriting its data, at most once per `touchInterval`, and sends the cookie again with
   * the new expiry. `false`: Django's behaviour (the expiry moves only when the session is saved).
   * See docs/rolling.md. @default false
   */
  rolling?: false | 'touch';
  /**
   * With `rolling: 'touch'`: seconds that must pass since the expiry was last written (by a save or a
   * touch) before a request touches the session again; 0 touches on every request. A whole number
   * below `cookieAge` (0 when `cookieAge` is 0).
   * @default the smaller of 60 and half of `cookieAge`
   */
  touchInterval?: number;
  /**
   * Salt of the session-data signature: `"django.contrib.sessions." + <store class qualname>`. Every
   * Django built-in store uses `SessionStore`; change it only to match a custom Django store class.
   * @default 'django.contrib.sessions.SessionStore'
   */
  keySalt?: string;
  /** Serializer of session data. @default Django's JSONSerializer (`sessionkit/signing`'s `jsonSerializer`) */
  serializer?: Serializer;
  /** Where warnings (tampered data ...) go. @default console */
  logger?: Logger;
  /** The clock, in milliseconds since the epoch (inject one in tests). @default Date.now */
  now?: () => number;
  /** Trust `X-Forwarded-Proto` from a TLS-terminating proxy when `cookieSecure` is `'auto'`. @default false */
  trustProxy?: boolean;
  /**
   * Deepest nesting of session data (the data object itself is level 1), 1 to 1500. Stored data nested
   * deeper loads as an empty session with a warning; saving deeper data throws `DataLimitExceeded`.
   * Python's `json` (so Django) fails near 1000 levels (Python 3.11) or 1500 (3.12).
   * Applies to the default serializer; a custom `serializer` checks depth itself.
   * @default 1000
   */
  maxDataDepth?: number;
  /**
   * Largest serialized session data in bytes (characters of the serializer's text), 1 to 268435456.
   * Stored data over it loads as an empty session with a warning (checked before parsing or, for
   * Django's signed format, before verifying); saving more throws `DataLimitExceeded`.
   * @default 1048576 (1 MiB)
   */
  maxDataBytes?: number;
}

/** Settings after validation, with every default filled in. */
export interface ResolvedSettings {
  readonly secretKey: string;
  readonly secretKeyFallbacks: readonly string[];
  readonly cookieName: string;
  readonly cookieAge: number;
  readonly cookieDomain: string | null;
  readonly cookieSecure: boolean | 'auto';
  readonly cookiePath: string;
  readonly cookieHttpOnly: boolean;
  readonly cookieSameSite: SameSite;
  readonly saveEveryRequest: boolean;
  readonly expireAtBrowserClose: boolean;
  readonly rolling: false | 'touch';
  readonly touchInterval: number;
  readonly keySalt: string;
  readonly serializer: Serializer | null;
  readonly logger: Logger;
  readonly now: () => number;
  readonly trustProxy: boolean;
  readonly maxDataDepth: number;
  readonly maxDataBytes: number;
}

/** Django's default salt for session data (`django.contrib.sessions.SessionStore`). */
export const DEFAULT_KEY_SALT = 'django.contrib.sessions.SessionStore';

/** Shortest secret accepted. Django's own deployment check asks for 50 (a warning here). */
export const MIN_SECRET_LENGTH = 32;

/** Longest `cookieAge` accepted: ten years, in seconds. */
export const MAX_COOKIE_AGE = 10 * 365 * 24 * 3600;

/** Default `maxDataBytes`: 1 MiB, as the cap on an inflated signed payload. */
export const DEFAULT_MAX_DATA_BYTES = 1024 * 1024;

/** Default `touchInterval` in seconds (capped at half the cookie age). */
export const DEFAULT_TOUCH_INTERVAL = 60;

/** Highest `maxDataBytes` accepted (256 MiB). */
const MAX_DATA_BYTES_LIMIT = 256 * 1024 * 1024;

// Django's check_secret_key (security.W009 / W025): a key below these looks generated by hand.
const DJANGO_SECRET_MIN_LENGTH = 50;
const DJANGO_SECRET_MIN_UNIQUE = 5;
const DJANGO_INSECURE_PREFIX = 'django-insecure-';

/** RFC 6265 §4.1.1 cookie-name token characters. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkSecret(secret: unknown, what: string): string {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new ConfigError(
      `${what} is missing. Pass a long random string (at least ${MIN_SECRET_LENGTH} characters), e.g. from ` +
        "`node -e \"console.log(require('node:crypto').randomBytes(48).toString('base64url'))\"`, " +
        'or the SECRET_KEY of the Django site you share sessions with.',
    );
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `${what} is ${secret.length} characters; use at least ${MIN_SECRET_LENGTH} random characters so session signatures cannot be forged.`,
    );
  }
  return secret;
}

/** What Django's deployment check would say of `secret`, or `null` when it passes. */
export function weakSecretReason(secret: string): string | null {
  if (secret.startsWith(DJANGO_INSECURE_PREFIX)) return `starts with '${DJANGO_INSECURE_PREFIX}'`;
  if (secret.length < DJANGO_SECRET_MIN_LENGTH) return `has ${secret.length} characters`;
  const distinct = new Set(secret).size;
  if (distinct < DJANGO_SECRET_MIN_UNIQUE) return `has only ${distinct} distinct characters`;
  return null;
}

/** Warn (as Django's `check --deploy` does, not refuse) about weak keys that are long enough to accept. */
function warnWeakSecret(secret: string, what: string, logger: Logger): void {
  const reason = weakSecretReason(secret);
  if (reason === null) return;
  logger.warn(
    `${what} ${reason}; Django's deployment check asks for at least ${DJANGO_SECRET_MIN_LENGTH} random characters ` +
      `with at least ${DJANGO_SECRET_MIN_UNIQUE} distinct ones (security.W009). Generate a new one and keep the old in secretKeyFallbacks.`,
  );
}

/** An integer setting within `[min, max]`. */
function checkInteger(value: unknown, name: string, min: number, max: number, unit: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${name} must be a whole number of ${unit} from ${min} to ${max}, not ${JSON.stringify(value) ?? String(value)}.`,
    );
  }
  return value;
}

/** The `rolling` setting and its interval, validated against the cookie age. */
function checkRolling(options: SessionSettings, cookieAge: number): [false | 'touch', number] {
  const rolling = options.rolling ?? false;
  if (rolling !== false && rolling !== 'touch') {
    throw new ConfigError(`rolling must be 'touch' or false, not ${JSON.stringify(rolling)}.`);
  }
  const fallback = Math.min(DEFAULT_TOUCH_INTERVAL, Math.floor(cookieAge / 2));
  const interval = checkInteger(
    options.touchInterval ?? fallback,
    'touchInterval',
    0,
    Math.max(0, cookieAge - 1),
    'seconds (below cookieAge, or a session would expire before its first touch)',
  );
  return [rolling, interval];
}

function checkSameSite(value: unknown): SameSite {
  if (value === false || value === undefined) return value === false ? false : 'Lax';
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'lax') return 'Lax';
    if (lower === 'strict') return 'Strict';
    if (lower === 'none') return 'None';
  }
  throw new ConfigError(
    `cookieSameSite must be 'Lax', 'Strict', 'None' or false, not ${JSON.stringify(value)}.`,
  );
}

function checkCookieName(name: string): string {
  if (!COOKIE_NAME.test(name)) {
    throw new ConfigError(
      `cookieName ${JSON.stringify(name)} is not a valid cookie name (RFC 6265 §4.1.1: letters, digits and !#$%&'*+-.^_\`|~).`,
    );
  }
  return name;
}

/**
 * Validate settings and fill in Django's defaults. Cookie-prefix rules (`__Secure-`, `__Host-`) are
 * checked here too, so a misconfiguration fails at start-up rather than in a browser.
 * @throws {ConfigError} with a message that says how to fix the setting.
 */
export function resolveSettings(options: SessionSettings): ResolvedSettings {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('Session settings must be an object with at least { secretKey }.');
  }
  const secretKey = checkSecret(options.secretKey, 'secretKey');
  const fallbacks = options.secretKeyFallbacks ?? [];
  if (!Array.isArray(fallbacks)) throw new ConfigError('secretKeyFallbacks must be an array of strings.');
  for (const [i, key] of fallbacks.entries()) checkSecret(key, `secretKeyFallbacks[${i}]`);
  const cookieName = checkCookieName(options.cookieName ?? 'sessionid');
  const cookieSameSite = checkSameSite(options.cookieSameSite);
  const cookiePath = options.cookiePath ?? '/';
  const cookieDomain = options.cookieDomain ?? null;
  let cookieSecure = options.cookieSecure ?? false;
  if (cookieSecure !== true && cookieSecure !== false && cookieSecure !== 'auto') {
    throw new ConfigError(`cookieSecure must be true, false or 'auto', not ${JSON.stringify(cookieSecure)}.`);
  }
  if (cookieName.startsWith('__Secure-') || cookieName.startsWith('__Host-')) {
    if (cookieSecure === false) {
      throw new ConfigError(
        `A cookie named ${cookieName} must be Secure (RFC 6265bis §4.1.3): set cookieSecure: true (or 'auto' behind HTTPS).`,
      );
    }
  }
  if (cookieName.startsWith('__Host-') && (cookieDomain !== null || cookiePath !== '/')) {
    throw new ConfigError(
      `A cookie named ${cookieName} must have no Domain and Path=/ (RFC 6265bis §4.1.3.2): remove cookieDomain and cookiePath.`,
    );
  }
  if (cookieSameSite === 'None' && cookieSecure === false) cookieSecure = true;
  if (!cookiePath.startsWith('/'))
    throw new ConfigError(`cookiePath must start with '/', not ${JSON.stringify(cookiePath)}.`);
  const maxDataDepth = checkInteger(
    options.maxDataDepth ?? DEFAULT_MAX_DATA_DEPTH,
    'maxDataDepth',
    1,
    MAX_DATA_DEPTH_LIMIT,
    'levels',
  );
  const maxDataBytes = checkInteger(
    options.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES,
    'maxDataBytes',
    1,
    MAX_DATA_BYTES_LIMIT,
    'bytes',
  );
  const cookieAge = checkInteger(options.cookieAge ?? 1_209_600, 'cookieAge', 0, MAX_COOKIE_AGE, 'seconds');
  const [rolling, touchInterval] = checkRolling(options, cookieAge);
  const logger = options.logger ?? consoleLogger;
  warnWeakSecret(secretKey, 'secretKey', logger);
  for (const [i, key] of fallbacks.entries()) warnWeakSecret(key, `secretKeyFallbacks[${i}]`, logger);
  return {
    secretKey,
    secretKeyFallbacks: [...fallbacks],
    cookieName,
    cookieAge,
    cookieDomain,
    cookieSecure,
    cookiePath,
    cookieHttpOnly: options.cookieHttpOnly ?? true,
    cookieSameSite,
    saveEveryRequest: options.saveEveryRequest ?? false,
    expireAtBrowserClose: options.expireAtBrowserClose ?? false,
    rolling,
    touchInterval,
    keySalt: options.keySalt ?? DEFAULT_KEY_SALT,
    // A non-default depth reaches every path (signed cookies too) as the default serializer's own limit.
    serializer:
      options.serializer ??
      (maxDataDepth === DEFAULT_MAX_DATA_DEPTH ? null : createJsonSerializer({ maxDepth: maxDataDepth })),
    logger,
    now: options.now ?? Date.now,
    trustProxy: options.trustProxy ?? false,
    maxDataDepth,
    maxDataBytes,
  };
}
