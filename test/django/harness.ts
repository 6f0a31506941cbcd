/**
 * Runs the real Django (Debian's python3-django, via /usr/bin/python3) for the interop tests: a batch
 * of operations goes to `fixtures/djangoctl.py` as JSON on stdin, results come back as JSON.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { announceSkip, inCI } from '../helpers.js';

/** The Python that has Django (a pyenv python3 may come first on PATH). */
export const PYTHON = process.env.SESSIONKIT_DJANGO_PYTHON ?? '/usr/bin/python3';

const SCRIPT = fileURLToPath(new URL('./fixtures/djangoctl.py', import.meta.url));

/** A second 50-character secret, for key rotation. */
export const OLD_SECRET = 'sessionkit-tests-OLD-secret-key-9876543210-zyxwvut';

/** The database Django uses (its `DATABASES["default"]`). */
export interface DjangoDatabase {
  engine: 'sqlite3' | 'postgresql' | 'mysql';
  /** File path for sqlite3, database name otherwise. */
  name: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
}

/** The settings a Django process runs with (see fixtures/fixture_settings.py). */
export interface DjangoEnv {
  secretKey: string;
  fallbacks?: string[];
  db?: DjangoDatabase;
  engine?: 'db' | 'file' | 'signed_cookies' | 'cached_db';
  cookieName?: string;
  cookieAge?: number;
  filePath?: string;
}

/** One operation of fixtures/djangoctl.py (`op` plus its arguments). */
export interface DjangoOp {
  op: string;
  /** The operation is expected to fail: its `error` is returned instead of thrown. */
  allowError?: boolean;
  [argument: string]: unknown;
}

/** What an operation returns (fields depend on the operation). */
export interface DjangoResult {
  key?: string | null;
  data?: Record<string, unknown>;
  modified?: boolean;
  expiry_age?: number;
  expiry_ms?: number;
  browser_close?: boolean;
  exists?: boolean;
  session_data?: string;
  expire_ms?: number;
  value?: string;
  id?: string;
  password?: string;
  user_id?: string | null;
  settings?: Record<string, unknown>;
  warnings?: string[];
  error?: string;
}

function environment(env: DjangoEnv): NodeJS.ProcessEnv {
  const db = env.db ?? { engine: 'sqlite3', name: ':memory:' };
  return {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    DJANGO_SETTINGS_MODULE: 'fixture_settings',
    DJANGO_SECRET_KEY: env.secretKey,
    DJANGO_SECRET_KEY_FALLBACKS: JSON.stringify(env.fallbacks ?? []),
    DJANGO_DB_ENGINE: db.engine,
    DJANGO_DB_NAME: db.name,
    DJANGO_DB_HOST: db.host ?? '127.0.0.1',
    DJANGO_DB_PORT: db.port === undefined ? '' : String(db.port),
    DJANGO_DB_USER: db.user ?? '',
    DJANGO_DB_PASSWORD: db.password ?? '',
    DJANGO_SESSION_ENGINE: env.engine ?? 'db',
    DJANGO_SESSION_COOKIE_NAME: env.cookieName ?? 'sessionid',
    DJANGO_SESSION_COOKIE_AGE: String(env.cookieAge ?? 1_209_600),
    DJANGO_SESSION_FILE_PATH: env.filePath ?? '',
  };
}

/**
 * Run `ops` in one Django process and resolve one result per operation. An operation that fails
 * rejects the whole call, unless it has `allowError: true`.
 */
export function django<const Ops extends readonly DjangoOp[]>(
  env: DjangoEnv,
  ops: Ops,
): Promise<{ [I in keyof Ops]: DjangoResult }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      PYTHON,
      [SCRIPT],
      { env: environment(env), timeout: 60_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`djangoctl.py failed: ${error.message}\n${stderr}`));
          return;
        }
        const results = JSON.parse(stdout) as DjangoResult[];
        const failed = results.findIndex((result, i) => result.error !== undefined && !ops[i]?.allowError);
        if (failed >= 0) {
          reject(new Error(`Django op ${JSON.stringify(ops[failed]?.op)} failed: ${results[failed]?.error}`));
          return;
        }
        resolve(results as { [I in keyof Ops]: DjangoResult });
      },
    );
    child.stdin?.end(JSON.stringify(ops));
  });
}

/** Why Django cannot run here, or `null` when it can. */
export async function djangoProblem(): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      PYTHON,
      ['-c', 'import django; print(django.get_version())'],
      { timeout: 20_000, encoding: 'utf8' },
      (error, stdout) => {
        if (error) {
          resolve(`${PYTHON} cannot import django (apt-get install python3-django): ${error.message.trim()}`);
          return;
        }
        const [major = 0, minor = 0] = stdout.trim().split('.').map(Number);
        resolve(
          major > 3 || (major === 3 && minor >= 2) ? null : `Django ${stdout.trim()} is older than 3.2`,
        );
      },
    );
  });
}

/** Why {@link PYTHON} cannot import `module` (a database driver), or `null` when it can. */
export function pythonModuleProblem(module: string, aptPackage: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(PYTHON, ['-c', `import ${module}`], { timeout: 20_000 }, (error) =>
      resolve(error ? `${PYTHON} cannot import ${module} (apt-get install ${aptPackage})` : null),
    );
  });
}

/**
 * Whether a Django test file must skip: in CI (CI=true) a missing Django or service throws, failing
 * the file; locally the skip is announced loudly.
 */
export function mustSkip(what: string, problem: string | null): boolean {
  if (problem === null) return false;
  if (inCI) throw new Error(`${what} cannot run: ${problem}`);
  announceSkip(what, problem);
  return true;
}

/** Whole seconds since the epoch, in ms: a clock value both sides can represent exactly. */
export function wholeSecondNow(offsetSeconds = 0): number {
  return (Math.floor(Date.now() / 1000) + offsetSeconds) * 1000;
}

/** Session data exercising the JSON corners: non-ASCII, astral characters, nesting, escapes. */
export const RICH_DATA = {
  greeting: 'Grüße, 世界 — “quoted” 😀',
  nested: { list: [1, -2, 1.5, true, false, null, 'x'], deep: { a: { b: { c: [] } } }, empty: {} },
  markup: '<script>alert("&amp;")</script>',
  control: 'tab\there\nnew line \u2028 \u0000',
  largeInt: 9_007_199_254_740_991,
};

/** A payload large enough that both sides store it zlib-compressed (leading `.`). */
export function largeData(tag: string): Record<string, unknown> {
  return {
    tag,
    items: Array.from({ length: 600 }, (_, i) => ({ id: i, label: `item ${i} — é`, even: i % 2 === 0 })),
  };
}
