import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** What `import 'sessionkit/<entry>'` loads before any store is used: the static import graph. */
async function staticGraph(entry: string): Promise<{ inputs: Set<string>; builtins: Set<string> }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'neutral',
    format: 'esm',
    splitting: true,
    outdir: 'dist-bundle-check',
    write: false,
    metafile: true,
    external: ['node:*'],
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  const outputs: Metafile['outputs'] = result.metafile.outputs;
  const start = Object.keys(outputs).find((name) => outputs[name]!.entryPoint === entry)!;
  const inputs = new Set<string>();
  const builtins = new Set<string>();
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const output = outputs[name]!;
    for (const input of Object.keys(output.inputs)) inputs.add(input);
    // Dynamic imports (a store's module, user-sessions) load only when used: not followed.
    for (const imported of output.imports) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) builtins.add(imported.path);
      else visit(imported.path);
    }
  };
  visit(start);
  return { inputs, builtins };
}

const FORBIDDEN_BUILTINS = ['node:fs', 'node:fs/promises', 'node:os', 'node:path', 'node:module'];
/** Store modules allowed on the way: the URL table and the pure helpers it needs. */
const ALLOWED_STORE_FILES = new Set(['src/stores/resolve.ts', 'src/stores/_redact.ts']);

describe('the sessionkit/hono and sessionkit/signing bundles (esbuild, platform neutral)', () => {
  it.each([
    ['sessionkit/hono', 'src/adapters/hono.ts'],
    ['sessionkit/signing', 'src/signing/index.ts'],
  ])('%s imports no store and none of node:fs, os, path, module', async (_name, entry) => {
    const { inputs, builtins } = await staticGraph(entry);
    expect([...builtins].filter((b) => FORBIDDEN_BUILTINS.includes(b))).toEqual([]);
    const stores = [...inputs].filter((i) => i.startsWith('src/stores/') && !ALLOWED_STORE_FILES.has(i));
    expect(stores).toEqual([]);
    expect([...inputs].filter((i) => i.includes('user-sessions/user-sessions'))).toEqual([]);
  });
});
