import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

// The real bin/sessionkit.js imports ../dist/cli/main.js. Rather than trusting a shared dist/ that may be
// stale or missing, compile the current sources into a private copy of the package inside the repository
// (.tmp/ is git-ignored; being inside the repository lets Node find node_modules), then run that.
const copy = join(root, '.tmp');
let pkg = '';

beforeAll(async () => {
  mkdirSync(copy, { recursive: true });
  pkg = mkdtempSync(join(copy, 'cli-bin-'));
  mkdirSync(join(pkg, 'bin'));
  copyFileSync(join(root, 'bin/sessionkit.js'), join(pkg, 'bin/sessionkit.js'));
  copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const args = ['-p', 'tsconfig.build.json', '--outDir', join(pkg, 'dist'), '--declaration', 'false'];
  // Type errors elsewhere in the tree are the typecheck step's business: tsc still emits, so only a
  // missing entry point fails here.
  await run(process.execPath, [tsc, ...args, '--sourceMap', 'false'], { cwd: root }).catch(() => {});
  if (!existsSync(join(pkg, 'dist/cli/main.js'))) throw new Error('tsc did not emit dist/cli/main.js');
}, 300_000); // tsc over the whole tree: ~20 s idle, minutes on a loaded 2-core machine

afterAll(() => {
  if (pkg) rmSync(pkg, { recursive: true, force: true });
});

function sessionkit(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, [join(pkg, 'bin/sessionkit.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 90_000, // a cold Node start is slow beside other suites; a hang still fails
  });
}

describe('bin/sessionkit.js', () => {
  it('prints help, encodes, and exits on its own after a store command', async () => {
    const help = await sessionkit(['--help']);
    expect(help.stdout).toContain('Usage: sessionkit [options] [command]');
    expect(help.stdout).toContain('clearsessions');

    const encoded = await sessionkit(['encode', '{"a": 1}', '--timestamp', '1700000000'], {
      SESSIONKIT_SECRET_KEY: 'django_tests_secret_key',
    });
    expect(encoded.stdout).toBe('eyJhIjoxfQ:1r31eq:NfAtvWseBBfnU2u2rC5Yib1Iv7dNauuwbmN0MvCBGmI\n');

    // Each run must end by itself (main closes the store before resolving); a hang fails on the timeout.
    const env = { SESSIONKIT_SECRET_KEY: 'sessionkit-tests-secret-key-0123456789-abcdefghijkl' };
    const store = `sqlite:${join(pkg, 'sessions.db')}`;
    const key = (await sessionkit(['save', '{"a": 1}', '--store', store], env)).stdout.trim();
    expect((await sessionkit(['show', key, '--store', store], env)).stdout).toBe('{"a":1}\n');

    const failed = await sessionkit(['show', 'nosuchsessionkey', '--store', store], env).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('no live session') });
  }, 400_000);
});
