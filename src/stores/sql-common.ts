/**
 * Helpers shared by the server SQL stores (PostgreSQL, MySQL/MariaDB): store URLs, options, table and
 * index names, key validation, and the store shell (timeouts, auto-creation, batched `clearExpired`).
 * @module
 */
import { createHash } from 'node:crypto';
import { ConfigError, InvalidSessionKey, StoreUnavailable } from '../core/errors.js';
import { checkReady, READY_PROBE_KEY } from './_ready.js';
import { quoteUrl } from './_redact.js';
import {
  CLEAR_BATCH_SIZE,
  DJANGO_EXPIRE_INDEX,
  DJANGO_SESSION_TABLE,
  fromSqliteDatetime,
  withTimeout,
} from './_shared.js';
import type {
  ReplaceOutcome,
  SessionRecord,
  SessionStore,
  StoredSession,
  StoreLock,
  StoreLockOptions,
  TouchRecord,
} from './types.js';

/** Options every server SQL store accepts. */
export interface SqlStoreOptions {
  /** Table name; keep Django's to share sessions with a Django site. @default 'django_session' */
  table?: string;
  /**
   * Create the table and indexes on first use if missing. Off by default: on a database shared with
   * Django, Django's `migrate` owns the table. Call `createTable()` (or `manager.createTable()`) to
   * create it explicitly.
   * @default false
   */
  createTable?: boolean;
  /** Longest wait for a connection or a statement, in ms; past it the store reports `StoreUnavailable`. @default 5000 */
  timeoutMs?: number;
  /** Connections in the pool the store opens (ignored for an injected pool). @default 10 */
  poolSize?: number;
  /** Rows deleted per statement by `clearExpired` (each batch is its own short transaction). @default 10000 */
  clearBatchSize?: number;
}

/** Django's longest session key (`session_key varchar(40)`, spec §4.1). */
export const MAX_SESSION_KEY_LENGTH = 40;

/** Default per-operation timeout of the server SQL stores, in ms. */
export const DEFAULT_SQL_TIMEOUT_MS = 5000;

/** Default pool size of the server SQL stores. */
export const DEFAULT_POOL_SIZE = 10;

/** A store URL split into the driver's connection URL and sessionkit's own query parameters. */
export interface ParsedSqlUrl {
  /** The URL without sessionkit's parameters, for the driver. */
  url: URL;
  /** Options given as query parameters (`table`, `timeout`, `poolSize`, `createTable`, `clearBatchSize`). */
  options: SqlStoreOptions;
}

const positiveInt = (name: string, value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new ConfigError(
      `Store URL parameter ${name} must be a positive integer, not ${JSON.stringify(value)}.`,
    );
  }
  return n;
};

/**
 * Check that exactly one of `url` and `pool` is given, then parse the URL if there is one.
 * @throws {ConfigError} naming the store and showing an example URL.
 */
export function parseUrlOrPool(
  options: { url?: string; pool?: unknown },
  schemes: readonly string[],
  store: string,
  example: string,
): ParsedSqlUrl | undefined {
  if (options.pool && options.url)
    throw new ConfigError(`Give the ${store} store either url or pool, not both.`);
  if (!options.pool && !options.url) {
    throw new ConfigError(`The ${store} store needs url (${example}) or an existing ${store} pool.`);
  }
  return options.url ? parseSqlUrl(options.url, schemes, store) : undefined;
}

/**
 * Parse a server SQL store URL such as `postgres://user@127.0.0.1:5432/db?table=sessions&timeout=2000`.
 * @throws {ConfigError} when the URL does not parse, has another scheme, or has an invalid parameter.
 */
export function parseSqlUrl(text: string, schemes: readonly string[], store: string): ParsedSqlUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // No cause: Node's URL error carries the whole input, password included.
    throw new ConfigError(
      `Invalid ${store} store URL ${quoteUrl(text)}: expected e.g. ${schemes[0]}://user@host/db ` +
        '(percent-encode special characters in the password)',
    );
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (!schemes.includes(scheme)) {
    throw new ConfigError(
      `The ${store} store URL must start with ${schemes.map((s) => `${s}://`).join(' or ')}.`,
    );
  }
  if (!url.hostname && !url.searchParams.has('host') && !url.searchParams.has('socketPath')) {
    throw new ConfigError(`The ${store} store URL ${quoteUrl(text)} names no host.`);
  }
  const options: SqlStoreOptions = {};
  const params = url.searchParams;
  const table = params.get('table');
  if (table !== null) options.table = table;
  const timeout = params.get('timeout');
  if (timeout !== null) options.timeoutMs = positiveInt('timeout', timeout);
  const poolSize = params.get('poolSize');
  if (poolSize !== null) options.poolSize = positiveInt('poolSize', poolSize);
  const batch = params.get('clearBatchSize');
  if (batch !== null) options.clearBatchSize = positiveInt('clearBatchSize', batch);
  const create = params.get('createTable');
  if (create !== null) {
    if (!['true', 'false', '1', '0'].includes(create)) {
      throw new ConfigError(
        `Store URL parameter createTable must be true or false, not ${JSON.stringify(create)}.`,
      );
    }
    options.createTable = create === 'true' || create === '1';
  }
  for (const name of ['table', 'timeout', 'poolSize', 'clearBatchSize', 'createTable']) params.delete(name);
  return { url, options };
}

/** Resolved options with their defaults, after validation. */
export interface ResolvedSqlOptions {
  /** A validated table name (safe to quote into SQL). */
  table: string;
  /** Whether to create the table on first use. */
  createTable: boolean;
  /** Per-operation timeout, in ms. */
  timeoutMs: number;
  /** Pool size for a pool the store opens. */
  poolSize: number;
  /** Rows per `clearExpired` batch. */
  clearBatchSize: number;
}

/**
 * Fill in defaults and validate options (explicit options win over URL parameters).
 * @throws {ConfigError} for an invalid table name or a non-positive number.
 */
export function resolveSqlOptions(
  options: SqlStoreOptions,
  fromUrl: SqlStoreOptions,
  maxIdentifier: number,
): ResolvedSqlOptions {
  const table = options.table ?? fromUrl.table ?? DJANGO_SESSION_TABLE;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table) || table.length > maxIdentifier) {
    throw new ConfigError(
      `Invalid session table name ${JSON.stringify(table)}: use letters, digits and _ (at most ${maxIdentifier}).`,
    );
  }
  const check = (name: string, value: number): number => {
    if (!Number.isInteger(value) || value <= 0)
      throw new ConfigError(`${name} must be a positive integer, not ${value}.`);
    return value;
  };
  return {
    table,
    createTable: options.createTable ?? fromUrl.createTable ?? false,
    timeoutMs: check('timeoutMs', options.timeoutMs ?? fromUrl.timeoutMs ?? DEFAULT_SQL_TIMEOUT_MS),
    poolSize: check('poolSize', options.poolSize ?? fromUrl.poolSize ?? DEFAULT_POOL_SIZE),
    clearBatchSize: check(
      'clearBatchSize',
      options.clearBatchSize ?? fromUrl.clearBatchSize ?? CLEAR_BATCH_SIZE,
    ),
  };
}

/**
 * Name of an index on `table`: Django's hashed name for its own table, `<table>_<suffix>` otherwise
 * (Django's hash depends on the table name, so a renamed table gets a readable name instead).
 */
export function sessionIndexName(table: string, djangoName: string, suffix: string): string {
  return table === DJANGO_SESSION_TABLE ? djangoName : `${table}_${suffix}`;
}

/** Name of the expiry index on `table` (`django_session_expire_date_a5c62663` for Django's table). */
export function expireIndexName(table: string): string {
  return sessionIndexName(table, DJANGO_EXPIRE_INDEX, 'expire_date');
}

/** Reject keys the `varchar(40)` column cannot hold (a too-long key would be truncated or refused). */
export function validateSqlKey(key: string): void {
  if (key.length > MAX_SESSION_KEY_LENGTH) {
    throw new InvalidSessionKey(
      `Session keys are at most ${MAX_SESSION_KEY_LENGTH} characters; got ${key.length}.`,
    );
  }
}

/** A 64-bit number naming the lock of `key` in `table`, for databases whose named locks take integers. */
export function lockId(table: string, key: string): bigint {
  return createHash('sha256').update(`sessionkit:${table}:${key}`).digest().readBigInt64BE(0);
}

/** A Date from a driver value: a `Date`, or datetime text as PostgreSQL/MySQL print it (UTC unless it has an offset). */
export function toUtcDate(value: unknown): Date {
  if (value instanceof Date) return value;
  return fromSqliteDatetime(String(value).replace(/([+-]\d{2})$/, '$1:00'));
}

/** Latest date a SQL datetime column holds: the bound of an unconditional touch. */
const MAX_SQL_DATE = new Date('9999-12-31T23:59:59Z');

/**
 * The `expire_date < ?` bound of a touch: rows expiring before it are extended (all of them for an
 * unconditional touch).
 */
export function touchThreshold(record: TouchRecord): Date {
  const below = record.ifRemainingBelowMs;
  return below === undefined ? MAX_SQL_DATE : new Date(Date.now() + below);
}

/**
 * The statements a server SQL store runs, one function each; {@link createSqlStore} adds timeouts,
 * error wrapping, key validation, auto-creation and batching around them.
 */
export interface SqlDriver {
  /** Store name for errors and logs (`postgres`, `mysql`). */
  readonly name: string;
  /** The live row for `key` (`expire_date > now`), or null. */
  load(key: string, now: Date): Promise<StoredSession | null>;
  /** Whether a row exists for `key`, expired or not. */
  exists(key: string): Promise<boolean>;
  /** Insert unless the key is taken; false when it is. */
  insert(record: SessionRecord): Promise<boolean>;
  /** Update an existing row; false when none matched (even if the values were unchanged). */
  update(record: SessionRecord): Promise<boolean>;
  /** Update the row only if its `session_data` is still `expected` (compared byte for byte). */
  replace(record: SessionRecord, expected: string): Promise<ReplaceOutcome>;
  /** Take the database's named lock for `key` on a connection held until release. */
  lock(key: string, options: StoreLockOptions): Promise<StoreLock | null>;
  /** Delete the row for `key`. */
  delete(key: string): Promise<void>;
  /** `UPDATE … SET expire_date WHERE session_key AND expire_date < threshold`; true when a row changed. */
  touch(record: TouchRecord, threshold: Date): Promise<boolean>;
  /** Rows with `expire_date < now`. */
  countExpired(now: Date): Promise<number>;
  /** Delete at most `limit` rows with `expire_date < now`; resolves how many were deleted. */
  deleteExpired(now: Date, limit: number): Promise<number>;
  /** Create the table and indexes if missing (idempotent, safe to race). */
  createTable(): Promise<void>;
  /** Whether a driver error says the table does not exist. */
  isMissingTable(error: unknown): boolean;
  /** Release the connections this store opened (not an injected pool). */
  close(): Promise<void>;
}

/** Build a {@link SessionStore} from a driver: every call is bounded by `timeoutMs` and fails as StoreUnavailable. */
export function createSqlStore(driver: SqlDriver, options: ResolvedSqlOptions): SessionStore {
  const { name } = driver;
  let tableReady: Promise<void> | undefined;

  async function call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(name, options.timeoutMs, operation);
    } catch (error) {
      const cause = error instanceof StoreUnavailable ? error.cause : error;
      if (cause !== undefined && driver.isMissingTable(cause)) {
        throw new StoreUnavailable(
          `The session table "${options.table}" does not exist in the ${name} database: run Django's migrate, ` +
            'call createTable() (manager.createTable()), or create the store with createTable: true.',
          { cause },
        );
      }
      throw error;
    }
  }

  function ensureTable(): Promise<void> {
    tableReady ??= call(() => driver.createTable()).catch((error: unknown) => {
      tableReady = undefined;
      throw error;
    });
    return tableReady;
  }

  async function run<T>(operation: () => Promise<T>): Promise<T> {
    if (options.createTable) await ensureTable();
    return call(operation);
  }

  return {
    kind: 'server',
    name,
    load: (key, now) => run(() => driver.load(key, now)),
    exists: (key) => run(() => driver.exists(key)),
    create: (record) => run(() => driver.insert(record)),
    update: (record) => run(() => driver.update(record)),
    replace: (record, expected) => run(() => driver.replace(record, expected.data)),
    // Not bounded by timeoutMs: waiting for a lock is the point; the driver bounds each statement.
    async lock(key, lockOptions) {
      if (options.createTable) await ensureTable();
      return driver.lock(key, lockOptions);
    },
    delete: (key) => run(() => driver.delete(key)),
    touch: (record) => run(() => driver.touch(record, touchThreshold(record))),
    async clearExpired(context) {
      const total = await run(() => driver.countExpired(context.now));
      let deleted = 0;
      for (;;) {
        const changes = await run(() => driver.deleteExpired(context.now, options.clearBatchSize));
        deleted += changes;
        context.onProgress?.(deleted, Math.max(total, deleted));
        if (changes < options.clearBatchSize) return deleted;
      }
    },
    async createTable() {
      tableReady = undefined;
      await ensureTable();
    },
    validateKey: validateSqlKey,
    close: () => driver.close(),
    // Start-up check: one read through the same path as a request, with the fix named on failure.
    ready: () =>
      checkReady(
        { store: name, table: options.table, isMissingTable: (error) => driver.isMissingTable(error) },
        () => run(() => driver.exists(READY_PROBE_KEY)),
      ),
  };
}
