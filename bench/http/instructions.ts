/**
 * CPU instructions per request, counted by valgrind's callgrind on each server's main thread: the one
 * figure of the HTTP benchmark that is the same from run to run (about ±1%) and from machine to
 * machine of one architecture, however busy the machine is.
 *
 *   npx tsx bench/http/instructions.ts [--only express-plain,express-floor,express-sessionkit]
 *                                      [--routes /counter,/read] [--requests 4000] [--warm 3000] [--cache] [--build]
 *
 * Per variant and route, two copies of the server run under callgrind side by side: both get the same
 * warm-up (`--warm` requests cycling through the routes) on one keep-alive connection, then one of them
 * `--requests` more to the route. The difference of their main threads' totals, divided by
 * `--requests`, is what one request costs, start-up and warm-up cancelled out. Only the main thread is
 * counted (where JavaScript, the inline-cache runtime and most of the young-generation GC run); V8's
 * background compiler and GC helper threads vary with timing. Instructions are not time (a cache miss
 * costs more than an add), so this complements `run.ts` rather than replacing it. Under callgrind a
 * server runs ~50× slower: about a minute per variant and route. Needs `valgrind` (Debian: valgrind).
 *
 * `--build` runs the servers from an esbuild build, as `run.ts --build` does (no tsx `keepNames` wrappers).
 *
 * `--cache` also simulates the caches (callgrind's model of the host's L1 instruction and data caches
 * and last level) and prints their misses per request: where time goes that instructions do not show.
 * About twice as slow.
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rerunFromBuild } from './build.js';
import { SequentialClient } from './sequential-client.js';
import { serverEntry } from './server-process.js';
import { PHASES, printRatioLines, VARIANTS } from './variants.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'express-plain,express-floor,express-sessionkit' },
    routes: { type: 'string', default: '/counter' },
    requests: { type: 'string', default: '4000' },
    warm: { type: 'string', default: '3000' },
    cache: { type: 'boolean', default: false },
    build: { type: 'boolean', default: false },
  },
});
if (values.build) rerunFromBuild('instructions');
const requests = Number(values.requests);
const warm = Number(values.warm);
const only = values.only.split(',').map((name) => name.trim());
const selected = VARIANTS.filter((v) => only.includes(v.name));
const allRoutes = PHASES.filter((phase) => phase.paths.length === 1).map((phase) => phase.paths[0]!);
const routes = values.routes.split(',').map((route) => route.trim());
if (selected.length === 0)
  throw new Error(`--only matched no variant (known: ${VARIANTS.map((v) => v.name)})`);
if (routes.some((route) => !allRoutes.includes(route))) throw new Error(`--routes: known are ${allRoutes}`);
if (!Number.isInteger(requests) || requests < 1) throw new Error('--requests must be a positive integer');

try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('instructions.ts needs valgrind (apt-get install -y valgrind); nothing measured.');
  process.exit(2);
}

/** A free loopback port (the servers under valgrind are told theirs through PORT). */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/** Connect to `port` once the server under valgrind listens (its start-up takes seconds there). */
async function connectWhenUp(port: number, child: ChildProcess): Promise<SequentialClient> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null)
      throw new Error(`server exited with code ${child.exitCode} before listening`);
    try {
      return await SequentialClient.open(port);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`server on port ${port} did not start within 150 s`);
}

/** Callgrind's event totals of one run's main thread, by event name (`Ir`, and with `--cache` `I1mr` ...). */
type Events = Map<string, number>;

/** Run one server under callgrind, send the warm-up then `count` requests to `route`; main-thread totals. */
async function countOne(file: string, route: string, count: number, out: string): Promise<Events> {
  const port = await freePort();
  const { path: server, loader } = serverEntry(file);
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--separate-threads=yes',
      ...(values.cache ? ['--cache-sim=yes'] : []),
      '--smc-check=all-non-file', // V8 writes machine code at run time
      `--callgrind-out-file=${out}`,
      process.execPath,
      ...loader,
      server,
    ],
    {
      env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    const client = await connectWhenUp(port, child);
    for (let i = 0; i < warm; i++) await client.request(allRoutes[i % allRoutes.length]!);
    for (let i = 0; i < count; i++) {
      const status = await client.request(route);
      if (status !== 200) throw new Error(`${file} ${route} answered ${status}`);
    }
    client.close();
  } finally {
    const exited = once(child, 'exit');
    child.kill('SIGTERM'); // the server exits cleanly; callgrind then writes its files
    await exited;
  }
  const text = readFileSync(`${out}-01`, 'utf8');
  const names = /^events: (.+)$/m.exec(text)?.[1]?.split(' ');
  const totals = /^summary: (.+)$/m.exec(text)?.[1]?.split(' ').map(Number);
  if (names === undefined || totals === undefined)
    throw new Error(`no callgrind summary for ${file}:\n${stderr}`);
  return new Map(names.map((name, i) => [name, totals[i] ?? 0]));
}

/** Per request: the difference of two runs' totals over `requests`, event by event. */
function perRequest(base: Events, loaded: Events): Events {
  return new Map([...loaded].map(([name, total]) => [name, (total - (base.get(name) ?? 0)) / requests]));
}

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-instructions-'));
console.log('# HTTP: CPU instructions per request on the server main thread (valgrind callgrind, counted)');
console.log(
  `# Node ${process.version}; one keep-alive connection, ${warm} warm-up requests, then ${requests} to the route`,
);
const results = new Map<string, Map<string, number>>();
const caches = new Map<string, Map<string, Events>>();
try {
  for (const variant of selected) {
    const perRoute = new Map<string, number>();
    const cachePerRoute = new Map<string, Events>();
    for (const route of routes) {
      const tag = `${variant.name}${route.replaceAll('/', '-')}`;
      const [base, loaded] = await Promise.all([
        countOne(variant.file, route, 0, join(dir, `${tag}-0`)),
        countOne(variant.file, route, requests, join(dir, `${tag}-n`)),
      ]);
      const events = perRequest(base, loaded);
      perRoute.set(route, events.get('Ir')!);
      cachePerRoute.set(route, events);
      console.log(`  ${variant.name} ${route}: ${Math.round(events.get('Ir')!).toLocaleString('en')}`);
    }
    results.set(variant.name, perRoute);
    caches.set(variant.name, cachePerRoute);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const thousands = (n: number): string => `${(n / 1000).toFixed(1)}k`;
console.log(`\n${'variant'.padEnd(22)}${routes.map((route) => route.padStart(12)).join('')}`);
for (const [name, perRoute] of results) {
  console.log(name.padEnd(22) + routes.map((route) => thousands(perRoute.get(route)!).padStart(12)).join(''));
}
console.log('\nRatios (baseline instructions / variant instructions: like req/s, higher is better)');
printRatioLines(results, routes, (a, b) =>
  `${(b / a).toFixed(3)}x (${a >= b ? '+' : ''}${thousands(a - b)})`.padStart(20),
);

if (values.cache) {
  console.log(
    '\nSimulated cache misses per request (callgrind --cache-sim; L1i, L1d reads + writes, last level)',
  );
  console.log(
    `${'variant'.padEnd(22)}${routes.map((route) => `${route} L1i / L1d / LL`.padStart(28)).join('')}`,
  );
  for (const [name, perRoute] of caches) {
    const cells = routes.map((route) => {
      const e = perRoute.get(route)!;
      const get = (event: string): number => e.get(event) ?? 0;
      const l1d = get('D1mr') + get('D1mw');
      const ll = get('ILmr') + get('DLmr') + get('DLmw');
      return `${thousands(get('I1mr'))} / ${thousands(l1d)} / ${ll.toFixed(0)}`.padStart(28);
    });
    console.log(name.padEnd(22) + cells.join(''));
  }
}
