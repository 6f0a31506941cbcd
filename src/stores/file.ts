/**
 * The file store (Django's `file` backend, spec §4.4): one file per session named cookie name + key in
 * one directory, written atomically (temp file + rename). Keys outside `[a-z0-9]` never reach the file
 * system, so a crafted cookie cannot escape the directory.
 *
 * Every write and delete of a session holds its lock file (`<file>.lock`, created with `O_EXCL`), so
 * the check-then-rename of an update can never recreate a file a delete removed, and a
 * compare-and-swap reads, compares and renames with no other sessionkit write in between. Django's
 * own file backend does not take these locks.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, statSync } from 'node:fs';
import { access, open, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, InvalidSessionKey, StoreUnavailable } from '../core/errors.js';
import { hasSafeKeyChars } from '../core/keys.js';
import { lockToken, pollLock } from './_lock.js';
import type {
  ReplaceOutcome,
  SessionRecord,
  SessionStore,
  StoredSession,
  StoreLock,
  TouchRecord,
} from './types.js';

/** Options of {@link createFileStore}. */
export interface FileStoreOptions {
  /** Existing directory holding the session files (Django's `SESSION_FILE_PATH`). @default os.tmpdir() */
  directory?: string;
  /** File name prefix; Django uses `SESSION_COOKIE_NAME`. @default 'sessionid' */
  prefix?: string;
}

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException)?.code;

/** Longest file name most file systems accept, in bytes (keys and prefixes are ASCII). */
const MAX_FILE_NAME = 255;
/** Longest suffix the store adds to a session file's name (`_out_` + 12 hex digits of a temp file). */
const LONGEST_SUFFIX = 17;

/** Longest wait for a session file's write lock before the write fails with `StoreUnavailable`. */
const WRITE_LOCK_WAIT_MS = 5000;

/**
 * Age past which a write lock is taken to be left over by a crashed process and removed: a write holds
 * it for a read and a rename only.
 */
const STALE_WRITE_LOCK_MS = 10_000;

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
    // A key too long for a file name (with the longest suffix the store adds) cannot be stored: for a
    // load that is a missing session, as in Django, not a file-system error.
    if (prefix.length + key.length + LONGEST_SUFFIX > MAX_FILE_NAME) {
      throw new InvalidSessionKey(`Session key too long for a file name (${key.length} characters)`);
    }
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

  /** Try once to create `lockFile` (`O_EXCL`) holding `content`; false when it exists. */
  async function tryCreate(lockFile: string, content: string): Promise<boolean> {
    try {
      await writeFile(lockFile, content, { encoding: 'ascii', mode: 0o600, flag: 'wx' });
      return true;
    } catch (error) {
      if (errno(error) === 'EEXIST') return false;
      throw new StoreUnavailable(`Cannot create lock file ${lockFile}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** Run `operation` holding the write lock of `file`, so no other write or delete of it interleaves. */
  async function locked<T>(file: string, operation: () => Promise<T>): Promise<T> {
    const lockFile = `${file}.lock`;
    const held = await pollLock(async () => {
      if (await tryCreate(lockFile, String(process.pid))) return { release: async () => {} };
      const info = await stat(lockFile).catch(() => null);
      if (info !== null && Date.now() - info.mtimeMs > STALE_WRITE_LOCK_MS)
        await unlink(lockFile).catch(() => {});
      return null;
    }, WRITE_LOCK_WAIT_MS);
    if (held === null) {
      throw new StoreUnavailable(
        `Session file ${file} stayed locked for ${WRITE_LOCK_WAIT_MS} ms (${lockFile})`,
      );
    }
    try {
      return await operation();
    } finally {
      await unlink(lockFile).catch(() => {});
    }
  }

  async function save(record: SessionRecord, flag: 'wx' | 'r+'): Promise<boolean> {
    const file = fileOf(record.key);
    return locked(file, async () => {
      if (!(await touch(file, flag))) return false;
      await writeAtomically(file, record.data);
      return true;
    });
  }

  async function replace(record: SessionRecord, expected: string): Promise<ReplaceOutcome> {
    const file = fileOf(record.key);
    return locked(file, async () => {
      const stored = await read(file);
      if (stored === null) return 'missing';
      if (stored.data !== expected) return 'conflict';
      await writeAtomically(file, record.data);
      return 'ok';
    });
  }

  /**
   * A session lock: `<file>.session-lock` holds the holder's token and its expiry time; a lock past
   * its expiry (its holder died or forgot it) is removed by the next request that wants it.
   */
  async function sessionLock(key: string, ttlMs: number, waitMs: number): Promise<StoreLock | null> {
    const lockFile = `${fileOf(key)}.session-lock`;
    const token = lockToken();
    const owner = async (): Promise<[token: string, expires: number] | null> => {
      const text = await readFile(lockFile, 'ascii').catch(() => null);
      if (text === null) return null;
      const [holder = '', expires = ''] = text.split(' ');
      return [holder, expires === '' ? Number.NaN : Number(expires)];
    };
    return pollLock(async () => {
      if (await tryCreate(lockFile, `${token} ${Date.now() + ttlMs}`)) {
        return {
          async release() {
            if ((await owner())?.[0] === token) await unlink(lockFile).catch(() => {});
          },
        };
      }
      const current = await owner();
      // An empty or partial file is a lock being written right now: live (unless left over for long).
      const expires = Number.isFinite(current?.[1])
        ? (current?.[1] ?? 0)
        : ((await stat(lockFile).catch(() => null))?.mtimeMs ?? 0) + STALE_WRITE_LOCK_MS;
      if (current !== null && expires <= Date.now()) await unlink(lockFile).catch(() => {});
      return null;
    }, waitMs);
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
    replace: (record, expected) => replace(record, expected.data),
    lock: (key, { ttlMs, waitMs }) => sessionLock(key, ttlMs, waitMs),
    // Touch-only rolling: the expiry is the file's mtime + age (as Django's file backend derives it),
    // so a touch sets the mtime (the wall clock, as a write does) and leaves the content alone. utimes
    // on a deleted file fails: no resurrection.
    async touch(record: TouchRecord) {
      const file = fileOf(record.key);
      const at = new Date();
      try {
        const below = record.ifRemainingBelowMs;
        if (below !== undefined) {
          const { mtimeMs } = await stat(file);
          if (mtimeMs + record.maxAge * 1000 - at.getTime() >= below) return false;
        }
        await utimes(file, at, at);
        return true;
      } catch (error) {
        if (errno(error) === 'ENOENT') return false;
        throw new StoreUnavailable(`Cannot touch session file ${file}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
    async delete(key) {
      const file = fileOf(key);
      await locked(file, () => unlink(file).catch(() => {}));
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
    // Start-up check: the folder (checked at construction) is still there and writable.
    async ready() {
      try {
        await access(directory, fsConstants.W_OK);
      } catch (error) {
        throw new ConfigError(
          `The session storage path ${JSON.stringify(directory)} is not writable by this process: fix its permissions or choose another folder (file:DIR).`,
          { cause: error },
        );
      }
    },
  };
}
