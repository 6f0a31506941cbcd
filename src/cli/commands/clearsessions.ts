/**
 * `sessionkit clearsessions --store URL`: Django's `clearsessions` management command. Deletes expired
 * sessions and prints how many, with a progress bar when stderr is a terminal.
 * @module
 */
import { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { NotSupported } from '../../core/errors.js';
import { type CreateOption, refuseNewSqliteFile, withManager } from '../open-manager.js';
import {
  addSecretOptions,
  addStoreOptions,
  CliError,
  type CliIo,
  type SecretOptions,
  type StoreOptions,
} from '../options.js';

/** A progress callback drawing a bar on `io.stderr`, and `stop` to remove it. */
function progressBar(io: CliIo): { onProgress: (deleted: number, total?: number) => void; stop(): void } {
  let bar: cliProgress.SingleBar | null = null;
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        io.stderr.write(String(chunk));
        callback();
      },
    }),
    { isTTY: true, columns: io.stderr.columns ?? 80 },
  );
  return {
    onProgress(deleted, total) {
      if (bar === null) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: 'Clearing expired sessions [{bar}] {value}/{total}',
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total ?? deleted, deleted);
      }
      bar.setTotal(Math.max(total ?? deleted, deleted));
      bar.update(deleted);
    },
    stop() {
      bar?.stop();
    },
  };
}

/** Register `clearsessions` on `program`. */
export function addClearSessionsCommand(program: Command, io: CliIo): Command {
  const command = program
    .command('clearsessions')
    .summary('delete expired sessions')
    .description(
      "Delete expired sessions from the store and print how many were deleted (Django's clearsessions). " +
        "The secret is needed by stores without an expiry column (file:), to read each session's custom expiry.",
    );
  command.option('--create', 'create the SQLite database file if it does not exist (refused otherwise)');
  addSecretOptions(addStoreOptions(command), true).action(
    async (options: SecretOptions & StoreOptions & CreateOption) => {
      refuseNewSqliteFile(options.store, options.create);
      await withManager(options, io, async (manager) => {
        const store = await manager.loadStore();
        if (store.kind === 'cookie') {
          io.stdout.write('Signed-cookie sessions live in the browser: there is nothing to clear.\n');
          return;
        }
        const progress = io.isTTY ? progressBar(io) : null;
        let deleted: number;
        try {
          deleted = await manager.clearExpired(progress?.onProgress);
        } catch (error) {
          if (error instanceof NotSupported) {
            throw new CliError(`Session store '${store.name}' doesn't support clearing expired sessions.`);
          }
          throw error;
        } finally {
          progress?.stop();
        }
        io.stdout.write(`Deleted ${deleted} expired ${deleted === 1 ? 'session' : 'sessions'}.\n`);
      });
    },
  );
  return command;
}
