/**
 * Shared by the cache stores (Redis, memcached, cached-db): Django's key prefixes and URL parsing
 * (`redis://host:port/0?prefix=...&timeout=...&format=json`, `redis-cluster://h1:p1,h2:p2`, `memcached://h1:p1,h2:p2`).
 * @module
 */
import { ConfigError } from '../core/errors.js';
import { hasCredentials, redactUrl } from './_redact.js';
import { checkDataFormat } from './_shared.js';
import type { DataFormat } from './types.js';

/** Django's cache-backend key prefix (spec §4.2), prepended to the session key without a separator. */
export const CACHE_KEY_PREFIX = 'django.contrib.sessions.cache';

/** Django's cached_db-backend key prefix (spec §4.3). */
export const CACHED_DB_KEY_PREFIX = 'django.contrib.sessions.cached_db';

/** A cache store URL taken apart. */
export interface CacheUrl {
  /** Lower-case scheme without the colon, e.g. `redis-cluster`. */
  scheme: string;
  /** The URL without its query string. */
  base: string;
  /** `user:password` before the `@`, if any (still percent-encoded). */
  auth: string | undefined;
  /** `host:port` entries, in order (the default port filled in). */
  hosts: string[];
  /** `prefix` query parameter (may be empty). */
  prefix: string | undefined;
  /** `timeout` query parameter, in milliseconds. */
  timeoutMs: number | undefined;
  /** `format` query parameter (`django` or `json`). */
  dataFormat: DataFormat | undefined;
}

const KNOWN_PARAMS = new Set(['prefix', 'timeout', 'format']);

/**
 * Parse `url`; `defaultPort` fills in hosts written without a port.
 * @throws {ConfigError} for an empty host list, a bad port, a bad timeout or an unknown parameter.
 */
export function parseCacheUrl(url: string, defaultPort: number): CacheUrl {
  const colon = url.indexOf(':');
  const scheme = url.slice(0, colon).toLowerCase();
  const queryAt = url.indexOf('?');
  const base = queryAt === -1 ? url : url.slice(0, queryAt);
  const params = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1));
  for (const name of params.keys()) {
    if (!KNOWN_PARAMS.has(name)) {
      throw new ConfigError(
        `Unknown parameter ${name} in the ${scheme} store URL; use prefix, timeout or format.`,
      );
    }
  }
  let authority = base.slice(colon + 1).replace(/^\/\//, '');
  const slash = authority.indexOf('/');
  if (slash !== -1) authority = authority.slice(0, slash);
  const at = authority.lastIndexOf('@');
  const auth = at === -1 ? undefined : authority.slice(0, at);
  const hosts = (at === -1 ? authority : authority.slice(at + 1))
    .split(',')
    .filter((host) => host !== '')
    .map((host) => withPort(host, defaultPort, url));
  if (hosts.length === 0) throw new ConfigError(`The store URL ${redactUrl(url)} names no host.`);
  const timeout = params.get('timeout');
  let timeoutMs: number | undefined;
  if (timeout !== null) {
    timeoutMs = Number(timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw new ConfigError(`Store URL parameter timeout must be a positive integer (ms), not ${timeout}.`);
    }
  }
  const format = params.get('format') ?? undefined;
  const dataFormat = format === undefined ? undefined : checkDataFormat(format, 'django', scheme);
  return { scheme, base, auth, hosts, prefix: params.get('prefix') ?? undefined, timeoutMs, dataFormat };
}

function withPort(host: string, defaultPort: number, url: string): string {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d+))?$/.exec(host);
  // A password with an unencoded `/` ends up in the host part: echo the host only without credentials.
  const shown = hasCredentials(url) ? '' : ` ${JSON.stringify(host)}`;
  if (!match) throw new ConfigError(`Invalid host${shown} in the store URL ${redactUrl(url)}.`);
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port < 1 || port > 65535) {
    throw new ConfigError(`Invalid port${shown && ` ${port}`} in the store URL ${redactUrl(url)}.`);
  }
  return `${match[1]}:${port}`;
}
