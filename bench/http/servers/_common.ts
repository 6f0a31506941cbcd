/**
 * What every benchmark server shares: the three routes' bodies, the secrets, and the child-process
 * protocol — listen on a free loopback port, report it to the parent over IPC, exit cleanly on `stop`
 * (so `--cpu-prof` can write its profile).
 * @module
 */
import type { Server } from 'node:http';
import { Session as Inspector } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';

/** sessionkit's `secretKey` in every sessionkit server. */
export const SESSIONKIT_SECRET = 'bench-http-sessionkit-secret-key-0123456789abcdefghijk';
/** The cookie-signature secret of express-session and @fastify/session (≥ 32 characters for the latter). */
export const COOKIE_SECRET = 'bench-http-cookie-signature-secret-0123456789';
/** Cookie lifetime of the other libraries, set to sessionkit's default `cookieAge` (two weeks), in ms. */
export const COOKIE_MAX_AGE_MS = 1_209_600 * 1000;

/** Body of `/untouched` on every server. */
export const UNTOUCHED_BODY = 'ok';

/** The counter from session data (0 when absent). */
export function counterOf(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** Route paths every server answers. */
export const ROUTES = ['/counter', '/read', '/untouched'] as const;

/** Report `server`'s port to the parent and exit when told to (or on SIGTERM/SIGINT). */
export function announce(server: Server, close: () => Promise<void> = async () => {}): void {
  const { port } = server.address() as AddressInfo;
  const stop = async (): Promise<void> => {
    server.closeAllConnections();
    await Promise.race([close(), new Promise((resolve) => setTimeout(resolve, 1000))]);
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'stop') void stop();
    else if (message === 'alloc-start' || message === 'alloc-stop') void allocationSampling(message);
  });
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  if (process.send) process.send({ port });
  else console.log(`listening on http://127.0.0.1:${port}`);
}

/** The `PORT` environment variable (0 = any free port). */
export function portFromEnv(): number {
  const port = Number(process.env.PORT ?? 0);
  return Number.isInteger(port) && port >= 0 ? port : 0;
}

let inspector: Inspector | null = null;

/**
 * For `costs.ts`: sample every allocation of this process, including objects already collected by
 * either GC (V8's sampling heap profiler, one sample per 256 bytes on average), and report the bytes
 * allocated between `alloc-start` and `alloc-stop` to the parent as `{ allocated }`.
 */
async function allocationSampling(message: 'alloc-start' | 'alloc-stop'): Promise<void> {
  if (message === 'alloc-start') {
    inspector ??= new Inspector();
    inspector.connect();
    await inspector.post('HeapProfiler.startSampling', {
      samplingInterval: 256,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    process.send?.({ sampling: true });
    return;
  }
  if (inspector === null) return;
  const { profile } = await inspector.post('HeapProfiler.stopSampling');
  inspector.disconnect();
  let allocated = 0;
  const bySite = new Map<string, number>();
  type Node = {
    selfSize: number;
    children: Node[];
    callFrame: { functionName: string; url: string; lineNumber: number };
  };
  const walk = (node: Node): void => {
    allocated += node.selfSize;
    const { functionName, url, lineNumber } = node.callFrame;
    const site = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}`;
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(profile.head as Node);
  // BENCH_ALLOC_TOP=n: where the bytes were allocated (the n largest sites), for finding what to cut.
  const top = Number(process.env.BENCH_ALLOC_TOP ?? 0);
  const sites = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, top);
  process.send?.({ allocated, sites });
}
