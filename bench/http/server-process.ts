/**
 * Start one benchmark server in its own Node process (so it never shares the load generator's event
 * loop) and stop it cleanly (so `--cpu-prof` writes its profile).
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** A running server process. */
export interface ServerProcess {
  port: number;
  stop(): Promise<void>;
}

/** Spawn `node --import tsx servers/<file>` and wait until it reports its port. */
export async function startServer(file: string, cpuProfDir: string | null): Promise<ServerProcess> {
  const path = fileURLToPath(new URL(`./servers/${file}`, import.meta.url));
  const flags = cpuProfDir === null ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProfDir];
  const child: ChildProcess = spawn(process.execPath, [...flags, '--import', 'tsx', path], {
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
