/**
 * `clearsessions` on PostgreSQL: fills a scratch table with 1,000,000 expired sessions (plus some live
 * ones), times `manager.clearExpired(progress)` (batched deletes, short transactions), then times
 * Django's single `DELETE ... WHERE expire_date < now` on the same rows for comparison.
 *
 * Run: `npx tsx bench/clearsessions-pg.ts [rows]` (SESSIONKIT_POSTGRES_URL overrides the server).
 * Target: under 60 s for 1,000,000 rows.
 */
import pg from 'pg';
import { createSessionManager } from '../src/core/manager.js';
import { createPostgresStore } from '../src/stores/postgres.js';

const URL = process.env.SESSIONKIT_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TABLE = 'django_session_bench_clear';
const ROWS = Number(process.argv[2] ?? 1_000_000);
const LIVE_ROWS = 10_000;
const TARGET_SECONDS = 60;

const admin = new pg.Pool({ connectionString: URL, max: 1 });
const store = createPostgresStore({ url: URL, table: TABLE });
const sessions = createSessionManager({
  secretKey: 'bench-secret-key-0123456789-abcdefghijklmnopqrstuv',
  store,
});
const sample = sessions.codec.encode({
  _auth_user_id: '42',
  _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
});

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;
const fmt = (n: number): string => n.toLocaleString('en-US');

/** Insert `ROWS` expired sessions (expired 1 min to ~17 h ago) and `LIVE_ROWS` live ones, then ANALYZE. */
async function fill(): Promise<number> {
  const start = process.hrtime.bigint();
  await admin.query(`TRUNCATE "${TABLE}"`);
  await admin.query(
    `INSERT INTO "${TABLE}" (session_key, session_data, expire_date)
     SELECT md5('expired' || g), $1, now() - (g % 1000 + 1) * interval '1 minute' FROM generate_series(1, $2) AS g`,
    [sample, ROWS],
  );
  await admin.query(
    `INSERT INTO "${TABLE}" (session_key, session_data, expire_date)
     SELECT md5('live' || g), $1, now() + interval '14 days' FROM generate_series(1, $2) AS g`,
    [sample, LIVE_ROWS],
  );
  await admin.query(`VACUUM ANALYZE "${TABLE}"`);
  return seconds(start);
}

async function main(): Promise<void> {
  await admin.query(`DROP TABLE IF EXISTS "${TABLE}"`);
  await sessions.createTable();

  const fillTime = await fill();
  console.log(`Inserted ${fmt(ROWS)} expired + ${fmt(LIVE_ROWS)} live sessions in ${fillTime.toFixed(1)} s`);

  let lastPrint = 0;
  let lastDone = -1;
  const start = process.hrtime.bigint();
  const deleted = await sessions.clearExpired((done, total) => {
    const now = Date.now();
    if (done === lastDone || (now - lastPrint < 500 && done !== total)) return;
    lastPrint = now;
    lastDone = done;
    const pct = total ? ((100 * done) / total).toFixed(1) : '?';
    process.stdout.write(`\r  clearExpired: ${fmt(done)} / ${fmt(total ?? 0)} (${pct} %)   `);
  });
  const batched = seconds(start);
  process.stdout.write('\n');
  const { rows } = await admin.query<{ live: string; expired: string }>(
    `SELECT count(*) FILTER (WHERE expire_date >= now()) AS live, count(*) FILTER (WHERE expire_date < now()) AS expired FROM "${TABLE}"`,
  );
  if (deleted !== ROWS || Number(rows[0]?.live) !== LIVE_ROWS || Number(rows[0]?.expired) !== 0) {
    throw new Error(`Unexpected result: deleted ${deleted}, left ${JSON.stringify(rows[0])}`);
  }

  await fill();
  const singleStart = process.hrtime.bigint();
  await admin.query('SET statement_timeout = 0');
  await admin.query(`DELETE FROM "${TABLE}" WHERE expire_date < now()`);
  const single = seconds(singleStart);

  console.log(
    `sessionkit clearExpired (batches of 10,000): ${fmt(deleted)} rows in ${batched.toFixed(2)} s ` +
      `(${fmt(Math.round(deleted / batched))} rows/s) — target < ${TARGET_SECONDS} s: ${batched < TARGET_SECONDS ? 'met' : 'MISSED'}`,
  );
  console.log(
    `Django-style single DELETE:                  ${fmt(ROWS)} rows in ${single.toFixed(2)} s ` +
      `(batched/single = ${(batched / single).toFixed(2)}x; the single statement holds one transaction throughout)`,
  );
}

try {
  await main();
} finally {
  await admin.query(`DROP TABLE IF EXISTS "${TABLE}"`).catch(() => {});
  await sessions.close();
  await admin.end();
}
