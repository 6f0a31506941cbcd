/**
 * CommonJS users: `require('sessionkit')` and its subpaths load through Node's require(esm) (Node ≥ 20.19 /
 * 22.12), as the README says. Runs a real CommonJS file against the built package.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-cjs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('require(esm)', () => {
  it('loads sessionkit and its subpaths from a CommonJS module', async () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cjs-app', type: 'commonjs' }));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(resolve('.'), join(dir, 'node_modules', 'sessionkit'), 'dir');
    writeFileSync(
      join(dir, 'app.cjs'),
      `const { createSessionManager } = require('sessionkit');
       const { dumps, loads } = require('sessionkit/signing');
       const { session } = require('sessionkit/express');
       const secretKey = 'cjs-test-secret-key-0123456789-abcdefghijklmnopqrstuvw';
       const manager = createSessionManager({ secretKey, store: 'memory:' });
       const value = loads(dumps({ a: 1 }, { key: secretKey }), { key: secretKey });
       console.log(JSON.stringify({ manager: typeof manager.open, value, express: typeof session }));`,
    );
    const output = await new Promise<string>((done, fail) =>
      execFile(process.execPath, [join(dir, 'app.cjs')], { cwd: dir, timeout: 60_000 }, (error, stdout) =>
        error ? fail(error) : done(stdout),
      ),
    );
    expect(JSON.parse(output)).toEqual({ manager: 'function', value: { a: 1 }, express: 'function' });
  });
});
