/**
 * An external project (outside the repository) installs the packed tarball and runs the contract suite
 * of `sessionkit/testing` with `node:test` against a small custom store, and type-checks a consumer file
 * against the published `.d.ts` with `skipLibCheck: false`. Needs `dist/` (npm test builds it first).
 * The tarball is unpacked into the project's node_modules and sessionkit's dependencies are linked from
 * this repository's node_modules: the test installs nothing from a registry.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve('.');
const dir = mkdtempSync(join(tmpdir(), 'sessionkit-external-'));
const app = join(dir, 'app');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(file: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((done) =>
    execFile(file, args, { cwd, timeout: 120_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    ),
  );
}

const STORE = `// A custom store: sessions in a Map, as a store author would start one.
export function createMapStore() {
  const records = new Map();
  return {
    kind: 'server',
    name: 'map',
    async load(key, now) {
      const record = records.get(key);
      if (!record || record.expireDate <= now) return null;
      return { data: record.data, expireDate: record.expireDate };
    },
    async exists(key) {
      const record = records.get(key);
      return record !== undefined && record.expireDate > new Date();
    },
    async create(record) {
      if (records.has(record.key) && records.get(record.key).expireDate > new Date()) return false;
      records.set(record.key, { data: record.data, expireDate: record.expireDate });
      return true;
    },
    async update(record) {
      if (!records.has(record.key)) return false;
      records.set(record.key, { data: record.data, expireDate: record.expireDate });
      return true;
    },
    async delete(key) {
      records.delete(key);
    },
    async clearExpired({ now }) {
      let deleted = 0;
      for (const [key, record] of records) if (record.expireDate <= now && records.delete(key)) deleted++;
      return deleted;
    },
  };
}
`;

const CONTRACT = `import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { describeStoreContract } from 'sessionkit/testing';
import { createMapStore } from './store.mjs';

describeStoreContract(
  { describe, it, beforeAll: before, afterAll: after, beforeEach, afterEach },
  { name: 'map store', createStore: () => createMapStore() },
);
`;

const CONSUMER = `import { createSessionManager, type SessionStore } from 'sessionkit';
import { describeStoreContract, type TestRunner } from 'sessionkit/testing';
import { session as honoSession } from 'sessionkit/hono';
import { dumps } from 'sessionkit/signing';

interface Data { visits: number; }
const manager = createSessionManager<Data>({ secretKey: 'x'.repeat(50), store: 'memory:' });
const session = manager.open(null);
export async function visit(): Promise<number> {
  const visits = ((await session.get('visits')) as number | undefined) ?? 0;
  await session.set('visits', visits + 1);
  const copy = await session.toObject();
  const expiry: number | string | undefined = copy._session_expiry;
  void expiry;
  return visits + 1;
}
// @ts-expect-error setKey is internal: not in the published types
session.setKey('adopted-key-0123456789');
// @ts-expect-error markSaved is internal
session.markSaved();
export const store: SessionStore | undefined = undefined;
export const runner: TestRunner | undefined = undefined;
export { describeStoreContract, dumps, honoSession };
`;

describe('an external project using the packed package', () => {
  beforeAll(async () => {
    expect(existsSync(join(root, 'dist', 'testing', 'index.js')), 'run npm run build first').toBe(true);
    const pack = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], root);
    expect(pack.code, pack.output).toBe(0);
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'))!;
    const target = join(app, 'node_modules', 'sessionkit');
    mkdirSync(target, { recursive: true });
    const untar = await run('tar', ['-xzf', join(dir, tarball), '-C', target, '--strip-components=1'], dir);
    expect(untar.code, untar.output).toBe(0);
    // sessionkit's dependencies, and @types/node for the type check, from this repository.
    const modules = join(root, 'node_modules');
    for (const dep of [
      'cookie',
      'lru-cache',
      'better-sqlite3',
      'commander',
      'cli-progress',
      'fastify-plugin',
      'hono',
    ]) {
      symlinkSync(join(modules, dep), join(app, 'node_modules', dep), 'dir');
    }
    mkdirSync(join(app, 'node_modules', '@types'));
    symlinkSync(join(modules, '@types', 'node'), join(app, 'node_modules', '@types', 'node'), 'dir');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'custom-store', type: 'module' }));
    writeFileSync(join(app, 'store.mjs'), STORE);
    writeFileSync(join(app, 'contract.test.mjs'), CONTRACT);
    writeFileSync(join(app, 'consumer.ts'), CONSUMER);
  }, 180_000);

  it('runs the contract suite of sessionkit/testing with node:test against a custom store', async () => {
    const result = await run(process.execPath, ['--test', 'contract.test.mjs'], app);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/# fail 0/);
    expect(Number(/# pass (\d+)/.exec(result.output)?.[1])).toBeGreaterThan(50);
  }, 180_000);

  it('type-checks a consumer against the published .d.ts with skipLibCheck false', async () => {
    const tsc = join(
      dirname(createRequire(import.meta.url).resolve('typescript/package.json')),
      'bin',
      'tsc',
    );
    const args = [
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      'false',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--types',
      'node',
      'consumer.ts',
    ];
    const result = await run(process.execPath, [tsc, ...args], app);
    expect(result.code, result.output).toBe(0);
  }, 180_000);
});
