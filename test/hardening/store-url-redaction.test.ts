import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { redactUrl } from '../../src/stores/_redact.js';
import { createCachedDbStoreFromUrls } from '../../src/stores/cached-db.js';
import { createMysqlStore } from '../../src/stores/mysql.js';
import { createPostgresStore } from '../../src/stores/postgres.js';
import { createRedisStore } from '../../src/stores/redis.js';
import { resolveStore } from '../../src/stores/resolve.js';

const PW = 'S3CRETPW';
const settings = { cookieName: 'sessionid', logger: silentLogger };

/**
 * Malformed URL shapes, `%s` standing for the scheme: a missing database, bad ports, a password with
 * unencoded `/`, `#`, `?`, `@`, no host, unknown or bad parameters, a space in the host, a password
 * in the query string.
 */
const SHAPES = [
  `%s://root:${PW}@127.0.0.1:3306`,
  `%s://root:${PW}@127.0.0.1:99999/db`,
  `%s://root:${PW}@127.0.0.1:abc/db`,
  `%s://root:${PW}/x@127.0.0.1/db`,
  `%s://root:${PW}#x@127.0.0.1/db`,
  `%s://root:${PW}?x@127.0.0.1/db`,
  `%s://:${PW}@/db`,
  `%s://root:${PW}@127.0.0.1/db?bogus=1`,
  `%s://root:${PW}@127.0.0.1/db?timeout=soon`,
  `%s://root:${PW}@ho st/db`,
  `%s://${PW}@127.0.0.1:0/db`,
  `%s://root@127.0.0.1/db?password=${PW}&timeout=-1`,
  `%s://root:${PW}@127.0.0.1,/db?timeout=0`,
];

/** The error `build` throws or rejects with (it must), checked for the password in every printable form. */
async function refusal(build: () => unknown, url: string): Promise<Error> {
  let caught: unknown;
  try {
    const store = (await build()) as { close?: () => Promise<void> };
    void store.close?.();
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) return new ConfigError(`(accepted: ${redactUrl(url)})`);
  expect(caught, url).toBeInstanceOf(ConfigError);
  const error = caught as Error;
  const printed = `${error.message}\n${inspect(error, { depth: 10 })}\n${String(error.stack)}`;
  expect(printed.includes(PW), `${url} leaked in: ${error.message}`).toBe(false);
  return error;
}

/** Every shape under `scheme`; resolves how many were refused (most shapes must be). */
async function refusedCount(scheme: string, build: (url: string) => unknown): Promise<number> {
  let refused = 0;
  for (const shape of SHAPES) {
    const url = shape.replaceAll('%s', scheme);
    if (!(await refusal(() => build(url), url)).message.startsWith('(accepted')) refused++;
  }
  return refused;
}

describe('store URL errors never show a password', () => {
  it('redactUrl masks userinfo and password parameters, also in malformed URLs', () => {
    expect(redactUrl(`mysql://root:${PW}@127.0.0.1:3306`)).toBe('mysql://root:***@127.0.0.1:3306');
    expect(redactUrl(`redis://:${PW}@h:6379/0`)).toBe('redis://***@h:6379/0');
    expect(redactUrl(`postgres://u:${PW}/x@h/db`)).toBe('postgres://u:***@h/db');
    expect(redactUrl(`postgres://u:a@${PW}@h/db`)).toBe('postgres://u:***@h/db');
    expect(redactUrl(`postgres://u@h/db?sslmode=require&password=${PW}`)).toBe(
      'postgres://***@h/db?sslmode=require&password=***',
    );
    expect(redactUrl('sqlite:./sessions.db')).toBe('sqlite:./sessions.db');
  });

  it('mysql:// and mariadb:// through resolveStore and createMysqlStore', async () => {
    for (const scheme of ['mysql', 'mariadb', 'MySQL']) {
      expect(await refusedCount(scheme, (url) => resolveStore(url, settings))).toBeGreaterThanOrEqual(8);
      expect(await refusedCount(scheme, (url) => createMysqlStore({ url }))).toBeGreaterThanOrEqual(8);
    }
  });

  it('postgres:// and postgresql:// through resolveStore and createPostgresStore', async () => {
    for (const scheme of ['postgres', 'postgresql']) {
      expect(await refusedCount(scheme, (url) => resolveStore(url, settings))).toBeGreaterThanOrEqual(6);
      expect(await refusedCount(scheme, (url) => createPostgresStore({ url }))).toBeGreaterThanOrEqual(6);
    }
  });

  it('redis://, rediss:// and redis-cluster:// through resolveStore and createRedisStore', async () => {
    for (const scheme of ['redis', 'rediss', 'redis-cluster']) {
      expect(await refusedCount(scheme, (url) => resolveStore(url, settings))).toBeGreaterThanOrEqual(8);
    }
    for (const scheme of ['redis', 'rediss']) {
      expect(await refusedCount(scheme, (url) => createRedisStore({ url }))).toBeGreaterThanOrEqual(3);
    }
  });

  it('memcached:// and cached-db URL pairs', async () => {
    expect(await refusedCount('memcached', (url) => resolveStore(url, settings))).toBe(SHAPES.length);
    expect(
      await refusedCount('redis', (url) => createCachedDbStoreFromUrls('sqlite::memory:', url, settings)),
    ).toBeGreaterThanOrEqual(8);
  });

  it('unknown schemes and typos', async () => {
    for (const scheme of ['mysqll', 'postgress', 'rediss+tls', 'memcache']) {
      expect(await refusedCount(scheme, (url) => resolveStore(url, settings))).toBe(SHAPES.length);
    }
  });
});
