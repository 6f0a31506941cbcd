import { main } from '../../src/cli/main.js';

/** What one in-process run of the CLI printed, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Environment variables the CLI sees (nothing else: the test's own environment is not leaked). */
  env?: Record<string, string>;
  /** Pretend stderr is a terminal. @default false */
  isTTY?: boolean;
}

/** Run `sessionkit ...args` in-process with captured output. */
export async function runCli(args: string[], options: RunCliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'sessionkit', ...args], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
  });
  return { code, stdout, stderr };
}
