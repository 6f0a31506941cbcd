/**
 * The `sessionkit` command line: `encode`, `decode`, `save`, `show`, `clearsessions`, `createtable`.
 * `bin/sessionkit.js` runs {@link main} with `process.argv`; tests run it in-process with captured I/O.
 * @module
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { ConfigError, StoreUnavailable } from '../core/errors.js';
import { addClearSessionsCommand } from './commands/clearsessions.js';
import { addCreateTableCommand } from './commands/createtable.js';
import { addDecodeCommand } from './commands/decode.js';
import { addEncodeCommand } from './commands/encode.js';
import { addSaveCommand } from './commands/save.js';
import { addShowCommand } from './commands/show.js';
import { CliError, type CliIo, EXIT, FALLBACKS_ENV, SECRET_ENV } from './options.js';

export { CliError, type CliIo, type CliOutput, EXIT } from './options.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const EPILOG = `
Environment:
  ${SECRET_ENV}            the secret key when --secret is not given
                                   (prefer it: arguments show in the process list)
  ${FALLBACKS_ENV}  comma-separated older keys still accepted

Exit status: 0 ok; 1 failure (no such session, bad or expired signature, store
error); 2 usage error (bad option or JSON, missing secret, bad store URL).

Examples:
  $ export ${SECRET_ENV}='<the SECRET_KEY of your Django site>'
  $ sessionkit encode '{"user": 1}'
  $ sessionkit decode 'eyJ1c2VyIjoxfQ:1r31eq:...' --max-age 3600
  $ sessionkit save '{"user": 1}' --store sqlite:./sessions.sqlite3
  $ sessionkit show <key> --store sqlite:./sessions.sqlite3 --pretty
  $ sessionkit clearsessions --store postgres://localhost/app
  $ sessionkit createtable --store mysql://root@localhost/app`;

/** The `sessionkit` program, its output wired to `io` and its exits turned into exceptions. */
function createProgram(io: CliIo): Command {
  const program = new Command('sessionkit')
    .description(
      'Django-compatible sessions from the command line: sign, verify, inspect and clean up sessions.',
    )
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .showHelpAfterError('(run sessionkit --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHelpWidth: () => io.stdout.columns ?? 80,
      getErrHelpWidth: () => io.stderr.columns ?? 80,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .exitOverride()
    .addHelpText('after', EPILOG);
  addEncodeCommand(program, io);
  addDecodeCommand(program, io);
  addSaveCommand(program, io);
  addShowCommand(program, io);
  addClearSessionsCommand(program, io);
  addCreateTableCommand(program, io);
  return program;
}

/** The exit code of an error thrown by a command, after printing it as one line. */
function report(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Commander already printed help or the usage error; its own codes are 0 (help, version) or 1.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  // The operator runs the CLI: print what went wrong, not only the client-safe message.
  const detail = error instanceof StoreUnavailable ? ` (${error.detail})` : '';
  io.stderr.write(`sessionkit: ${message}${detail}\n`);
  if (io.env.SESSIONKIT_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  if (error instanceof CliError) return error.exitCode;
  // A ConfigError is a bad store URL, a secret too short for the settings, a missing directory ...
  if (error instanceof ConfigError) return EXIT.usage;
  return EXIT.failure;
}

/** `sessionkit --help | head -3` closes the pipe early: stop writing instead of crashing on EPIPE. */
function ignoreBrokenPipe(stream: NodeJS.WriteStream): void {
  if (stream.listenerCount('error') > 0) return;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

/**
 * Run the CLI and resolve its exit code (never rejects for a command failure).
 * @param argv `process.argv`: the node binary, the script, then the arguments.
 * @param io where output goes and where the environment comes from. @default the process's own
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  if (io.stdout === undefined) ignoreBrokenPipe(process.stdout);
  const resolvedIo: CliIo = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    isTTY: io.isTTY ?? (io.stderr === undefined && process.stderr.isTTY === true),
  };
  try {
    await createProgram(resolvedIo).parseAsync([...argv], { from: 'node' });
    return EXIT.ok;
  } catch (error) {
    return report(error, resolvedIo);
  }
}
