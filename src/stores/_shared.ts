/**
 * Helpers shared by stores: Django's `django_session` table, datetime text, timeouts and error wrapping.
 * @module
 */
import { ConfigError, StoreUnavailable } from '../core/errors.js';
import type { DataFormat } from './types.js';

/** Django's session table name. */
export const DJANGO_SESSION_TABLE = 'django_session';

/** Django's expiry-index name (`django_session_expire_date_a5c62663`, from the migration's hash). */
export const DJANGO_EXPIRE_INDEX = 'django_session_expire_date_a5c62663';

/** Rows deleted per statement by `clearExpired` on SQL stores (keeps every transaction short). */
export const CLEAR_BATCH_SIZE = 10_000;

let requireFromHere: NodeJS.Require | undefined;

/**
 * Load an optional client package (pg, mysql2, redis, memjs, better-sqlite3) only when its store is
 * created, with an install hint when it is missing. `node:module` is reached through
 * `process.getBuiltinModule` on that first call, so importing this module loads nothing of Node's.
 */
export function loadPeer<T>(name: string, store: string): T {
  try {
    requireFromHere ??= process.getBuiltinModule('node:module').createRequire(import.meta.url);
    return requireFromHere(name) as T;
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') {
      const pkg = packageOf(name);
      throw new ConfigError(`The ${store} store needs the ${pkg} package: npm install ${pkg}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** The npm package of a module specifier: `mysql2/promise` → `mysql2`, `@scope/pkg/sub` → `@scope/pkg`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return parts.slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * A UTC date as Django writes a `datetime` into SQLite: `YYYY-MM-DD HH:MM:SS[.ffffff]`
 * (the fraction only when non-zero), which compares correctly as text.
 */
export function toSqliteDatetime(date: Date): string {
  const base =
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const ms = date.getUTCMilliseconds();
  return ms === 0 ? base : `${base}.${pad(ms, 3)}000`;
}

/** Parse Django's SQLite datetime text (UTC; an explicit offset is honoured). */
export function fromSqliteDatetime(text: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    text,
  );
  if (!m) return new Date(Number.NaN);
  const [, y, mo, d, h, mi, s, frac = '', tz] = m;
  let time = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, Number(frac.padEnd(3, '0').slice(0, 3)));
  if (tz && tz !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return new Date(time);
}

/**
 * Run `operation`; reject with {@link StoreUnavailable} if it takes longer than `ms` or fails with a
 * connection-level error that `isOutage` recognises. Other errors propagate unchanged.
 */
export function withTimeout<T>(
  store: string,
  ms: number,
  operation: () => Promise<T>,
  isOutage: (error: unknown) => boolean = always,
): Promise<T> {
  // One promise settled by whichever comes first (no race, no async frame): this runs per store call.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new StoreUnavailable(`The ${store} store did not answer within ${ms} ms`)),
      ms,
    );
    const fail = (error: unknown) => {
      clearTimeout(timer);
      reject(asOutage(store, error, isOutage));
    };
    let pending: Promise<T>;
    try {
      // Returns a native promise as it is; takes a thenable or a plain value as Promise.race did.
      pending = Promise.resolve(operation());
    } catch (error) {
      fail(error);
      return;
    }
    pending.then((value) => {
      clearTimeout(timer);
      resolve(value);
    }, fail);
  });
}

const always = (): boolean => true;

/** `error` as {@link StoreUnavailable} when `isOutage` says it is one (and it is not one already). */
function asOutage(store: string, error: unknown, isOutage: (error: unknown) => boolean): unknown {
  if (error instanceof StoreUnavailable || !isOutage(error)) return error;
  return new StoreUnavailable(
    `The ${store} store is unavailable: ${(error as Error)?.message ?? String(error)}`,
    { cause: error },
  );
}

/** Check a store's `dataFormat` option. @throws {ConfigError} for anything but `django` or `json`. */
export function checkDataFormat(value: unknown, fallback: DataFormat, store: string): DataFormat {
  if (value === undefined) return fallback;
  if (value === 'django' || value === 'json') return value;
  throw new ConfigError(
    `${store} store dataFormat must be 'django' or 'json', not ${JSON.stringify(value)}.`,
  );
}
