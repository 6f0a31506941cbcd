/**
 * The user-session "index" of the file store: a scan of the session directory. Every session file is
 * read and decoded by the core when a user's sessions are listed, which also finds the sessions a
 * Django site sharing the directory wrote. Meant for the file store's small deployments.
 * @module
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StoreUnavailable } from '../../core/errors.js';
import { hasSafeKeyChars } from '../../core/keys.js';
import type { IndexedSession, UserSessionIndex } from './types.js';

/** Options of {@link createFileUserIndex}: the file store's own. */
export interface FileUserIndexOptions {
  /** The file store's directory. */
  directory: string;
  /** The file store's file-name prefix (the cookie name). @default 'sessionid' */
  prefix?: string;
}

/** Create the file store's index (a directory scan: `link` and `unlink` have nothing to do). */
export function createFileUserIndex(options: FileUserIndexOptions): UserSessionIndex {
  const directory = resolve(options.directory);
  const prefix = options.prefix ?? 'sessionid';
  return {
    name: 'file',
    listsEverySession: true,
    async link() {},
    async unlink() {},
    async sessionsOf(): Promise<IndexedSession[]> {
      let names: string[];
      try {
        names = await readdir(directory);
      } catch (error) {
        throw new StoreUnavailable(`Cannot list the session directory ${directory}`, { cause: error });
      }
      const found = await Promise.all(
        names
          .filter((name) => name.startsWith(prefix) && hasSafeKeyChars(name.slice(prefix.length)))
          .map(async (name): Promise<IndexedSession | null> => {
            const file = join(directory, name);
            try {
              const [data, info] = await Promise.all([readFile(file, 'latin1'), stat(file)]);
              return { key: name.slice(prefix.length), stored: { data, modifiedAt: info.mtime } };
            } catch {
              return null; // deleted while listing
            }
          }),
      );
      return found.filter((entry): entry is IndexedSession => entry !== null);
    },
  };
}
