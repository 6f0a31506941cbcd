/**
 * Django settings → sessionkit options, so a Node service lines up with a Django site from one source:
 * the secret keys, the cookie, the session engine and its storage.
 * @module
 */
import { tmpdir } from 'node:os';
import { ConfigError } from '../core/errors.js';
import type { SessionOptions } from '../core/manager.js';
import type { SameSite } from '../core/settings.js';

/** One entry of Django's `DATABASES`. */
export interface DjangoDatabaseSettings {
  ENGINE: string;
  NAME: string;
  USER?: string | null;
  PASSWORD?: string | null;
  HOST?: string | null;
  PORT?: string | number | null;
}

/**
 * The Django settings sessions depend on, as Python prints them with `json.dumps` (names unchanged).
 * Only `SECRET_KEY` is required; the others default as in Django.
 */
export interface DjangoSettings {
  SECRET_KEY: string;
  SECRET_KEY_FALLBACKS?: readonly string[] | null;
  SESSION_ENGINE?: string | null;
  SESSION_SERIALIZER?: string | null;
  SESSION_COOKIE_NAME?: string | null;
  SESSION_COOKIE_AGE?: number | null;
  SESSION_COOKIE_DOMAIN?: string | null;
  SESSION_COOKIE_SECURE?: boolean | null;
  SESSION_COOKIE_PATH?: string | null;
  SESSION_COOKIE_HTTPONLY?: boolean | null;
  SESSION_COOKIE_SAMESITE?: string | false | null;
  SESSION_SAVE_EVERY_REQUEST?: boolean | null;
  SESSION_EXPIRE_AT_BROWSER_CLOSE?: boolean | null;
  SESSION_FILE_PATH?: string | null;
  DATABASES?: Readonly<Record<string, DjangoDatabaseSettings>> | null;
}

const ENGINE_PREFIX = 'django.contrib.sessions.backends.';
const JSON_SERIALIZERS = new Set([
  'django.contrib.sessions.serializers.JSONSerializer',
  'django.core.signing.JSONSerializer',
]);

function databaseUrl(db: DjangoDatabaseSettings | undefined): string {
  if (!db) throw new ConfigError('Django settings have no DATABASES["default"]; pass a store explicitly.');
  const engine = db.ENGINE.split('.').pop() ?? '';
  if (engine === 'sqlite3') return `sqlite:${db.NAME}`;
  const scheme =
    engine.startsWith('postgres') || engine === 'postgis' ? 'postgres' : engine === 'mysql' ? 'mysql' : null;
  if (scheme === null) {
    throw new ConfigError(
      `Django database engine ${db.ENGINE} has no sessionkit store; pass a store explicitly.`,
    );
  }
  const user = db.USER ? encodeURIComponent(db.USER) : '';
  const password = db.PASSWORD ? `:${encodeURIComponent(db.PASSWORD)}` : '';
  const host = db.HOST ? (db.HOST.includes(':') ? `[${db.HOST}]` : db.HOST) : 'localhost';
  const port = db.PORT ? `:${db.PORT}` : '';
  return `${scheme}://${user}${password}${user ? '@' : ''}${host}${port}/${encodeURIComponent(db.NAME)}`;
}

function storeFor(django: DjangoSettings): string {
  const engine = django.SESSION_ENGINE ?? `${ENGINE_PREFIX}db`;
  switch (engine.startsWith(ENGINE_PREFIX) ? engine.slice(ENGINE_PREFIX.length) : engine) {
    case 'db':
    case 'cached_db':
      return databaseUrl(django.DATABASES?.default);
    case 'file':
      return `file:${django.SESSION_FILE_PATH || tmpdir()}`;
    case 'signed_cookies':
      return 'signed-cookie:';
    case 'cache':
      throw new ConfigError(
        "Django's cache session engine stores pickled Python dicts, which Node cannot share. Switch Django to " +
          'SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" (or db) and use the same database here.',
      );
    default:
      throw new ConfigError(`Unknown Django SESSION_ENGINE ${engine}; pass a store explicitly.`);
  }
}

function sameSite(value: DjangoSettings['SESSION_COOKIE_SAMESITE']): SameSite | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === false) return false;
  return value as SameSite;
}

/**
 * sessionkit options equivalent to a Django site's settings: the same secrets, cookie and storage
 * (`db`/`cached_db` → the `default` database's URL, `file` → `SESSION_FILE_PATH`, `signed_cookies`).
 * Anything in `overrides` wins, e.g. `{ store }` to pass your own store or URL.
 * @throws {ConfigError} for Django's `cache` engine (pickled, not shareable), a serializer other than
 *   JSONSerializer (unless `overrides.serializer` is given), or an engine/database sessionkit has no store for.
 * @example
 * // python manage.py shell -c "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k, None) for k in dir(s) if k.isupper()}, default=str))"
 * const sessions = createSessionManager(fromDjangoSettings(JSON.parse(djangoJson)));
 */
export function fromDjangoSettings(
  django: DjangoSettings,
  overrides: Partial<SessionOptions> = {},
): SessionOptions {
  const serializer = django.SESSION_SERIALIZER;
  if (serializer && !JSON_SERIALIZERS.has(serializer) && !overrides.serializer) {
    throw new ConfigError(
      `Django's SESSION_SERIALIZER is ${serializer}; only JSONSerializer data can be shared with Node. ` +
        'Use django.contrib.sessions.serializers.JSONSerializer, or pass a compatible serializer.',
    );
  }
  const options: SessionOptions = {
    secretKey: django.SECRET_KEY,
    secretKeyFallbacks: django.SECRET_KEY_FALLBACKS ?? [],
    cookieName: django.SESSION_COOKIE_NAME ?? undefined,
    cookieAge: django.SESSION_COOKIE_AGE ?? undefined,
    cookieDomain: django.SESSION_COOKIE_DOMAIN ?? null,
    cookieSecure: django.SESSION_COOKIE_SECURE ?? undefined,
    cookiePath: django.SESSION_COOKIE_PATH ?? undefined,
    cookieHttpOnly: django.SESSION_COOKIE_HTTPONLY ?? undefined,
    cookieSameSite: sameSite(django.SESSION_COOKIE_SAMESITE),
    saveEveryRequest: django.SESSION_SAVE_EVERY_REQUEST ?? undefined,
    expireAtBrowserClose: django.SESSION_EXPIRE_AT_BROWSER_CLOSE ?? undefined,
  };
  return { ...options, store: overrides.store ?? storeFor(django), ...overrides };
}
