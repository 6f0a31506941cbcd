/**
 * `npm start`: the demo server honours PORT, and a port in use is an error that says so, never a false
 * "running on".
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the demo server with `env` until it exits (it does on a start-up error) or `untilOutput` appears. */
function runDemo(
  env: Record<string, string>,
  untilOutput?: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'examples/demo/server.ts', '--store', `sqlite:${join(dir, 'demo.db')}`],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, output: stdout + stderr }),
    );
    if (untilOutput) {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes(untilOutput)) child.kill('SIGTERM');
      });
    }
  });
}

function listenOnFreePort(): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('demo server', () => {
  it('exits with an error naming the port when the port is in use', async () => {
    const taken = await listenOnFreePort();
    const port = (taken.address() as AddressInfo).port;
    try {
      const { code, output } = await runDemo({ PORT: String(port) });
      expect(code).toBe(1);
      expect(output).toContain(`port ${port} is already in use`);
      expect(output).not.toContain('sessionkit demo on');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('listens on PORT', async () => {
    const probe = await listenOnFreePort();
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const { output } = await runDemo({ PORT: String(port) }, 'sessionkit demo on');
    expect(output).toContain(`sessionkit demo on http://localhost:${port}`);
  });
});
