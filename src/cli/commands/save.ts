/**
 * `sessionkit save JSON --store URL`: create a session holding the data and print its key.
 * @module
 */
import type { Command } from 'commander';
import { withManager } from '../open-manager.js';
import {
  addSecretOptions,
  addStoreOptions,
  type CliIo,
  parseSessionJson,
  type SecretOptions,
  type StoreOptions,
} from '../options.js';

/** Register `save` on `program`. */
export function addSaveCommand(program: Command, io: CliIo): Command {
  const command = program
    .command('save')
    .summary('create a session with the data and print its key')
    .description(
      'Create a session holding the data in the store and print its key (the session cookie value). ' +
        'A "_session_expiry" entry sets a custom expiry, as in Django.',
    )
    .argument('<json>', 'session data, a JSON object, e.g. \'{"user": 1}\'');
  addSecretOptions(addStoreOptions(command), false).action(
    async (json: string, options: SecretOptions & StoreOptions) => {
      const data = parseSessionJson(json);
      await withManager(options, io, async (manager) => {
        const session = manager.open();
        await session.update(data);
        await session.save();
        io.stdout.write(`${session.sessionKey}\n`);
      });
    },
  );
  return command;
}
