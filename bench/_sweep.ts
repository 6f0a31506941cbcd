/**
 * Clean-up of what a killed benchmark left behind (a time limit in bench/run.ts, Ctrl-C): scratch tables
 * and temp directories named after a process id that no longer runs. Redis and memcached keys need no
 * sweep: they expire within the benchmarks' 30-minute cookie age.
 * @module
 */
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Scratch table names: `django_session_bench<pid>` and `django_session_bench<pid>_cdb`. */
const TABLE = /^django_session_bench(\d+)(_cdb)?$/;
/** Temp directories: `sessionkit-bench-<pid>-XXXXXX`. */
const TEMP = /^sessionkit-bench-(\d+)-/;

function isGone(pid: string): boolean {
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

type Query = (sql: string) => Promise<unknown>;

/** Drop stale scratch tables through `query`; `names` lists the tables that look like ours. */
export async function sweepTables(names: readonly string[], query: Query, quote: (name: string) => string) {
  for (const name of names) {
    const pid = TABLE.exec(name)?.[1];
    if (pid !== undefined && pid !== String(process.pid) && isGone(pid)) {
      await query(`DROP TABLE IF EXISTS ${quote(name)}`);
    }
  }
}

/** Remove stale temp directories of earlier runs. */
export function sweepTempDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = TEMP.exec(name)?.[1];
    if (pid !== undefined && isGone(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** The `LIKE` pattern that finds candidate tables. */
export const TABLE_LIKE = 'django_session_bench%';
