/**
 * Settings, with Django's names and defaults (spec §6) in camelCase. {@link resolveSettings} validates
 * them once, at construction, and throws a {@link ConfigError} that says how to fix a mistake.
 * @module
 */
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
  /** Django's `SECRET_KEY`: signs session data. At least 32 characters; keep it secret. */
  secretKey: string;
  /** Django's `SECRET_KEY_FALLBACKS`: older keys still accepted when verifying (key rotation). @default [] */
  secretKeyFallbacks?: readonly string[];
  /** Cookie name; also the file store's filename prefix. @default 'sessionid' */
  cookieName?: string;
  /** Session lifetime in seconds when no custom expiry is set. @default 1209600 (two weeks) */
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
  readonly keySalt: string;
  readonly serializer: Serializer | null;
  readonly logger: Logger;
  readonly now: () => number;
  readonly trustProxy: boolean;
}

/** Django's default salt for session data (`django.contrib.sessions.SessionStore`). */
export const DEFAULT_KEY_SALT = 'django.contrib.sessions.SessionStore';

/** Shortest secret accepted. Django's own deployment check asks for 50. */
export const MIN_SECRET_LENGTH = 32;

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

function checkAge(age: unknown): number {
  if (typeof age !== 'number' || !Number.isInteger(age)) {
    throw new ConfigError(`cookieAge must be a whole number of seconds, not ${JSON.stringify(age)}.`);
  }
  return age;
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
  return {
    secretKey,
    secretKeyFallbacks: [...fallbacks],
    cookieName,
    cookieAge: checkAge(options.cookieAge ?? 1_209_600),
    cookieDomain,
    cookieSecure,
    cookiePath,
    cookieHttpOnly: options.cookieHttpOnly ?? true,
    cookieSameSite,
    saveEveryRequest: options.saveEveryRequest ?? false,
    expireAtBrowserClose: options.expireAtBrowserClose ?? false,
    keySalt: options.keySalt ?? DEFAULT_KEY_SALT,
    serializer: options.serializer ?? null,
    logger: options.logger ?? consoleLogger,
    now: options.now ?? Date.now,
    trustProxy: options.trustProxy ?? false,
  };
}
