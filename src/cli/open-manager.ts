/**
 * Opening a {@link SessionManager} from the store options of a command, and always closing it, so the
 * process can exit once the command is done.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Logger } from '../core/logger.js';
import { createSessionManager, type SessionManager } from '../core/manager.js';
import {
  MIN_SECRET_LENGTH,
  type ResolvedSettings,
  resolveSettings,
  type SessionSettings,
} from '../core/settings.js';
import type { AnyStore } from '../stores/types.js';
import {
  CliError,
  type CliIo,
  EXIT,
  resolveSecrets,
  type SecretOptions,
  type Secrets,
  type StoreOptions,
} from './options.js';

/** A logger that prints the store's warnings (e.g. "Session data corrupted") on stderr. */
function stderrLogger(io: CliIo): Logger {
  const line = (level: string, message: string, details?: Record<string, unknown>): void => {
    const extra = details && Object.keys(details).length > 0 ? ` ${JSON.stringify(details)}` : '';
    io.stderr.write(`sessionkit: ${level}: ${message}${extra}\n`);
  };
  return {
    warn: (message, details) => line('warning', message, details),
    error: (message, details) => line('error', message, details),
  };
}

/** Store commands go through the settings, which refuse short keys: say so in the CLI's terms. */
function checkLength(secrets: Secrets): Secrets {
  for (const key of [secrets.secretKey, ...secrets.secretKeyFallbacks]) {
    if (key.length < MIN_SECRET_LENGTH) {
      throw new CliError(
        `store commands need secret keys of at least ${MIN_SECRET_LENGTH} characters (got one of ${key.length}); ` +
          'only encode and decode accept shorter keys.',
        EXIT.usage,
      );
    }
  }
  return secrets;
}

/** The cached-db store, loaded only when `--cache` is given. */
async function cachedDbStore(dbUrl: string, cacheUrl: string, settings: ResolvedSettings): Promise<AnyStore> {
  const { createCachedDbStoreFromUrls } = await import('../stores/cached-db.js');
  return createCachedDbStoreFromUrls(dbUrl, cacheUrl, settings);
}

/** `--create`: the store commands that would otherwise open a new SQLite file take it. */
export interface CreateOption {
  /** Allow a store command to create a new SQLite database file. */
  create?: boolean;
}

/**
 * A mistyped SQLite path would silently give a new, empty database (and report 0 sessions cleared):
 * refuse a path whose file does not exist unless `--create` is given.
 */
export function refuseNewSqliteFile(storeUrl: string, create: boolean | undefined): void {
  if (create === true || !/^sqlite:/i.test(storeUrl)) return;
  const path = storeUrl.slice('sqlite:'.length).split('?')[0] ?? '';
  if (path === '' || path === ':memory:' || existsSync(path)) return;
  throw new CliError(
    `the SQLite database ${JSON.stringify(path)} does not exist. Check the path, or pass --create to create a new database there.`,
    EXIT.usage,
  );
}

/**
 * Build the manager for `options`, run `action` with it, and close it (store connections) whatever
 * happens. Pass `signs: false` for a command that needs no secret. A `ConfigError` (bad store URL,
 * missing directory ...) propagates: `main` exits 2.
 */
export async function withManager<T>(
  options: StoreOptions & Partial<SecretOptions>,
  io: CliIo,
  action: (manager: SessionManager) => Promise<T>,
  signs = true,
): Promise<T> {
  // A command that signs nothing (createtable) needs no secret: a throwaway key satisfies the settings.
  const secrets = signs
    ? checkLength(resolveSecrets(options, io.env))
    : { secretKey: randomBytes(48).toString('base64url') };
  const settings: SessionSettings = {
    ...secrets,
    keySalt: options.salt,
    cookieName: options.cookieName,
    cookieAge: options.cookieAge,
    logger: stderrLogger(io),
  };
  const store = options.cache
    ? await cachedDbStore(options.store, options.cache, resolveSettings(settings))
    : options.store;
  const manager = createSessionManager({ ...settings, store });
  try {
    return await action(manager);
  } finally {
    await manager.close();
  }
}
