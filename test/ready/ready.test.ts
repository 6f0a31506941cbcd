/**
 * manager.ready(): each setup mistake is a ConfigError at start-up that says what to fix, never the
 * request-time "try again". Services: the shared PostgreSQL and MariaDB (tables of their own names
 * that never exist), nothing listening on a port just freed, and child processes for a hidden package
 * and another Node's ABI.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, STORE_UNAVAILABLE_MESSAGE } from '../../src/core/errors.js';
import { createSessionManager, type SessionOptions } from '../../src/core/manager.js';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import { SECRET } from '../helpers.js';

const run = promisify(execFile);
const PG = process.env.SESSIONKIT_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL = process.env.SESSIONKIT_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const NODE24 = '/opt/node24/node_modules/node/bin/node';
const dir = mkdtempSync(join(tmpdir(), 'sessionkit-ready-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** ready()'s rejection on `store` (closing the manager either way). */
async function readyError(store: SessionOptions['store']): Promise<Error> {
  const manager = createSessionManager({ secretKey: SECRET, store });
  try {
    await manager.ready();
  } catch (error) {
    return error as Error;
  } finally {
    await manager.close().catch(() => {});
  }
  throw new Error('ready() resolved');
}

/** A loopback port nobody listens on (just freed). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Run the ready child (test/ready/fixtures/ready-child.ts) with `node`, hiding the packages in `hide`
 * and failing to load native addons whose path contains `failAddon`.
 */
async function child(store: string, options: { node?: string; hide?: string; failAddon?: string } = {}) {
  const preload = ['hide-package.cjs', 'fail-addon.cjs'].flatMap((file) => [
    '--require',
    `./test/ready/fixtures/${file}`,
  ]);
  const { stdout } = await run(
    options.node ?? process.execPath,
    [...preload, '--import', 'tsx', 'test/ready/fixtures/ready-child.ts', store],
    {
      env: {
        ...process.env,
        SESSIONKIT_HIDE: options.hide ?? '',
        SESSIONKIT_FAIL_ADDON: options.failAddon ?? '',
      },
      timeout: 60_000,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as {
    ok: boolean;
    phase?: string;
    code?: string;
    message?: string;
  };
}

describe('manager.ready()', () => {
  it('resolves on a working store and on stores without a check', async () => {
    for (const store of ['memory:', 'signed-cookie:', `sqlite:${join(dir, 'ok.sqlite3')}`]) {
      const manager = createSessionManager({ secretKey: SECRET, store });
      await expect(manager.ready()).resolves.toBeUndefined();
      await manager.close();
    }
  });

  it('names the missing folder of an SQLite path', async () => {
    const error = await readyError(`sqlite:${join(dir, 'no-such-folder', 'sessions.sqlite3')}`);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('folder that does not exist');
    expect(error.message).toContain('no-such-folder');
    expect(error.message).not.toContain(STORE_UNAVAILABLE_MESSAGE);
  });

  it('names the missing SQLite table and the fixes when createTable is off', async () => {
    const path = join(dir, 'empty.sqlite3');
    writeFileSync(path, '');
    const error = await readyError(createSqliteStore({ path, createTable: false, table: 'sk_ready_sqlite' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('"sk_ready_sqlite" does not exist');
    expect(error.message).toContain('createTable: true');
    expect(error.message).toContain('sessionkit createtable');
  });

  it('names the missing django_session-style table in PostgreSQL and the fixes', async () => {
    const error = await readyError(`${PG}?table=sk_ready_never_created`);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('"sk_ready_never_created" does not exist in the postgres database');
    expect(error.message).toMatch(/createTable: true.*sessionkit createtable.*migrate/);
  });

  it('names the missing table in MariaDB and the fixes', async () => {
    const error = await readyError(`${MYSQL}?table=sk_ready_never_created`);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('"sk_ready_never_created" does not exist in the mysql database');
    expect(error.message).toContain('createTable: true');
  });

  it('names host and port of a refused PostgreSQL connection, never the password', async () => {
    const port = await freePort();
    const error = await readyError(`postgres://postgres:S3CRETPW@127.0.0.1:${port}/test?timeout=5000`);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('S3CRETPW');
  });

  it('names host and port of a refused Redis connection, never the password', async () => {
    const port = await freePort();
    const error = await readyError(`redis://:S3CRETPW@127.0.0.1:${port}/0?timeout=5000`);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(`Cannot connect to the redis server at 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(error.message).not.toContain('S3CRETPW');
  });

  // Construction only checks the URL; the package is imported by ready() (or the first request), so
  // the mistake is the same ConfigError at the same moment for every store.
  it.each([
    ['redis', 'redis://127.0.0.1:6379'],
    ['pg', PG],
    ['memjs', 'memcached://127.0.0.1:11211'],
    ['better-sqlite3', `sqlite:${join(dir, 'no-package.sqlite3')}`],
  ])('says from ready(), not at construction, that the %s package is not installed', async (name, store) => {
    const result = await child(store, { hide: name });
    expect(result).toMatchObject({ ok: false, phase: 'ready', code: 'ERR_SESSION_CONFIG' });
    expect(result.message).toContain(`npm install ${name}`);
    expect(result.message).not.toContain(STORE_UNAVAILABLE_MESSAGE);
  });

  // The MariaDB store loads mysql2/promise: the hint must name the package, not that subpath (npm reads
  // "mysql2/promise" as a GitHub repository).
  it('says from ready() that the mysql2 package is not installed', async () => {
    const result = await child(MYSQL, { hide: 'mysql2' });
    expect(result).toMatchObject({ ok: false, phase: 'ready', code: 'ERR_SESSION_CONFIG' });
    expect(result.message).toMatch(/npm install mysql2$/);
  });

  it('says the better-sqlite3 addon does not load on this Node and how to rebuild it (load failure simulated)', async () => {
    const result = await child(`sqlite:${join(dir, 'abi-simulated.sqlite3')}`, {
      failAddon: 'better_sqlite3',
    });
    expect(result).toMatchObject({ ok: false, phase: 'ready', code: 'ERR_SESSION_CONFIG' });
    expect(result.message).toContain(`does not load on this Node.js (${process.version})`);
    expect(result.message).toContain('npm rebuild better-sqlite3');
  });

  it.runIf(process.versions.node.split('.')[0] === '20')(
    'says the better-sqlite3 addon does not load on this Node and how to rebuild it (Node 24 on the Node 20 build)',
    async () => {
      const result = await child(`sqlite:${join(dir, 'abi.sqlite3')}`, { node: NODE24 });
      expect(result).toMatchObject({ ok: false, code: 'ERR_SESSION_CONFIG' });
      expect(result.message).toContain('does not load on this Node.js (v24');
      expect(result.message).toContain('npm rebuild better-sqlite3');
    },
  );
});
