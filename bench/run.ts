/**
 * `npm run bench [-- --quick]`: every benchmark of bench/ in sequence, each in its own process with a
 * time limit, so one hung service cannot stall the run. The whole run takes about 7 minutes (about 3
 * minutes with `--quick`). `clearsessions-pg.ts` is not included: it fills a million rows; run it on its own.
 * @module
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { QUICK } from './_harness.js';

/** Benchmark files and their time limits in seconds (full run, --quick run). */
const BENCHMARKS: Array<[file: string, full: number, quick: number]> = [
  ['signing.ts', 60, 20],
  ['session-cycle.ts', 60, 30],
  ['stores.ts', 150, 60],
  ['http/run.ts', 420, 150],
];

async function runOne(file: string, limitSeconds: number): Promise<string> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path, ...(QUICK ? ['--quick'] : [])], {
    stdio: 'inherit',
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
  }, limitSeconds * 1000);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  if (timedOut) return `killed after ${limitSeconds} s`;
  return code === 0 ? 'ok' : `failed (${signal ?? `exit ${code}`})`;
}

const summary: string[] = [];
const start = Date.now();
for (const [file, full, quick] of BENCHMARKS) {
  console.log(`\n======== bench/${file} ========`);
  const began = Date.now();
  const status = await runOne(file, QUICK ? quick : full);
  summary.push(`${file}: ${status} in ${((Date.now() - began) / 1000).toFixed(1)} s`);
}
console.log(`\n# ${summary.join('; ')}; total ${((Date.now() - start) / 1000).toFixed(1)} s`);
if (summary.some((line) => !line.includes(': ok '))) process.exitCode = 1;
