/**
 * A real 3-master Redis Cluster on loopback (ports 7101–7103) for the Redis Cluster tests. Idempotent:
 * a running healthy cluster is reused; ports holding a broken cluster are shut down and recreated.
 * Nodes are left running afterwards (CI kills every process at the end of the job).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ask, hasCommand, run, waitUntil } from './probe.js';

/** The cluster's master ports. */
export const CLUSTER_PORTS = [7101, 7102, 7103] as const;

/** Where the nodes keep their `nodes-PORT.conf`. */
const DIR = join(tmpdir(), 'sessionkit-redis-cluster');

const info = async (port: number): Promise<string | null> =>
  run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'cluster', 'info'], 3000).catch(() => null);

/** Healthy = every node answers `cluster_state:ok` and knows exactly the 3 masters of this cluster. */
async function healthy(ports: readonly number[]): Promise<boolean> {
  const answers = await Promise.all(ports.map(info));
  const expected = [
    'cluster_state:ok',
    `cluster_known_nodes:${ports.length}`,
    `cluster_size:${ports.length}`,
  ];
  return answers.every((text) => expected.every((line) => text?.includes(line)));
}

const listening = async (port: number): Promise<boolean> => (await ask(port, 'PING\r\n')) !== null;

/**
 * Start (or reuse) the cluster and resolve its seed addresses (`127.0.0.1:7101`, ...), or reject with
 * the reason it cannot run (e.g. redis-server not installed).
 */
export async function ensureRedisCluster(ports: readonly number[] = CLUSTER_PORTS): Promise<string[]> {
  const addresses = ports.map((port) => `127.0.0.1:${port}`);
  if (await healthy(ports)) return addresses;
  if (!(await hasCommand('redis-server')) || !(await hasCommand('redis-cli'))) {
    throw new Error('redis-server / redis-cli are not installed (apt-get install redis-server)');
  }
  // Broken or partial cluster on our ports: shut those nodes down and start from scratch.
  for (const port of ports) {
    if (await listening(port)) {
      await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'shutdown', 'nosave']).catch(() => '');
    }
  }
  if (!(await waitUntil(async () => !(await Promise.all(ports.map(listening))).some(Boolean), 10_000))) {
    throw new Error(`ports ${ports.join(', ')} are held by something that does not shut down`);
  }
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  for (const port of ports) {
    const config: Record<string, string> = {
      port: String(port),
      bind: '127.0.0.1',
      'cluster-enabled': 'yes',
      'cluster-config-file': `nodes-${port}.conf`,
      dir: DIR,
      save: '',
      appendonly: 'no',
      daemonize: 'yes',
      logfile: join(DIR, `redis-${port}.log`),
    };
    await run(
      'redis-server',
      Object.entries(config).flatMap(([name, value]) => [`--${name}`, value]),
    );
  }
  if (!(await waitUntil(async () => (await Promise.all(ports.map(listening))).every(Boolean), 10_000))) {
    throw new Error(`cluster nodes did not start; see ${DIR}/redis-*.log`);
  }
  await run(
    'redis-cli',
    ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'],
    30_000,
  );
  if (!(await waitUntil(() => healthy(ports), 30_000))) {
    throw new Error('the cluster did not reach cluster_state:ok within 30 s');
  }
  return addresses;
}

/** The test cluster's seed nodes, or why it cannot be had (`problem`, for `skipWithout`). */
export async function redisClusterSeeds(): Promise<{ nodes: string[]; problem: string | null }> {
  return ensureRedisCluster().then(
    (nodes) => ({ nodes, problem: null }),
    (error: unknown) => ({
      nodes: [],
      problem: `cannot start a Redis Cluster on ports ${CLUSTER_PORTS.join(', ')}: ${(error as Error).message}`,
    }),
  );
}
