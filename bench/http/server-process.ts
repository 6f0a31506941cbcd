/**
 * Start one benchmark server in its own Node process (so it never shares the load generator's event
 * loop) and stop it cleanly (so `--cpu-prof` writes its profile).
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A running server process. */
export interface ServerProcess {
  port: number;
  /**
   * CPU time the server process has used so far (user + system, all its threads), in seconds, or
   * `null` where `/proc` cannot tell (not Linux).
   */
  cpuSeconds(): number | null;
  stop(): Promise<void>;
}

/** Linux's clock ticks per second for `/proc/<pid>/stat` (`getconf CLK_TCK`: 100 on every mainstream kernel). */
const CLOCK_TICKS = 100;

/** utime + stime of a process from `/proc/<pid>/stat`, in seconds; `null` when unavailable. */
function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/**
 * The path of `servers/<file>` and the Node flags that load it: through tsx, or, from a build
 * (`--build`, see `build.ts`), the compiled JavaScript without tsx.
 */
export function serverEntry(file: string): { path: string; loader: string[] } {
  const built = import.meta.url.endsWith('.js');
  const name = built ? file.replace(/\.ts$/, '.js') : file;
  return {
    path: fileURLToPath(new URL(`./servers/${name}`, import.meta.url)),
    loader: built ? [] : ['--import', 'tsx'],
  };
}

/**
 * Spawn `node [flags] --import tsx servers/<file>` (from a build: `node [flags] servers/<file>.js`) and wait
 * until it reports its port; `flags` are extra Node flags (`--cpu-prof` ...); `cpu`, when given, is the
 * only CPU the server may run on (Linux, `taskset`).
 */
export async function startServer(
  file: string,
  flags: readonly string[] = [],
  cpu: number | null = null,
): Promise<ServerProcess> {
  const { path, loader } = serverEntry(file);
  const argv = [process.execPath, ...flags, ...loader, path];
  // `taskset -c <cpu>` binds every thread of the server (main, GC helpers, libuv pool) to that CPU.
  const command = cpu === null ? argv : ['taskset', '-c', String(cpu), ...argv];
  const child: ChildProcess = spawn(command[0]!, command.slice(1), {
    env: { ...process.env, PORT: '0', NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start within 30 s`)), 30_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve((message as { port: number }).port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with code ${code} before listening`));
    });
  });
  return {
    port,
    cpuSeconds: () => processCpuSeconds(child.pid),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
