/**
 * What each HTTP variant costs per request, counted rather than timed: bytes allocated on the JS heap
 * and V8 inline-cache misses. On a noisy machine req/s moves by 10–90% between rounds; these two
 * counts move by about 1%, so they show what a change did to the server's work.
 *
 *   npx tsx bench/http/costs.ts [--only express-plain,express-sessionkit] [--requests 2000] [--warm 3000]
 *   BENCH_ALLOC_TOP=20 npx tsx bench/http/costs.ts --only node-sessionkit   # also: the 20 largest allocation sites
 *
 * Each server runs in its own process with `--log-ic` (V8 logs every inline-cache miss: a property
 * access the JIT's cache could not answer, handled by the runtime instead; Express swaps the prototype
 * of every `req`/`res`, so accesses on them miss often). One keep-alive connection with its own cookie
 * jar sends the requests one at a time: a warm-up cycling through the routes, then per route
 * `--requests` requests while the server samples every allocation (V8's sampling heap profiler, 256 B
 * interval, objects already collected included). Misses are the `*IC,` lines the log gained during the
 * phase (the log is buffered: a few hundred lines of lag, under 1% at the default size).
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rerunFromBuild } from './build.js';
import { SequentialClient as Client } from './sequential-client.js';
import { serverEntry } from './server-process.js';
import { PHASES, printRatioLines, VARIANTS } from './variants.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    requests: { type: 'string', default: '2000' },
    warm: { type: 'string', default: '3000' },
    build: { type: 'boolean', default: false },
  },
});
if (values.build) rerunFromBuild('costs');
const requests = Number(values.requests);
const warm = Number(values.warm);
const only = values.only?.split(',').map((name) => name.trim());
const selected = only ? VARIANTS.filter((v) => only.includes(v.name)) : VARIANTS;
if (selected.length === 0)
  throw new Error(`--only matched no variant (known: ${VARIANTS.map((v) => v.name)})`);
const routes = PHASES.filter((phase) => phase.paths.length === 1).map((phase) => phase.paths[0]!);

/** Counts the inline-cache lines a growing V8 log gains. */
class IcLog {
  readonly #path: string;
  #offset = 0;
  #partial = '';

  constructor(path: string) {
    this.#path = path;
  }

  /** Inline-cache misses logged since the last call. */
  missesSince(): number {
    const size = statSync(this.#path).size;
    const buffer = Buffer.alloc(size - this.#offset);
    const fd = openSync(this.#path, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, this.#offset);
    } finally {
      closeSync(fd);
    }
    this.#offset = size;
    const lines = (this.#partial + buffer.toString('latin1')).split('\n');
    this.#partial = lines.pop()!;
    return lines.filter((line) => /^[A-Za-z]*IC,/.test(line)).length;
  }
}

interface Cost {
  /** Bytes allocated per request. */
  bytes: number;
  /** Inline-cache misses per request. */
  misses: number;
}

/** Send `message` to the server and resolve its first reply that carries `key`. */
function ask<Reply extends object>(child: ChildProcess, message: string, key: keyof Reply): Promise<Reply> {
  return new Promise((resolve) => {
    const listener = (reply: Reply): void => {
      if (!(key in reply)) return;
      child.off('message', listener);
      resolve(reply);
    };
    child.on('message', listener);
    child.send(message);
  });
}

async function measure(file: string, dir: string): Promise<Map<string, Cost>> {
  const logfile = join(dir, `${file}.log`);
  const { path, loader } = serverEntry(file);
  const child = spawn(
    process.execPath,
    ['--log-ic', `--logfile=${logfile}`, '--no-logfile-per-isolate', ...loader, path],
    {
      env: { ...process.env, PORT: '0', NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  try {
    const [{ port }] = (await once(child, 'message')) as [{ port: number }];
    const client = await Client.open(port);
    for (let i = 0; i < warm; i++) await client.request(routes[i % routes.length]!);
    const log = new IcLog(logfile);
    const costs = new Map<string, Cost>();
    for (const route of routes) {
      await ask<{ sampling: boolean }>(child, 'alloc-start', 'sampling');
      log.missesSince();
      for (let i = 0; i < requests; i++) {
        const status = await client.request(route);
        if (status !== 200) throw new Error(`${file} ${route} answered ${status}`);
      }
      const misses = log.missesSince();
      const { allocated, sites = [] } = await ask<{ allocated: number; sites?: Array<[string, number]> }>(
        child,
        'alloc-stop',
        'allocated',
      );
      for (const [site, bytes] of sites) {
        console.log(`  ${file} ${route}: ${(bytes / requests).toFixed(0).padStart(6)} B/request  ${site}`);
      }
      costs.set(route, { bytes: allocated / requests, misses: misses / requests });
    }
    client.close();
    return costs;
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

console.log(
  '# HTTP costs per request: JS heap bytes allocated and V8 inline-cache misses (counted, not timed)',
);
console.log(
  `# Node ${process.version}; one keep-alive connection, ${warm} warm-up requests, then ${requests} per route`,
);
const dir = mkdtempSync(join(tmpdir(), 'sessionkit-costs-'));
const results = new Map<string, Map<string, Cost>>();
try {
  for (const variant of selected) results.set(variant.name, await measure(variant.file, dir));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const pad = (text: string, width: number): string => text.padStart(width);
console.log(`\n${'variant'.padEnd(20)}${routes.map((r) => pad(`${r} KB`, 14) + pad('misses', 8)).join('')}`);
for (const [name, costs] of results) {
  const cells = routes.map((route) => {
    const cost = costs.get(route)!;
    return pad((cost.bytes / 1024).toFixed(1), 14) + pad(cost.misses.toFixed(1), 8);
  });
  console.log(name.padEnd(20) + cells.join(''));
}
console.log('\nWhat a variant adds over its baseline, per request (bytes / misses)');
printRatioLines(results, routes, (a, b) =>
  pad(`${((a.bytes - b.bytes) / 1024).toFixed(1)} KB / ${(a.misses - b.misses).toFixed(1)}`, 20),
);
