/**
 * express-session's options, validated once and mapped onto sessionkit's settings. Defaults are
 * express-session's, except where sessionkit's rules are stricter (the secret's length) or where there
 * is no express-session counterpart (the store is a sessionkit store, see {@link ExpressSessionOptions.store}).
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { ConfigError } from '../core/errors.js';
import { generateSessionKey } from '../core/keys.js';
import type { Logger } from '../core/logger.js';
import type { SessionOptions } from '../core/manager.js';
import { MIN_SECRET_LENGTH } from '../core/settings.js';
import type { AnyStore } from '../stores/types.js';

/** The `Priority` attribute (a Chrome extension of RFC 6265). */
export type CookiePriority = 'low' | 'medium' | 'high';

/** express-session's `SameSite` values: `true` is `Strict`, `false` omits it, `'auto'` is `None` over HTTPS, else `Lax`. */
export type CookieSameSite = boolean | 'lax' | 'strict' | 'none' | 'auto';

/** The session cookie's attributes (express-session's `cookie` option). */
export interface CookieOptions {
  /** `Domain`. @default none (host-only cookie) */
  domain?: string | undefined;
  /** A fixed `Expires` date (express-session advises `maxAge` instead). @default none */
  expires?: Date | null | undefined;
  /** `HttpOnly`. @default true */
  httpOnly?: boolean | undefined;
  /** Lifetime in milliseconds; `null` for a browser-session cookie. @default null */
  maxAge?: number | null | undefined;
  /** `Partitioned` (CHIPS). @default false */
  partitioned?: boolean | undefined;
  /** `Path`; requests outside it get no session. @default '/' */
  path?: string | undefined;
  /** `Priority`. @default none */
  priority?: CookiePriority | undefined;
  /** `SameSite`. @default false (no attribute) */
  sameSite?: CookieSameSite | undefined;
  /** `Secure`; `'auto'` follows the request's protocol (see {@link ExpressSessionOptions.proxy}). @default false */
  secure?: boolean | 'auto' | undefined;
}

/** Options of `session()`: express-session's, with a sessionkit store. */
export interface ExpressSessionOptions {
  /**
   * The secret: signs the session data in the store (Django's `SECRET_KEY`). An array rotates: the first
   * signs, the others still verify. Each must be at least 32 characters (sessionkit refuses shorter ones);
   * use the Django site's `SECRET_KEY` to share sessions with it.
   */
  secret: string | readonly string[];
  /** Cookie name. @default 'connect.sid' */
  name?: string | undefined;
  /** Cookie attributes, or a function of the request returning them. @default { path: '/', httpOnly: true, secure: false, maxAge: null } */
  cookie?: CookieOptions | ((req: IncomingMessage) => CookieOptions) | undefined;
  /**
   * Mints a new session ID: 8 to 40 characters of `[A-Za-z0-9_-]` (what Django's `session_key` column
   * holds and a cookie carries unquoted). @default 32 random characters of `[a-z0-9]`, as Django
   */
  genid?: ((req: IncomingMessage) => string) | undefined;
  /**
   * Trust `X-Forwarded-Proto` for `secure: 'auto'`: `true` reads it, `false` only trusts a direct TLS
   * connection, unset follows Express's `trust proxy` setting (`req.secure`). @default undefined
   */
  proxy?: boolean | undefined;
  /** Save the session on every request, even unchanged. @default true (as express-session; `false` is advised) */
  resave?: boolean | undefined;
  /** Send the cookie (and save, to extend the stored expiry) on every response. @default false */
  rolling?: boolean | undefined;
  /** Save new sessions that hold no data yet. @default true (as express-session; `false` is advised) */
  saveUninitialized?: boolean | undefined;
  /**
   * A sessionkit store URL (`sqlite:./sessions.db`, `redis://127.0.0.1:6379`, `postgres://…`, `memory:`)
   * or a sessionkit store instance. express-session stores (connect-redis …) are not accepted: their
   * records are not Django's. @default 'sqlite:./sessions.sqlite3' (sessionkit's default)
   */
  store?: string | AnyStore | undefined;
  /** What deleting `req.session` (or setting it to `null`) does: `'destroy'` deletes the stored session. @default 'keep' */
  unset?: 'keep' | 'destroy' | undefined;
  /** sessionkit's logger (tampered data, save failures). @default console */
  logger?: Logger | undefined;
}

/** The validated options. */
export interface ResolvedOptions {
  readonly name: string;
  readonly cookie: CookieOptions | ((req: IncomingMessage) => CookieOptions);
  readonly genid: (req: IncomingMessage) => string;
  readonly proxy: boolean | undefined;
  readonly resave: boolean;
  readonly rolling: boolean;
  readonly saveUninitialized: boolean;
  readonly unset: 'keep' | 'destroy';
  /** What {@link createSessionManager} gets. */
  readonly manager: SessionOptions;
}

const KNOWN = new Set([
  'secret',
  'name',
  'cookie',
  'genid',
  'proxy',
  'resave',
  'rolling',
  'saveUninitialized',
  'store',
  'unset',
  'logger',
]);

const COOKIE_KNOWN = new Set([
  'domain',
  'expires',
  'httpOnly',
  'maxAge',
  'partitioned',
  'path',
  'priority',
  'sameSite',
  'secure',
]);

/** Two weeks, sessionkit's (and Django's) default: the stored lifetime of browser-session cookies. */
const DEFAULT_STORED_AGE = 1_209_600;

function optionalBoolean(options: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new ConfigError(`${key} must be true or false, not ${JSON.stringify(value)}.`);
  return value;
}

/**
 * Check a cookie options object (static, or what a `cookie` function returned).
 * @throws {ConfigError} naming the bad attribute.
 */
export function checkCookieOptions(cookie: unknown): CookieOptions {
  if (cookie === undefined) return {};
  if (typeof cookie !== 'object' || cookie === null)
    throw new ConfigError('cookie must be an object or a function.');
  const c = cookie as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (!COOKIE_KNOWN.has(key))
      throw new ConfigError(
        `Unknown cookie option ${JSON.stringify(key)} (known: ${[...COOKIE_KNOWN].join(', ')}).`,
      );
  }
  const bad = (key: string, what: string): never => {
    throw new ConfigError(`cookie.${key} must be ${what}, not ${JSON.stringify(c[key])}.`);
  };
  if (c.maxAge != null && (typeof c.maxAge !== 'number' || !Number.isFinite(c.maxAge)))
    bad('maxAge', 'milliseconds or null');
  if (c.expires != null && !(c.expires instanceof Date && Number.isFinite(c.expires.getTime())))
    bad('expires', 'a Date or null');
  if (c.path !== undefined && (typeof c.path !== 'string' || !c.path.startsWith('/')))
    bad('path', "a path starting with '/'");
  if (c.domain !== undefined && typeof c.domain !== 'string') bad('domain', 'a string');
  for (const key of ['httpOnly', 'partitioned'] as const)
    if (c[key] !== undefined && typeof c[key] !== 'boolean') bad(key, 'true or false');
  if (c.secure !== undefined && typeof c.secure !== 'boolean' && c.secure !== 'auto')
    bad('secure', "true, false or 'auto'");
  if (c.priority !== undefined && !['low', 'medium', 'high'].includes(String(c.priority).toLowerCase()))
    bad('priority', "'low', 'medium' or 'high'");
  if (
    c.sameSite !== undefined &&
    typeof c.sameSite !== 'boolean' &&
    !['lax', 'strict', 'none', 'auto'].includes(String(c.sameSite).toLowerCase())
  )
    bad('sameSite', "true, false, 'lax', 'strict', 'none' or 'auto'");
  return c as CookieOptions;
}

/** The secrets, checked here so the message names express-session's option. */
function checkSecrets(secret: unknown): string[] {
  const list =
    typeof secret === 'string' ? [secret] : Array.isArray(secret) ? [...(secret as unknown[])] : null;
  if (list === null || list.length === 0) {
    throw new ConfigError(
      `secret is required: a random string of at least ${MIN_SECRET_LENGTH} characters (or an array, the first signing). ` +
        "Generate one with `node -e \"console.log(require('node:crypto').randomBytes(48).toString('base64url'))\"`.",
    );
  }
  for (const [i, value] of list.entries()) {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(
        `secret${typeof secret === 'string' ? '' : `[${i}]`} must be a string of at least ${MIN_SECRET_LENGTH} characters: ` +
          'sessionkit signs the stored session data with it (as Django signs with SECRET_KEY), so a short one could be guessed. ' +
          'Generate a long random one; existing express-session sessions end at the switch anyway.',
      );
    }
  }
  return list as string[];
}

function checkStore(store: unknown): string | AnyStore | undefined {
  if (store === undefined || typeof store === 'string') return store;
  const candidate = store as { kind?: unknown };
  // A signed-cookie store is refused once resolved (a URL can name one too).
  if (
    typeof store === 'object' &&
    store !== null &&
    (candidate.kind === 'server' || candidate.kind === 'cookie')
  )
    return store as AnyStore;
  throw new ConfigError(
    'store must be a sessionkit store URL (e.g. "redis://127.0.0.1:6379", "sqlite:./sessions.db", "memory:") or a sessionkit ' +
      'store instance. express-session stores (connect-redis, MemoryStore …) keep records in their own format: use the ' +
      'sessionkit store for the same backend.',
  );
}

/**
 * Validate express-session options and map them onto sessionkit's.
 * @throws {ConfigError} for an unknown option or an invalid value.
 */
export function resolveOptions(options: ExpressSessionOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('session() needs an options object with at least { secret }.');
  }
  const o = options as unknown as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key) && o[key] !== undefined)
      throw new ConfigError(`Unknown option ${JSON.stringify(key)} (known: ${[...KNOWN].join(', ')}).`);
  }
  const [secretKey, ...secretKeyFallbacks] = checkSecrets(o.secret) as [string, ...string[]];
  const name = o.name ?? 'connect.sid';
  if (typeof name !== 'string') throw new ConfigError('name must be a string.');
  const cookie =
    typeof o.cookie === 'function' ? (o.cookie as ResolvedOptions['cookie']) : checkCookieOptions(o.cookie);
  const genid = o.genid ?? (() => generateSessionKey());
  if (typeof genid !== 'function') throw new ConfigError('genid must be a function returning a string.');
  if (o.proxy !== undefined && typeof o.proxy !== 'boolean')
    throw new ConfigError('proxy must be true, false or undefined.');
  const unset = o.unset ?? 'keep';
  if (unset !== 'keep' && unset !== 'destroy')
    throw new ConfigError(`unset must be 'keep' or 'destroy', not ${JSON.stringify(unset)}.`);
  const store = checkStore(o.store);
  // The stored lifetime follows a static maxAge; per-session lifetimes go to `_session_expiry`.
  const maxAge = typeof cookie === 'function' ? null : cookie.maxAge;
  const cookieAge = typeof maxAge === 'number' ? Math.max(1, Math.round(maxAge / 1000)) : DEFAULT_STORED_AGE;
  const resave = optionalBoolean(o, 'resave', true);
  const rolling = optionalBoolean(o, 'rolling', false);
  const manager: SessionOptions = {
    secretKey,
    secretKeyFallbacks,
    cookieName: name,
    cookieAge,
    ...(store === undefined ? {} : { store }),
    ...(o.logger === undefined ? {} : { logger: o.logger as Logger }),
    // express-session's `rolling` without `resave`: an unchanged session is touched, not saved again
    // (see docs/rolling.md).
    ...(rolling && !resave ? { rolling: 'touch' as const } : {}),
  };
  return {
    name,
    cookie,
    genid: genid as ResolvedOptions['genid'],
    proxy: o.proxy as boolean | undefined,
    resave,
    rolling,
    saveUninitialized: optionalBoolean(o, 'saveUninitialized', true),
    unset,
    manager,
  };
}

/** What a session ID may look like: Django's `session_key` is at most 40 characters; no cookie quoting needed. */
const SESSION_ID = /^[A-Za-z0-9_-]{8,40}$/;

/**
 * A new session ID from `genid`, checked.
 * @throws {ConfigError} when `genid` returned something a cookie and Django's table cannot hold.
 */
export function newSessionId(options: ResolvedOptions, req: IncomingMessage): string {
  const id = options.genid(req);
  if (typeof id !== 'string' || !SESSION_ID.test(id)) {
    throw new ConfigError(
      `genid returned ${JSON.stringify(id)}; a session ID must be 8 to 40 characters of [A-Za-z0-9_-].`,
    );
  }
  return id;
}
