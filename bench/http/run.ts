/**
 * The HTTP benchmark (issues 3 and 15): the same load script against sessionkit and the libraries it
 * replaces, on the memory stores and on Redis. Every server runs in its own process (started once, idle
 * while the others are measured); the load generator (autocannon) runs in this process; only one server
 * is under load at a time. The servers run on the Node that runs this script.
 *
 *   npx tsx bench/http/run.ts [--build] [--quick] [--only node-bare,node-sessionkit] [--connections 10]
 *                             [--seconds 2] [--rounds 3] [--cpu-prof <dir> [--cpu-prof-interval 50]]
 *                             [--phases /counter,mixed] [--pin]
 *   /opt/node24/node_modules/node/bin/node --import tsx bench/http/run.ts --build   # on Node 24
 *
 * `--build` runs the servers from an esbuild build of `src/` and `bench/` (what users run) instead of
 * through tsx (see `build.ts`). Each phase (`/counter`, `/read`, `/untouched`, mixed) runs in rounds; a
 * round measures every variant for `--seconds`, in a rotating order, so a load spike from elsewhere on
 * the machine hits all variants alike. Figures are medians over the rounds; ratios are medians of
 * per-round ratios. On Linux each table also shows the server's CPU time per response (from
 * `/proc/<pid>/stat`). The Redis variants need Redis on loopback (`SESSIONKIT_REDIS_URL`).
 *
 * `--pin` (Linux, `taskset`) binds each server to the last CPU and this process (the load generator) to
 * the others, so the two never compete for a core and req/s measures the server alone; the tables then
 * also show how busy the generator was (near 100% means it, not the server, set the pace). The Redis
 * variants then use a Redis of their own, started on the generator's CPUs (as if on another machine)
 * and stopped at the end, unless `SESSIONKIT_REDIS_URL` names one.
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { rerunFromBuild } from './build.js';
import { createUsers, type PhaseResult, runPhase, type VirtualUser } from './load.js';
import {
  printCpuRatios,
  printRatioRanges,
  printRatios,
  printTables,
  printVerification,
  type VariantRun,
} from './report.js';
import { type ServerProcess, startServer } from './server-process.js';
import { PHASES, VARIANTS } from './variants.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    connections: { type: 'string', default: '10' },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'cpu-prof-interval': { type: 'string' },
    phases: { type: 'string' },
    build: { type: 'boolean', default: false },
    pin: { type: 'boolean', default: false },
  },
});
if (values.build) rerunFromBuild('run');
const connections = Number(values.connections);
const seconds = Number(values.seconds ?? (values.quick ? 0.75 : 2));
const rounds = Number(values.rounds ?? (values.quick ? 2 : 3));
const warmUp = values.quick ? 0.5 : 1;
const only = values.only?.split(',').map((name) => name.trim());
const selected = only ? VARIANTS.filter((v) => only.includes(v.name)) : VARIANTS;
const cpuProfDir = values['cpu-prof'] ?? null;
// Sampling interval of `--cpu-prof` in µs (Node's default: 1000); finer intervals resolve the session's
// few µs per request.
const cpuProfFlags =
  cpuProfDir === null
    ? []
    : [
        '--cpu-prof',
        '--cpu-prof-dir',
        cpuProfDir,
        `--cpu-prof-interval=${values['cpu-prof-interval'] ?? 1000}`,
      ];
const phaseNames = values.phases?.split(',').map((name) => name.trim());
const phases = phaseNames ? PHASES.filter((p) => phaseNames.includes(p.name)) : PHASES;
if (phases.length === 0) throw new Error(`--phases matched no phase (known: ${PHASES.map((p) => p.name)})`);
if (cpuProfDir !== null) mkdirSync(cpuProfDir, { recursive: true });
if (selected.length === 0)
  throw new Error(`--only matched no variant (known: ${VARIANTS.map((v) => v.name)})`);

const load = (): string => loadavg()[0]!.toFixed(1);
const cpu = cpus();
/** With `--pin`: the one CPU the servers run on; the generator keeps the others. */
let serverCpu: number | null = null;
if (values.pin) {
  if (platform() !== 'linux' || cpu.length < 2)
    throw new Error('--pin needs Linux (taskset) and 2 or more CPUs');
  serverCpu = cpu.length - 1;
  execFileSync('taskset', ['-a', '-p', '-c', `0-${serverCpu - 1}`, String(process.pid)], { stdio: 'ignore' });
}
console.log(
  '# HTTP benchmark (issues 3, 15): sessions on node:http, Express and Fastify, memory stores and Redis',
);
console.log(
  `# Node ${process.version}, ${platform()} ${release()}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ` +
    `load average ${load()} at start`,
);
console.log(
  `# autocannon here, each server in its own process, one under load at a time; ${connections} keep-alive ` +
    `connections = virtual users, each with its own cookie jar; ${warmUp} s warm-up, then per phase ` +
    `${rounds} rounds × ${seconds} s per variant${values.quick ? ' (--quick)' : ''}`,
);
if (serverCpu !== null) {
  console.log(`# --pin: each server bound to CPU ${serverCpu}, the load generator to CPU 0-${serverCpu - 1}`);
}

/** With `--pin`: a private Redis on the generator's CPUs for the Redis variants. */
let redis: ChildProcess | null = null;
if (serverCpu !== null && process.env.SESSIONKIT_REDIS_URL === undefined) {
  if (selected.some((variant) => variant.name.includes('redis'))) {
    const port = 16_379 + (process.pid % 1000);
    const generatorCpus = `0-${serverCpu - 1}`;
    const config = ['--port', String(port), '--bind', '127.0.0.1', '--save', ''];
    redis = spawn('taskset', ['-c', generatorCpus, 'redis-server', ...config], { stdio: 'ignore' });
    process.env.SESSIONKIT_REDIS_URL = `redis://127.0.0.1:${port}`;
    await waitForPort(port);
    console.log(
      `# --pin: the Redis variants use a Redis of their own on 127.0.0.1:${port}, CPU 0-${serverCpu - 1}`,
    );
  }
}

const began = Date.now();
const servers = new Map<string, ServerProcess>();
const users = new Map<string, VirtualUser[]>();
const runs: VariantRun[] = selected.map((variant) => ({
  variant,
  phases: new Map(),
  rounds: new Map(),
  users: [],
}));
try {
  for (const run of runs) {
    const server = await startServer(run.variant.file, cpuProfFlags, serverCpu);
    servers.set(run.variant.name, server);
    run.users = createUsers(connections);
    users.set(run.variant.name, run.users);
    const warm = await runPhase({
      port: server.port,
      users: run.users,
      paths: PHASES.at(-1)!.paths,
      seconds: warmUp,
      checkCounters: run.variant.sessions,
    });
    run.phases.set('warm-up', warm);
  }
  for (const phase of phases) {
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < runs.length; i++) {
        const run = runs[(i + round) % runs.length]!;
        const server = servers.get(run.variant.name)!;
        const cpuBefore = server.cpuSeconds();
        const generatorBefore = process.cpuUsage();
        const wallBefore = process.hrtime.bigint();
        const result = await runPhase({
          port: server.port,
          users: run.users,
          paths: phase.paths,
          seconds,
          checkCounters: run.variant.sessions,
        });
        const cpuAfter = server.cpuSeconds();
        const generator = process.cpuUsage(generatorBefore);
        const wall = Number(process.hrtime.bigint() - wallBefore) / 1e3;
        result.generatorCpu = (generator.user + generator.system) / wall;
        if (cpuBefore !== null && cpuAfter !== null && result.responses > 0) {
          result.serverCpuUs = ((cpuAfter - cpuBefore) * 1e6) / result.responses;
        }
        const list = run.rounds.get(phase.name) ?? [];
        list.push(result);
        run.rounds.set(phase.name, list);
      }
    }
    console.log(`  ${phase.name} done (load average ${load()})`);
  }
} finally {
  for (const server of servers.values()) await server.stop();
  if (redis !== null && redis.exitCode === null) {
    const exited = once(redis, 'exit');
    redis.kill('SIGTERM');
    await exited;
  }
}

for (const run of runs) {
  for (const [name, list] of run.rounds) run.phases.set(name, combine(list));
}
printTables(runs, phases);
printRatios(runs, rounds, phases);
printRatioRanges(runs, phases);
printCpuRatios(runs, phases);
const verified = printVerification(runs);
console.log(`\n# total ${((Date.now() - began) / 1000).toFixed(0)} s, load average ${load()} at the end`);
if (!verified) process.exitCode = 1;

/** Medians over rounds for the figures; sums for the counts. */
function combine(list: readonly PhaseResult[]): PhaseResult {
  const median = (pick: (r: PhaseResult) => number): number => {
    const sorted = list.map(pick).sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const sum = (pick: (r: PhaseResult) => number): number => list.reduce((total, r) => total + pick(r), 0);
  const withCpu = list.every((r) => r.serverCpuUs !== undefined);
  return {
    rps: median((r) => r.rps),
    p50: median((r) => r.p50),
    p99: median((r) => r.p99),
    responses: sum((r) => r.responses),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    mismatches: sum((r) => r.mismatches),
    spread:
      (Math.max(...list.map((r) => r.rps)) - Math.min(...list.map((r) => r.rps))) / median((r) => r.rps),
    ...(withCpu ? { serverCpuUs: median((r) => r.serverCpuUs!) } : {}),
    generatorCpu: median((r) => r.generatorCpu ?? Number.NaN),
  };
}

/** Resolve once something accepts connections on 127.0.0.1:`port` (10 s at most). */
async function waitForPort(port: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
