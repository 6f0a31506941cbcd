/**
 * Private, throw-away service instances for fault tests: a Redis, a memcached, a PostgreSQL cluster
 * and a 6-node Redis Cluster, each on free loopback ports and in a temporary folder, started and
 * stopped by the test that owns them. The shared services (5432, 3306, 6379, 11211/11212, 7101–7103)
 * are never touched.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ask, freePort, hasCommand, run, waitUntil } from './probe.js';

/** Children still running, killed if the test process exits without stopping them. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function launch(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: 'ignore' });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.on('error', () => {});
  return child;
}

async function end(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // A frozen process must be thawed to die from anything but SIGKILL; SIGKILL needs no thaw.
  child.kill('SIGKILL');
  await exited;
}

/** A process started by a test: freeze, thaw, kill, start again on the same port. */
export interface PrivateServer {
  readonly port: number;
  /** SIGSTOP: the process keeps its sockets open but answers nothing. */
  freeze(): void;
  /** SIGCONT after {@link freeze}. */
  thaw(): void;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
  /** Start again on the same port (after {@link kill}) and wait until it answers. */
  start(): Promise<void>;
}

function privateServer(
  port: number,
  command: string,
  args: string[],
  answers: () => Promise<boolean>,
  what: string,
): PrivateServer {
  let child: ChildProcess | undefined;
  return {
    port,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    kill: () => end(child),
    async start() {
      child = launch(command, args);
      if (!(await waitUntil(answers, 15_000))) throw new Error(`${what} on port ${port} did not start`);
    },
  };
}

const pong = async (port: number) => (await ask(port, 'PING\r\n'))?.startsWith('+PONG') ?? false;

/** Why the private Redis instances cannot run here, or `null`. */
export async function privateRedisProblem(): Promise<string | null> {
  return (await hasCommand('redis-server')) && (await hasCommand('redis-cli'))
    ? null
    : 'redis-server / redis-cli are not installed';
}

/** Start a private Redis (no persistence) on a free port. */
export async function startRedis(): Promise<PrivateServer> {
  const port = await freePort();
  const server = privateServer(
    port,
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    () => pong(port),
    'redis-server',
  );
  await server.start();
  return server;
}

/** Start a private memcached on a free port. */
export async function startMemcached(): Promise<PrivateServer> {
  const port = await freePort();
  // memcached refuses to run as root unless told which user to run as.
  const user = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  const server = privateServer(
    port,
    'memcached',
    [...user, '-l', '127.0.0.1', '-p', String(port), '-m', '16'],
    async () => (await ask(port, 'version\r\n'))?.startsWith('VERSION') ?? false,
    'memcached',
  );
  await server.start();
  return server;
}

/** A private PostgreSQL cluster: `url` has trust auth and the `postgres` database. */
export interface PrivatePostgres {
  readonly port: number;
  readonly url: string;
  /** `pg_ctl stop -m immediate`: connections drop at once, as on a crash. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stop the server and remove its folder. */
  destroy(): Promise<void>;
}

function postgresBin(): string | null {
  for (const version of ['17', '16', '15', '14', '13']) {
    const bin = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(bin, 'initdb'))) return bin;
  }
  return null;
}

/** Why a private PostgreSQL cannot run here, or `null`. */
export async function privatePostgresProblem(): Promise<string | null> {
  if (postgresBin() === null) return 'no initdb under /usr/lib/postgresql/*/bin';
  if (process.getuid?.() === 0 && !(await run('id', ['-u', 'postgres']).catch(() => null))) {
    return 'running as root and there is no postgres user to run initdb as';
  }
  return null;
}

/**
 * initdb into a temporary folder and start the server on a free port. As root, every PostgreSQL
 * command runs as the `postgres` user (PostgreSQL refuses to run as root).
 */
export async function startPostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin();
  if (bin === null) throw new Error('no initdb under /usr/lib/postgresql/*/bin');
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'sk-faults-pg-'));
  if (root) {
    const uid = Number((await run('id', ['-u', 'postgres'])).trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).trim());
    chownSync(dir, uid, gid);
  }
  const as = (command: string, args: string[], timeoutMs = 60_000) =>
    root
      ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], timeoutMs)
      : run(join(bin, command), args, timeoutMs);
  const port = await freePort();
  const data = join(dir, 'data');
  await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const ctl = (...args: string[]) => as('pg_ctl', ['-D', data, '-l', join(dir, 'log'), ...args]);
  const server: PrivatePostgres = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await ctl('-m', 'immediate', 'stop');
    },
    start: async () => {
      await ctl('-o', options, '-w', '-t', '60', 'start');
    },
    async destroy() {
      await ctl('-m', 'immediate', 'stop').catch(() => '');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** A private Redis Cluster of 3 masters, each with one replica. */
export interface PrivateCluster {
  /** Every node, masters first as created. */
  readonly nodes: PrivateServer[];
  /** Seed addresses for the client (`127.0.0.1:port` of the masters). */
  readonly seeds: string[];
  /** The port of the master that serves `key`, asked of the cluster. */
  masterOf(key: string): Promise<number>;
  /** Resolves when every live node reports `cluster_state:ok` and the given port is no longer a master. */
  failedOver(port: number, timeoutMs: number): Promise<boolean>;
  destroy(): Promise<void>;
}

const cli = (port: number, ...args: string[]) =>
  run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], 5000).catch(() => '');

/**
 * Start 6 cluster nodes on free ports and create a 3 × (master + replica) cluster.
 * @param fullCoverage Redis's `cluster-require-full-coverage`: when `true` (Redis's default) the
 * whole cluster refuses every command (CLUSTERDOWN) while any slot has no live master.
 */
export async function startRedisCluster(
  fullCoverage: boolean,
  nodeTimeoutMs = 1000,
): Promise<PrivateCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'sk-faults-cluster-'));
  const nodes: PrivateServer[] = [];
  for (let i = 0; i < 6; i++) {
    const port = await freePort();
    const node = privateServer(
      port,
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        String(nodeTimeoutMs),
        '--cluster-require-full-coverage',
        fullCoverage ? 'yes' : 'no',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      () => pong(port),
      'redis-server (cluster node)',
    );
    await node.start();
    nodes.push(node);
  }
  const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
  await run(
    'redis-cli',
    ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'],
    60_000,
  );
  const ok = async (alive: PrivateServer[]) =>
    (await Promise.all(alive.map((n) => cli(n.port, 'cluster', 'info')))).every((text) =>
      text.includes('cluster_state:ok'),
    );
  if (!(await waitUntil(() => ok(nodes), 30_000))) {
    throw new Error('the private cluster did not reach cluster_state:ok');
  }
  const masters = async (from: PrivateServer): Promise<string[]> =>
    (await cli(from.port, 'cluster', 'nodes'))
      .split('\n')
      .filter((line) => /\bmaster\b/.test(line) && !/\bfail\b/.test(line));
  return {
    nodes,
    seeds: addresses.slice(0, 3),
    async masterOf(key) {
      const slot = Number((await cli(nodes[0]!.port, 'cluster', 'keyslot', key)).trim());
      for (const line of await masters(nodes[0]!)) {
        const fields = line.split(' ');
        const port = Number(fields[1]!.split('@')[0]!.split(':')[1]);
        for (const range of fields.slice(8)) {
          const [from, to = from] = range.split('-').map(Number);
          if (slot >= from! && slot <= to!) return port;
        }
      }
      throw new Error(`no master serves slot ${slot}`);
    },
    async failedOver(port, timeoutMs) {
      const alive = nodes.filter((n) => n.port !== port);
      return waitUntil(
        async () =>
          (await ok(alive)) &&
          (await masters(alive[0]!)).filter((line) => !line.includes(`:${port}@`)).length === 3,
        timeoutMs,
      );
    },
    async destroy() {
      await Promise.all(nodes.map((node) => node.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
