/**
 * Store URLs: `sqlite:PATH`, `file:DIR`, `memory:`, `signed-cookie:` and (with their client packages)
 * `postgres://`, `mysql://`, `redis://`, `redis-cluster://`, `memcached://`. A URL is parsed at
 * construction, so a typo fails at start-up; client libraries load only for the store you use.
 * @module
 */
import { ConfigError } from '../core/errors.js';
import type { ResolvedSettings } from '../core/settings.js';
import { quoteUrl } from './_redact.js';
import { createFileStore } from './file.js';
import { createMemcachedStoreFromUrl } from './memcached.js';
import { createMemoryStore } from './memory.js';
import { createMysqlStore } from './mysql.js';
import { createPostgresStore } from './postgres.js';
import { createRedisStoreFromUrl } from './redis.js';
import { createSignedCookieStore } from './signed-cookie.js';
import { createSqliteStore } from './sqlite.js';
import type { AnyStore, DataFormat } from './types.js';

/** Builds a store from its URL. */
export type StoreFactory = (
  url: string,
  settings: Pick<ResolvedSettings, 'cookieName' | 'logger'>,
) => AnyStore;

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

/** Store factories by URL scheme (without the colon). */
export const storeFactories: Record<string, StoreFactory> = {
  memory: (url, settings) =>
    createMemoryStore({
      max: intParam(url, 'max'),
      dataFormat: stringParam(url, 'format') as DataFormat,
      logger: settings.logger,
    }),
  sqlite: (url) => createSqliteStore({ path: stripQuery(afterScheme(url)) || ':memory:' }),
  file: (url, settings) =>
    createFileStore({
      directory: stripQuery(afterScheme(url).replace(/^\/\/(?=\/)/, '')),
      prefix: settings.cookieName,
    }),
  'signed-cookie': (url) => createSignedCookieStore({ maxCookieSize: intParam(url, 'maxCookieSize') }),
  postgres: (url, settings) => createPostgresStore({ url, logger: settings.logger }),
  postgresql: (url, settings) => createPostgresStore({ url, logger: settings.logger }),
  mysql: (url) => createMysqlStore({ url }),
  mariadb: (url) => createMysqlStore({ url }),
  redis: (url, settings) => createRedisStoreFromUrl(url, settings),
  rediss: (url, settings) => createRedisStoreFromUrl(url, settings),
  'redis-cluster': (url, settings) => createRedisStoreFromUrl(url, settings),
  memcached: (url) => createMemcachedStoreFromUrl(url),
};

/** The URL schemes {@link resolveStore} knows. */
export function knownStoreSchemes(): string[] {
  return Object.keys(storeFactories).map((scheme) => `${scheme}:`);
}

/**
 * Build a store from a URL such as `sqlite:./sessions.db`.
 * @throws {ConfigError} for an unknown scheme or invalid parameters.
 */
export function resolveStore(
  url: string,
  settings: Pick<ResolvedSettings, 'cookieName' | 'logger'>,
): AnyStore {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  const factory = match ? storeFactories[match[1]!.toLowerCase()] : undefined;
  if (!factory) {
    throw new ConfigError(
      `Unknown store URL ${quoteUrl(url)}. Use one of: ${knownStoreSchemes().join(', ')} (e.g. sqlite:./sessions.db).`,
    );
  }
  return factory(url, settings);
}
