/**
 * The session internals (adopting a key, forgetting the changes, ...) are out of reach of a user of the
 * published package: a user holding a session cannot make it adopt a key of their choosing (session
 * fixation) nor reach the internals through any package entry. Runs a real ES module against the built
 * package (`dist/`, which npm test builds first).
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve('.');
const dir = mkdtempSync(join(tmpdir(), 'sessionkit-internals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INTERNAL_NAMES = [
  'setKey',
  'markSaved',
  'replaceCache',
  'dataForSave',
  'peek',
  'storedAs',
  'noteStored',
  'noteLoaded',
  'saveNow',
  'sessionInternals',
];

const APP = `import { createSessionManager } from 'sessionkit';
const names = ${JSON.stringify(INTERNAL_NAMES)};
const entries = ${JSON.stringify('ENTRIES')};
const chosen = 'attacker-chosen-key-0123456789';
const manager = createSessionManager({ secretKey: 'internals-test-secret-0123456789-abcdefghijklmnopqrstuvw', store: 'memory:' });
const session = manager.open();
await session.set('visits', 1);
// Everything a caller can reach on the session object, up its prototype chain.
const reachable = [];
for (let object = session; object !== null && object !== Object.prototype; object = Object.getPrototypeOf(object)) {
  for (const name of Reflect.ownKeys(object)) if (typeof name === 'string') reachable.push(name);
}
// Try to adopt the chosen key, as the old internals allowed, then save as a new record under it.
for (const attempt of [
  () => session.setKey(chosen),
  () => session.markSaved(),
  () => session.replaceCache({ user: 'victim' }),
]) {
  try {
    attempt();
  } catch {}
}
try {
  await session.save({ mustCreate: true });
} catch {}
const exported = [];
for (const entry of entries) {
  const module = await import(entry);
  // (\`peek\` of sessionkit/messages is that module's own API, not the session's.)
  for (const name of Object.keys(module)) if (names.includes(name) && name !== 'peek') exported.push(entry + ':' + name);
}
console.log(JSON.stringify({
  internalsOnSession: reachable.filter((name) => names.includes(name)),
  adopted: session.sessionKey === chosen,
  storedUnderChosenKey: await manager.open().exists(chosen),
  exported,
}));
`;

describe('session internals', () => {
  it('are out of reach of a user of the published package', async () => {
    expect(existsSync(join(root, 'dist', 'index.js')), 'run npm run build first').toBe(true);
    const exportsMap = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports as Record<
      string,
      unknown
    >;
    const entries = Object.keys(exportsMap)
      .filter((entry) => entry !== './package.json')
      .map((entry) => (entry === '.' ? 'sessionkit' : `sessionkit/${entry.slice(2)}`));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'internals-app', type: 'module' }));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'sessionkit'), 'dir');
    writeFileSync(join(dir, 'app.mjs'), APP.replace('"ENTRIES"', JSON.stringify(entries)));
    const output = await new Promise<string>((done, fail) =>
      execFile(
        process.execPath,
        [join(dir, 'app.mjs')],
        { cwd: dir, timeout: 60_000 },
        (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout)),
      ),
    );
    expect(JSON.parse(output)).toEqual({
      internalsOnSession: [],
      adopted: false,
      storedUnderChosenKey: false,
      exported: [],
    });
  }, 120_000);
});
