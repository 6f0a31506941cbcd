/**
 * `run.ts --build`: run the benchmark on JavaScript compiled the way a published build is (esbuild,
 * one file per source, no bundling), instead of through tsx. tsx compiles with esbuild's `keepNames`,
 * which wraps every function created at run time in a `__name()` call; that is not in what users run
 * and weighs on code that creates closures per request.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return typeScriptFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Compile `src/` and `bench/` into a temporary directory (with `node_modules` linked); returns it. */
export function buildBench(): string {
  const out = mkdtempSync(join(tmpdir(), 'sessionkit-bench-'));
  const entryPoints = [...typeScriptFiles(join(root, 'src')), ...typeScriptFiles(join(root, 'bench'))];
  buildSync({
    entryPoints,
    outdir: out,
    outbase: root,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'));
  symlinkSync(join(root, 'package.json'), join(out, 'package.json'));
  return out;
}

/**
 * For `--build`: build, run `bench/http/<script>.js` from the build with this Node and this process's
 * arguments (without `--build`), clean up, and exit with its exit code.
 */
export function rerunFromBuild(script: string): never {
  const args = process.argv.slice(2).filter((arg) => arg !== '--build');
  const out = buildBench();
  let status = 1;
  try {
    const target = join(out, 'bench', 'http', `${script}.js`);
    console.log(`# built with esbuild into ${relative(tmpdir(), out)} (no keepNames), run from there`);
    status = spawnSync(process.execPath, [target, ...args], { stdio: 'inherit' }).status ?? 1;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  process.exit(status);
}
