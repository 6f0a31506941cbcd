/**
 * Issue 17 defect 4, CLI part: a `__proto__` key in the JSON given to `save` and `encode` is data, an own
 * key like any other, and comes back from `show` and `decode`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SECRET } from '../helpers.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-cli-proto-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { SESSIONKIT_SECRET_KEY: SECRET };
const DATA = '{"__proto__":{"x":1},"c":7}';

describe('sessionkit save and show with a __proto__ key', () => {
  it('stores __proto__ as an own key and shows it back', async () => {
    const store = `sqlite:${join(dir, 'proto.db')}`;
    const saved = await runCli(['save', DATA, '--store', store], { env });
    expect(saved.code).toBe(0);
    const shown = await runCli(['show', saved.stdout.trim(), '--store', store], { env });
    expect(JSON.parse(shown.stdout)).toEqual(JSON.parse(DATA));
    expect(shown.stdout.trim()).toBe(DATA);
  });
});

describe('sessionkit encode and decode with a __proto__ key', () => {
  it('round-trips __proto__ as an own key', async () => {
    const encoded = await runCli(['encode', DATA], { env });
    expect(encoded.code).toBe(0);
    const decoded = await runCli(['decode', encoded.stdout.trim()], { env });
    expect(decoded.stdout.trim()).toBe(DATA);
  });
});
