/**
 * What the `sessionkit` commands share: the injectable I/O, exit codes, and the parsing of secrets,
 * store options and JSON arguments.
 * @module
 */
import { type Command, InvalidArgumentError } from 'commander';
import { isPlainObject, type SessionData } from '../core/codec.js';
import { DEFAULT_KEY_SALT } from '../core/settings.js';

/** Somewhere the CLI writes text: `process.stdout`, `process.stderr`, or a capture in tests. */
export interface CliOutput {
  /** Write text as is (the CLI adds its own newlines). */
  write(text: string): unknown;
  /** Terminal width, when known (help wrapping, progress bar). @default 80 */
  columns?: number | undefined;
}

/** The CLI's outside world; inject it to run the CLI in-process (tests). */
export interface CliIo {
  /** Results go here (signed data, JSON, session keys, counts). @default process.stdout */
  stdout: CliOutput;
  /** Errors, warnings and the progress bar go here. @default process.stderr */
  stderr: CliOutput;
  /** Environment variables (`SESSIONKIT_SECRET_KEY`, `SESSIONKIT_SECRET_KEY_FALLBACKS`). @default process.env */
  env: Readonly<Record<string, string | undefined>>;
  /** Whether stderr is a terminal: `clearsessions` then draws a progress bar. @default process.stderr.isTTY */
  isTTY: boolean;
}

/** Exit codes of `sessionkit`. */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** Operational failure: no such session, bad or expired signature, store error. */
  failure: 1,
  /** Usage error: bad option or argument, invalid JSON, missing or unusable secret, bad store URL. */
  usage: 2,
} as const;

/** A failure to report as one line on stderr with its exit code (no stack trace). */
export class CliError extends Error {
  /** The process exit code. */
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.failure) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Environment variable holding the secret key. */
export const SECRET_ENV = 'SESSIONKIT_SECRET_KEY';
/** Environment variable holding comma-separated fallback secret keys. */
export const FALLBACKS_ENV = 'SESSIONKIT_SECRET_KEY_FALLBACKS';

/** Options of commands that sign or verify, as commander parses them. */
export interface SecretOptions {
  /** `--secret`. */
  secret?: string;
  /** `--fallback-secret` (repeatable), on commands that verify. */
  fallbackSecret?: string[];
  /** `--salt`. */
  salt: string;
}

/** Options of commands that use a store, as commander parses them. */
export interface StoreOptions {
  /** `--store`. */
  store: string;
  /** `--cache`. */
  cache?: string;
  /** `--cookie-name`. */
  cookieName?: string;
  /** `--cookie-age`. */
  cookieAge?: number;
}

/** Secrets in the order they are tried. */
export interface Secrets {
  /** Signs, and verifies first. */
  secretKey: string;
  /** Also verify. */
  secretKeyFallbacks: string[];
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Commander parser for a whole number of seconds (≥ 0 unless `allowNegative`). */
export function parseSeconds(what: string, allowNegative = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || (!allowNegative && n < 0)) {
      throw new InvalidArgumentError(
        `${what} must be a whole number of seconds${allowNegative ? '' : ' (≥ 0)'}.`,
      );
    }
    return n;
  };
}

/**
 * Add `--secret` and `--salt`, and with `verifies` the repeatable `--fallback-secret` (older keys
 * are only ever used to verify, as Django's `SECRET_KEY_FALLBACKS`).
 */
export function addSecretOptions(command: Command, verifies: boolean): Command {
  command.option('--secret <key>', `secret key (Django's SECRET_KEY); default: $${SECRET_ENV}`);
  if (verifies) {
    command.option(
      '--fallback-secret <key>',
      `older secret key also accepted (repeatable); default: $${FALLBACKS_ENV} (comma-separated)`,
      collect,
    );
  }
  return command.option('--salt <salt>', 'signing salt of session data', DEFAULT_KEY_SALT);
}

/**
 * Add `--store` (required) and `--cache`, and with `cookies` the `--cookie-name` (file store prefix) and
 * `--cookie-age` (default expiry) options of commands that read or write sessions.
 */
export function addStoreOptions(command: Command, cookies = true): Command {
  command
    .requiredOption(
      '--store <url>',
      '(required) store URL: sqlite:PATH, file:DIR, postgres://, mysql://, redis://, memcached:// ...',
    )
    .option('--cache <url>', 'cache URL in front of the --store database (the cached-db store)');
  if (!cookies) return command;
  return command
    .option(
      '--cookie-name <name>',
      'session cookie name; also the file store filename prefix (default: sessionid)',
    )
    .option(
      '--cookie-age <seconds>',
      'session lifetime when no custom expiry is set (default: 1209600, two weeks)',
      parseSeconds('--cookie-age', true),
    );
}

/**
 * The secret from `--secret` or `$SESSIONKIT_SECRET_KEY`, and fallbacks from `--fallback-secret` or
 * `$SESSIONKIT_SECRET_KEY_FALLBACKS` (comma-separated).
 * @throws {CliError} (exit 2) when there is no secret.
 */
export function resolveSecrets(
  options: Pick<SecretOptions, 'secret' | 'fallbackSecret'>,
  env: CliIo['env'],
): Secrets {
  const secretKey = options.secret ?? env[SECRET_ENV] ?? '';
  if (secretKey === '') {
    throw new CliError(`a secret key is required: pass --secret KEY or set ${SECRET_ENV}.`, EXIT.usage);
  }
  const fromEnv = (env[FALLBACKS_ENV] ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  const secretKeyFallbacks = options.fallbackSecret ?? fromEnv;
  if (secretKeyFallbacks.some((key) => key === '')) {
    throw new CliError('--fallback-secret must not be empty.', EXIT.usage);
  }
  return { secretKey, secretKeyFallbacks };
}

/**
 * Parse a JSON object argument (session data).
 * @throws {CliError} (exit 2) for invalid JSON or a value that is not an object.
 */
export function parseSessionJson(text: string): SessionData {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`invalid JSON: ${(error as Error).message}`, EXIT.usage);
  }
  if (!isPlainObject(value)) {
    const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new CliError(`session data must be a JSON object such as '{"user": 1}', not ${what}.`, EXIT.usage);
  }
  return value;
}

/** JSON text of a result: one line, or indented with `--pretty`. */
export function formatJson(value: unknown, pretty: boolean): string {
  return `${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`;
}
