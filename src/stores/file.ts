/**
 * The file store (Django's `file` backend, spec §4.4): one file per session named cookie name + key in
 * one directory, written atomically (temp file + rename). Keys outside `[a-z0-9]` never reach the file
 * system, so a crafted cookie cannot escape the directory.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, InvalidSessionKey, StoreUnavailable } from '../core/errors.js';
import { hasSafeKeyChars } from '../core/keys.js';
import type { SessionRecord, SessionStore, StoredSession } from './types.js';

/** Options of {@link createFileStore}. */
export interface FileStoreOptions {
  /** Existing directory holding the session files (Django's `SESSION_FILE_PATH`). @default os.tmpdir() */
  directory?: string;
  /** File name prefix; Django uses `SESSION_COOKIE_NAME`. @default 'sessionid' */
  prefix?: string;
}

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException)?.code;

/**
 * Create a file store.
 * @throws {ConfigError} when the directory does not exist.
 * @example
 * const store = createFileStore({ directory: '/var/lib/myapp/sessions' });
 */
export function createFileStore(options: FileStoreOptions = {}): SessionStore {
  const directory = resolve(options.directory || tmpdir());
  const prefix = options.prefix ?? 'sessionid';
  let isDirectory = false;
  try {
    isDirectory = statSync(directory).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) {
    throw new ConfigError(
      `The session storage path ${JSON.stringify(directory)} doesn't exist. Create it, or pass an existing directory in which sessionkit can store session data (file:DIR).`,
    );
  }

  const validateKey = (key: string): void => {
    if (!hasSafeKeyChars(key)) throw new InvalidSessionKey('Invalid characters in session key');
  };
  const fileOf = (key: string): string => {
    validateKey(key);
    return join(directory, prefix + key);
  };

  /** Write via a private temp file and an atomic rename, so readers never see half a session. */
  async function writeAtomically(file: string, data: string): Promise<void> {
    const temp = `${file}_out_${randomBytes(6).toString('hex')}`;
    try {
      await writeFile(temp, data, { encoding: 'ascii', mode: 0o600, flag: 'wx' });
      await rename(temp, file);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw new StoreUnavailable(`Cannot write session file ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** Open (and close) the file: `wx` creates it only if absent, `r+` only opens an existing one. */
  async function touch(file: string, flag: 'wx' | 'r+'): Promise<boolean> {
    try {
      await (await open(file, flag, 0o600)).close();
      return true;
    } catch (error) {
      const code = errno(error);
      if ((flag === 'wx' && code === 'EEXIST') || (flag === 'r+' && code === 'ENOENT')) return false;
      throw new StoreUnavailable(`Cannot open session file ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async function read(file: string): Promise<StoredSession | null> {
    try {
      const [data, info] = await Promise.all([readFile(file, 'latin1'), stat(file)]);
      return { data, modifiedAt: info.mtime };
    } catch (error) {
      if (errno(error) === 'ENOENT') return null;
      throw new StoreUnavailable(`Cannot read session file ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async function save(record: SessionRecord, flag: 'wx' | 'r+'): Promise<boolean> {
    const file = fileOf(record.key);
    if (!(await touch(file, flag))) return false;
    await writeAtomically(file, record.data);
    return true;
  }

  return {
    kind: 'server',
    name: 'file',
    validateKey,
    async load(key) {
      return read(fileOf(key));
    },
    async exists(key) {
      return (await stat(fileOf(key)).catch(() => null)) !== null;
    },
    create: (record) => save(record, 'wx'),
    update: (record) => save(record, 'r+'),
    async delete(key) {
      await unlink(fileOf(key)).catch(() => {});
    },
    async clearExpired(context) {
      const names = (await readdir(directory)).filter((name) => name.startsWith(prefix));
      let deleted = 0;
      let examined = 0;
      for (const name of names) {
        const key = name.slice(prefix.length);
        examined++;
        // Temp files (`..._out_xxxx`) and foreign files fail the key check and are skipped, as in Django.
        if (!hasSafeKeyChars(key)) continue;
        const file = join(directory, name);
        const stored = await read(file);
        if (stored !== null && context.isExpired(stored)) {
          await unlink(file).catch(() => {});
          deleted++;
        }
        context.onProgress?.(deleted, names.length);
      }
      if (examined === 0) context.onProgress?.(0, 0);
      return deleted;
    },
  };
}
