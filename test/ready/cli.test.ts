/**
 * `sessionkit clearsessions` / `createtable` on an SQLite path whose file does not exist: refused
 * (exit 2, the path named, no file created) unless `--create` is given.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { SECRET } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-cli-create-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { SESSIONKIT_SECRET_KEY: SECRET };

describe('store commands on a missing SQLite file', () => {
  it('clearsessions refuses a mistyped path and creates nothing', async () => {
    const path = join(dir, 'typo.sqlite3');
    const run = await runCli(['clearsessions', '--store', `sqlite:${path}`], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('does not exist');
    expect(run.stderr).toContain('--create');
    expect(existsSync(path)).toBe(false);
  });

  it('createtable refuses a mistyped path and creates nothing', async () => {
    const path = join(dir, 'typo2.sqlite3');
    const run = await runCli(['createtable', '--store', `sqlite:${path}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(path);
    expect(existsSync(path)).toBe(false);
  });

  it('creates the database with --create, and then works without it', async () => {
    const path = join(dir, 'new.sqlite3');
    const created = await runCli(['createtable', '--create', '--store', `sqlite:${path}`]);
    expect(created.code).toBe(0);
    expect(existsSync(path)).toBe(true);
    const cleared = await runCli(['clearsessions', '--store', `sqlite:${path}`], { env });
    expect(cleared).toMatchObject({ code: 0, stdout: 'Deleted 0 expired sessions.\n' });
    const withCreate = await runCli(
      ['clearsessions', '--create', '--store', `sqlite:${join(dir, 'c.sqlite3')}`],
      {
        env,
      },
    );
    expect(withCreate.code).toBe(0);
  });
});
