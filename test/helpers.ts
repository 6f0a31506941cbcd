import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../src/core/logger.js';
import type { SessionRecord } from '../src/stores/types.js';

/** A 50-character secret used throughout the tests. */
export const SECRET = 'sessionkit-tests-secret-key-0123456789-abcdefghijkl';

export { createClock, type TestClock } from '../src/testing/clock.js';

/** A logger that records what it is told. */
export interface RecordingLogger extends Logger {
  records: Array<{ level: 'warn' | 'error'; message: string; details?: Record<string, unknown> }>;
}

export function createRecordingLogger(): RecordingLogger {
  const records: RecordingLogger['records'] = [];
  return {
    records,
    warn(message, details) {
      records.push({ level: 'warn', message, details });
    },
    error(message, details) {
      records.push({ level: 'error', message, details });
    },
  };
}

/**
 * Whether service-backed tests must run: in CI (CI=true) a missing service fails the suite; locally the
 * suite skips with a loud message.
 */
export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/** Print a loud skip notice (local runs only). */
export function announceSkip(what: string, why: string): void {
  console.warn(`\n!!! SKIPPING ${what}: ${why}\n!!! (in CI, with CI=true, this is a failure)\n`);
}

/** A TCP server that accepts connections and never answers (a hung database). */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A session record for `key` expiring in `maxAge` seconds, for store-level tests. */
export const record = (key: string, data: string, maxAge: number): SessionRecord => ({
  key,
  data,
  maxAge,
  expireDate: new Date(Date.now() + maxAge * 1000),
});

/** A key no other test uses. */
export const uniqueKey = (): string => `k${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
