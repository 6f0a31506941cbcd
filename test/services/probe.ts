/**
 * Probing loopback services from tests: is a port answering, and what to do when a service is missing
 * (fail in CI, skip loudly locally).
 */
import { execFile } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { promisify } from 'node:util';
import { announceSkip, inCI } from '../helpers.js';

/** `execFile` as a promise: resolves stdout, rejects on a non-zero exit. */
export const run = async (file: string, args: string[], timeoutMs = 10_000): Promise<string> =>
  (await promisify(execFile)(file, args, { timeout: timeoutMs, encoding: 'utf8' })).stdout;

/** Whether `command` is on the PATH. */
export async function hasCommand(command: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );
}

/**
 * Send `request` to 127.0.0.1:`port` and resolve the first chunk of the answer, or `null` when nothing
 * listens or nothing answers within `timeoutMs`.
 */
export function ask(port: number, request: string, timeoutMs = 1000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (answer: string | null) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(null));
    socket.once('error', () => done(null));
    socket.once('connect', () => socket.write(request));
    socket.once('data', (chunk) => done(chunk.toString('utf8')));
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function listens(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => done(true));
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Poll `check` every 100 ms until it resolves true or `timeoutMs` passes. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Decide what a test file does when its service is missing: in CI (CI=true) throw, failing the file;
 * locally announce the skip and resolve `true` (skip).
 * @param problem why the service is unavailable, or `null` when it is available.
 */
export function skipWithout(what: string, problem: string | null): boolean {
  if (problem === null) return false;
  if (inCI) throw new Error(`${what} is required in CI but unavailable: ${problem}`);
  announceSkip(what, problem);
  return true;
}
