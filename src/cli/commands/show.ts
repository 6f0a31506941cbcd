/**
 * `sessionkit show KEY --store URL`: print a live session's data as JSON.
 * @module
 */
import type { Command } from 'commander';
import { withManager } from '../open-manager.js';
import {
  addSecretOptions,
  addStoreOptions,
  CliError,
  type CliIo,
  formatJson,
  type SecretOptions,
  type StoreOptions,
} from '../options.js';

interface ShowOptions extends SecretOptions, StoreOptions {
  pretty?: boolean;
}

/** Register `show` on `program`. */
export function addShowCommand(program: Command, io: CliIo): Command {
  const command = program
    .command('show')
    .summary("print a session's data as JSON")
    .description(
      'Print the data of the live session stored under KEY as JSON on one line. Exits 1 when there is no such session (missing or expired).',
    )
    .argument('<key>', 'session key (the session cookie value)')
    .option('--pretty', 'indent the JSON');
  addSecretOptions(addStoreOptions(command), true).action(async (key: string, options: ShowOptions) => {
    await withManager(options, io, async (manager) => {
      const session = manager.open(key);
      const data = await session.load();
      // A server store drops an unknown, expired or invalid key (Django's fixation defence); the
      // signed-cookie store keeps the value but marks the session new (modified) when it does not verify.
      if (session.sessionKey === null || session.modified) {
        throw new CliError(
          `no live session ${JSON.stringify(key)} in the ${manager.store.name} store (missing or expired).`,
        );
      }
      io.stdout.write(formatJson(data, options.pretty === true));
    });
  });
  return command;
}
