/**
 * Start-up checks shared by the stores' `ready()`: run one harmless probe through the store's own
 * code path (peer package, connection, table) and turn what fails into a {@link ConfigError} that
 * says what to fix, instead of the "try again" a request would get.
 * @module
 */
import { ConfigError, StoreUnavailable } from '../core/errors.js';

/** A key no session has (sessionkit mints 32 characters of `[a-z0-9]`): the probe only reads. */
export const READY_PROBE_KEY = 'sessionkitreadyprobe';

/** What a store tells {@link checkReady} about itself, for the messages. */
export interface ReadyTarget {
  /** The store's name (`postgres`, `redis` ...). */
  store: string;
  /** Where it connects, without credentials (`127.0.0.1:5432`, a redacted URL, a path). */
  where?: string;
  /** The store's table, for stores that have one. */
  table?: string;
  /** Whether a driver error says the table is missing. */
  isMissingTable?: (error: unknown) => boolean;
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'EAI_AGAIN']);

/** The error and its causes (and an AggregateError's errors), outermost first. */
function chain(error: unknown): unknown[] {
  const seen: unknown[] = [];
  const queue = [error];
  while (queue.length > 0 && seen.length < 20) {
    const next = queue.shift();
    if (next === undefined || next === null || seen.includes(next)) continue;
    seen.push(next);
    if (typeof next === 'object') {
      const { cause, errors } = next as { cause?: unknown; errors?: unknown };
      if (cause !== undefined) queue.push(cause);
      if (Array.isArray(errors)) queue.push(...errors);
    }
  }
  return seen;
}

const field = (error: unknown, name: string): unknown =>
  typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === 'string' ? error : '';

/**
 * The {@link ConfigError} for a failed start-up probe of `target`, naming the fix. Never quotes a
 * password: messages name the host and port (or the redacted URL the store gives), not the driver's text
 * when it could echo a connection string.
 */
export function diagnose(error: unknown, target: ReadyTarget): ConfigError {
  const { store } = target;
  const errors = chain(error);
  const config = errors.find((e) => e instanceof ConfigError);
  if (config instanceof ConfigError) return config;
  const at = target.where === undefined ? '' : ` at ${target.where}`;

  for (const e of errors) {
    const code = field(e, 'code');
    const message = messageOf(e);
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      const name = /'([^']+)'/.exec(message)?.[1] ?? 'its client package';
      return new ConfigError(
        `The ${store} store needs the ${name} package, which is not installed: npm install ${name}`,
        {
          cause: error,
        },
      );
    }
    if (
      code === 'ERR_DLOPEN_FAILED' ||
      /NODE_MODULE_VERSION|compiled against a different Node\.js/.test(message)
    ) {
      return new ConfigError(
        `The ${store} store's native addon does not load on this Node.js (${process.version}): it was built for another ` +
          'Node.js version. Rebuild it with this Node: npm rebuild better-sqlite3 (then restart).',
        { cause: error },
      );
    }
    if (target.table !== undefined && target.isMissingTable?.(e)) {
      return new ConfigError(
        `The session table "${target.table}" does not exist in the ${store} database${at}. Create it: pass ` +
          `createTable: true to the store (or ?createTable=true in its URL), run npx sessionkit createtable --store <url>, ` +
          "or run Django's migrate.",
        { cause: error },
      );
    }
    // Some clients (node-redis) keep only Node's message, `connect ECONNREFUSED 127.0.0.1:6379`.
    const fromMessage = /\bconnect (E[A-Z_]+) (\S+)/.exec(message);
    const connectCode = typeof code === 'string' && CONNECT_CODES.has(code) ? code : fromMessage?.[1];
    if (connectCode !== undefined && CONNECT_CODES.has(connectCode)) {
      const address = field(e, 'address');
      const port = field(e, 'port');
      const where =
        typeof address === 'string'
          ? ` at ${address}${port === undefined ? '' : `:${port}`}`
          : fromMessage !== null
            ? ` at ${fromMessage[2]}`
            : at;
      return new ConfigError(
        `Cannot connect to the ${store} server${where} (${connectCode}). Check that the server is running and that ` +
          "the store URL's host and port are right.",
        { cause: error },
      );
    }
  }
  const detail = error instanceof StoreUnavailable ? error.detail : messageOf(error);
  return new ConfigError(`The ${store} store${at} is not usable: ${detail}`, { cause: error });
}

/** Run `probe` and rethrow any failure as the {@link ConfigError} {@link diagnose} gives. */
export async function checkReady(target: ReadyTarget, probe: () => unknown): Promise<void> {
  try {
    await probe();
  } catch (error) {
    throw diagnose(error, target);
  }
}
