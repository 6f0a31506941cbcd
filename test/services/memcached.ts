/**
 * Two memcached instances on loopback (ports 11211 and 11212) for the memcached tests. Reuses running
 * instances (scripts/services.sh starts them in CI); starts missing ones when the binary is installed.
 */
import { ask, hasCommand, run, waitUntil } from './probe.js';

/** The ports of the test pool. */
export const MEMCACHED_PORTS = [11211, 11212] as const;

const answers = async (port: number): Promise<boolean> =>
  (await ask(port, 'version\r\n'))?.startsWith('VERSION') ?? false;

/**
 * Make sure a memcached answers on each port and resolve the pool's addresses (`127.0.0.1:11211`, ...),
 * or reject with the reason it cannot.
 */
export async function ensureMemcached(ports: readonly number[] = MEMCACHED_PORTS): Promise<string[]> {
  const missing: number[] = [];
  for (const port of ports) if (!(await answers(port))) missing.push(port);
  if (missing.length > 0) {
    if (!(await hasCommand('memcached'))) {
      throw new Error('memcached is not installed (run scripts/services.sh, or apt-get install memcached)');
    }
    // memcached refuses to run as root unless told which user to run as.
    const user = process.getuid?.() === 0 ? ['-u', 'root'] : [];
    for (const port of missing) {
      await run('memcached', ['-d', ...user, '-l', '127.0.0.1', '-p', String(port), '-m', '64']);
    }
    const up = await waitUntil(async () => (await Promise.all(ports.map(answers))).every(Boolean), 10_000);
    if (!up) throw new Error(`memcached did not answer on ports ${missing.join(', ')}`);
  }
  return ports.map((port) => `127.0.0.1:${port}`);
}

/** The test pool's servers, or why it cannot be had (`problem`, for `skipWithout`). */
export async function memcachedPool(): Promise<{ servers: string[]; problem: string | null }> {
  return ensureMemcached().then(
    (servers) => ({ servers, problem: null }),
    (error: unknown) => ({ servers: [], problem: (error as Error).message }),
  );
}
