/**
 * `sessionkit createtable --store URL`: create Django's `django_session` table and its expiry index if
 * they are missing (idempotent), for stores that have a table.
 * @module
 */
import type { Command } from 'commander';
import { type CreateOption, refuseNewSqliteFile, withManager } from '../open-manager.js';
import { addStoreOptions, type CliIo, type StoreOptions } from '../options.js';

/** Register `createtable` on `program`. */
export function addCreateTableCommand(program: Command, io: CliIo): Command {
  const command = program
    .command('createtable')
    .summary('create the django_session table and index if missing')
    .description(
      "Create the store's django_session table and its expire_date index if they are missing (safe to run " +
        'again). Stores without a table (file, redis, memcached ...) have nothing to create.',
    );
  command.option('--create', 'create the SQLite database file if it does not exist (refused otherwise)');
  addStoreOptions(command, false).action(async (options: StoreOptions & CreateOption) => {
    refuseNewSqliteFile(options.store, options.create);
    await withManager(
      options,
      io,
      async (manager) => {
        const store = await manager.loadStore();
        if (store.kind !== 'server' || !store.createTable) {
          io.stdout.write(`The ${store.name} store has no table: nothing to create.\n`);
          return;
        }
        await manager.createTable();
        io.stdout.write(`The ${store.name} store's session table and index are ready.\n`);
      },
      false,
    );
  });
  return command;
}
