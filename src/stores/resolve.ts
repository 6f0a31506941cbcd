/**
 * Store URLs: `sqlite:PATH`, `file:DIR`, `memory:`, `signed-cookie:` and (with their client packages)
 * `postgres://`, `mysql://`, `redis://`, `redis-cluster://`, `memcached://`. A URL is checked at
 * construction, so a typo fails at start-up; the store's module (and its client library) is imported
 * only when the store is first used, as unstorage loads its drivers, so an app that never uses a store
 * never loads its code.
 * @module
 */
import { ConfigError } from '../core/errors.js';
import type { ResolvedSettings } from '../core/settings.js';
import { quoteUrl } from './_redact.js';
import type { AnyStore, DataFormat } from './types.js';

/** What a store built from a URL gets of the manager's settings. */
type StoreUrlSettings = Pick<ResolvedSettings, 'cookieName' | 'logger'>;

/** Builds a store from its URL, importing the store's module first. */
export type StoreFactory = (url: string, settings: StoreUrlSettings) => Promise<AnyStore>;

/** A store URL checked without loading its store: what the manager knows before the first request. */
export interface StoreUrl {
  /** The URL as given. */
  readonly url: string;
  /** Lower-case scheme without the colon, e.g. `redis-cluster`. */
  readonly scheme: string;
  /** `cookie` for `signed-cookie:`, else `server`. */
  readonly kind: AnyStore['kind'];
  /** The data format the store will declare (`?format=` on memory and cache URLs), which picks the codec. */
  readonly dataFormat: DataFormat;
  /** Import the store's module and build the store. */
  load(): Promise<AnyStore>;
}

function afterScheme(url: string): string {
  return url.slice(url.indexOf(':') + 1);
}

function stringParam(url: string, name: string): string | undefined {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  return new URLSearchParams(query).get(name) ?? undefined;
}

function intParam(url: string, name: string): number | undefined {
  const value = stringParam(url, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n))
    throw new ConfigError(`Store URL parameter ${name} must be an integer, not ${value}.`);
  return n;
}

const stripQuery = (text: string): string => (text.includes('?') ? text.slice(0, text.indexOf('?')) : text);

/** The `?format=` of a URL whose store takes one, checked now so that the codec is right before loading. */
function formatParam(url: string, fallback: DataFormat): DataFormat {
  const value = stringParam(url, 'format');
  if (value === undefined) return fallback;
  if (value === 'django' || value === 'json') return value;
  throw new ConfigError(
    `Store URL parameter format must be 'django' or 'json', not ${JSON.stringify(value)}.`,
  );
}

const redis: StoreFactory = async (url, settings) =>
  (await import('./redis.js')).createRedisStoreFromUrl(url, settings);
const postgres: StoreFactory = async (url, settings) =>
  (await import('./postgres.js')).createPostgresStore({ url, logger: settings.logger });
const mysql: StoreFactory = async (url) => (await import('./mysql.js')).createMysqlStore({ url });

/** Store factories by URL scheme (without the colon); each imports its store module when called. */
const factories: Readonly<Record<string, StoreFactory>> = Object.freeze({
  memory: async (url, settings) =>
    (await import('./memory.js')).createMemoryStore({
      max: intParam(url, 'max'),
      dataFormat: formatParam(url, 'json'),
      logger: settings.logger,
    }),
  sqlite: async (url) =>
    (await import('./sqlite.js')).createSqliteStore({ path: stripQuery(afterScheme(url)) || ':memory:' }),
  file: async (url, settings) =>
    (await import('./file.js')).createFileStore({
      directory: stripQuery(afterScheme(url).replace(/^\/\/(?=\/)/, '')),
      prefix: settings.cookieName,
    }),
  'signed-cookie': async (url) =>
    (await import('./signed-cookie.js')).createSignedCookieStore({
      maxCookieSize: intParam(url, 'maxCookieSize'),
    }),
  postgres,
  postgresql: postgres,
  mysql,
  mariadb: mysql,
  redis,
  rediss: redis,
  'redis-cluster': redis,
  memcached: async (url) => (await import('./memcached.js')).createMemcachedStoreFromUrl(url),
} satisfies Record<string, StoreFactory>);

/**
 * Schemes whose URL takes `?format=` (their store's `dataFormat` follows it). The caches default to
 * `json`: no Django site can share them (Django's cache engine pickles), see docs/stores.md.
 */
const FORMAT_DEFAULTS: Readonly<Record<string, DataFormat>> = Object.freeze({
  memory: 'json',
  redis: 'json',
  rediss: 'json',
  'redis-cluster': 'json',
  memcached: 'json',
});

/** The URL schemes {@link resolveStore} knows. */
export function knownStoreSchemes(): string[] {
  return Object.keys(factories).map((scheme) => `${scheme}:`);
}

/**
 * Check a store URL such as `sqlite:./sessions.db` without importing its store.
 * @throws {ConfigError} for an unknown scheme or an invalid `max`, `maxCookieSize` or `format` parameter.
 */
export function parseStoreUrl(url: string, settings: StoreUrlSettings): StoreUrl {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  const scheme = match ? match[1]!.toLowerCase() : '';
  const factory = Object.hasOwn(factories, scheme) ? factories[scheme] : undefined;
  if (!factory) {
    throw new ConfigError(
      `Unknown store URL ${quoteUrl(url)}. Use one of: ${knownStoreSchemes().join(', ')} (e.g. sqlite:./sessions.db).`,
    );
  }
  if (scheme === 'memory') intParam(url, 'max');
  if (scheme === 'signed-cookie') intParam(url, 'maxCookieSize');
  const fallback = FORMAT_DEFAULTS[scheme];
  const dataFormat = fallback === undefined ? 'django' : formatParam(url, fallback);
  return {
    url,
    scheme,
    kind: scheme === 'signed-cookie' ? 'cookie' : 'server',
    dataFormat,
    load: async () => {
      const store = await factory(url, settings);
      // The codec was chosen from the URL: a store that declares another format would be misread.
      const actual = store.kind === 'server' ? (store.dataFormat ?? 'django') : 'django';
      if (actual !== dataFormat) {
        throw new ConfigError(
          `The ${store.name} store declares dataFormat ${actual}, not ${dataFormat} as its URL says.`,
        );
      }
      return store;
    },
  };
}

/**
 * Build a store from a URL such as `sqlite:./sessions.db`, importing its module.
 * @throws {ConfigError} for an unknown scheme or invalid parameters (the promise rejects with it when
 * the store's own checks fail, e.g. a missing client package).
 */
export async function resolveStore(url: string, settings: StoreUrlSettings): Promise<AnyStore> {
  return parseStoreUrl(url, settings).load();
}
