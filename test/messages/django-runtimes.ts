/**
 * The two Djangos sessionkit/messages is tested against: Debian's Django 3.2 (`/usr/bin/python3`, as
 * test/django/harness.ts runs it) and Django 5.1.7 from `../shared/django/` (unpacked once into the
 * temporary folder and run by a Python ≥ 3.10; see that folder's README). Each runs
 * test/django/fixtures/messagesctl.py or messages_golden.py.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { djangoProblem, PYTHON } from '../django/harness.js';
import type { DjangoMessage } from './golden.js';

/** A Django to run fixture scripts with. */
export interface DjangoRuntime {
  /** `'3.2'` or `'5.1'`. */
  readonly series: string;
  /** The Python that runs it. */
  readonly python: string;
  /** Folder to put first on `sys.path` (the unpacked 5.1 runtime), if any. */
  readonly pythonPath?: string;
}

const FIXTURES = fileURLToPath(new URL('../django/fixtures/', import.meta.url));
const TARBALL =
  process.env.SESSIONKIT_DJANGO51_TARBALL ??
  fileURLToPath(new URL('../../../shared/django/django-5.1.7-runtime.tar.xz', import.meta.url));

function run(file: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    );
    child.stdin?.end(input ?? '');
  });
}

/** Debian's Django 3.2, or why it cannot run. */
export async function django32(): Promise<DjangoRuntime | string> {
  return (await djangoProblem()) ?? { series: '3.2', python: PYTHON };
}

/** A Python ≥ 3.10 (pyenv's 3.12.1 on these machines, as the runtime's README says). */
async function python310(): Promise<string> {
  const explicit = process.env.SESSIONKIT_DJANGO51_PYTHON;
  const env = { ...process.env, PYENV_VERSION: process.env.PYENV_VERSION ?? '3.12.1' };
  const probe = 'import sys; assert sys.version_info >= (3, 10), sys.version; print(sys.executable)';
  return (await run(explicit ?? 'python3', ['-c', probe], env)).trim();
}

/** Django 5.1.7, or why it cannot run. */
export async function django51(): Promise<DjangoRuntime | string> {
  if (!existsSync(TARBALL)) return `${TARBALL} is absent (see ../shared/django/README.md)`;
  let python: string;
  try {
    python = await python310();
  } catch (error) {
    return `no Python ≥ 3.10 for Django 5.1 (set SESSIONKIT_DJANGO51_PYTHON): ${(error as Error).message}`;
  }
  // Unpacked once per tarball version; test files running at once race to one rename.
  const stamp = statSync(TARBALL);
  const target = join(tmpdir(), `sessionkit-django-5.1.7-${stamp.size}-${Math.trunc(stamp.mtimeMs)}`);
  if (!existsSync(join(target, 'django', '__init__.py'))) {
    const scratch = mkdtempSync(join(tmpdir(), 'sessionkit-django-unpack-'));
    await run('tar', ['-xJf', TARBALL, '-C', scratch], process.env);
    try {
      renameSync(scratch, target);
    } catch {
      rmSync(scratch, { recursive: true, force: true }); // another test file unpacked it first
    }
  }
  return { series: '5.1', python, pythonPath: target };
}

/** What a fixture script runs with: the settings of fixture_settings.py, by environment variables. */
export interface ScriptEnv {
  secretKey: string;
  /** SQLite file of Django's `db` backend. */
  dbPath?: string;
  engine?: 'db' | 'signed_cookies';
  /** Django's `MESSAGE_STORAGE`: session (what sharing needs) or Django's default fallback. */
  messageStorage?: 'session' | 'fallback';
}

function environment(runtime: DjangoRuntime, env: ScriptEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    ...(runtime.pythonPath ? { PYTHONPATH: runtime.pythonPath } : {}),
    DJANGO_SECRET_KEY: env.secretKey,
    DJANGO_DB_ENGINE: 'sqlite3',
    DJANGO_DB_NAME: env.dbPath ?? ':memory:',
    DJANGO_SESSION_ENGINE: env.engine ?? 'db',
    DJANGO_MESSAGE_STORAGE: env.messageStorage ?? 'session',
  };
}

/** A message as Django's `/show/` view listed it. */
export type ShownMessage = DjangoMessage;

/** One operation of messagesctl.py. */
export type MessagesOp =
  | { op: 'migrate' | 'version' }
  | { op: 'show'; key?: string | null }
  | { op: 'stored'; key: string | null }
  | {
      op: 'add';
      key?: string | null;
      messages: Array<{ level: number; message: string; extra_tags?: string; safe?: boolean }>;
    };

/** What an operation returns. */
export interface MessagesResult {
  /** The session cookie after the response (`null` once deleted). */
  key?: string | null;
  messages?: ShownMessage[];
  value?: string | null;
  django?: string;
  error?: string;
}

/** Run `ops` in one Django process (messagesctl.py); a failed operation rejects. */
export async function messagesctl(
  runtime: DjangoRuntime,
  env: ScriptEnv,
  ops: readonly MessagesOp[],
): Promise<MessagesResult[]> {
  const stdout = await run(
    runtime.python,
    [join(FIXTURES, 'messagesctl.py')],
    environment(runtime, env),
    JSON.stringify(ops),
  );
  const results = JSON.parse(stdout) as MessagesResult[];
  const failed = results.find((result) => result.error !== undefined);
  if (failed) throw new Error(`messagesctl.py: ${failed.error}`);
  return results;
}

/** What fixtures/messages_golden.py prints with this Django (its section of the golden file). */
export async function goldenVectors(runtime: DjangoRuntime): Promise<unknown> {
  const env = { PATH: process.env.PATH, LANG: 'C.UTF-8', PYTHONDONTWRITEBYTECODE: '1' };
  const withPath = runtime.pythonPath ? { ...env, PYTHONPATH: runtime.pythonPath } : env;
  return JSON.parse(await run(runtime.python, [join(FIXTURES, 'messages_golden.py')], withPath));
}
