/**
 * Fault: a private Redis frozen (SIGSTOP) and thawed, then killed and started again, under users with
 * cookie jars. While frozen, requests answer 503 once the store timeout passes — never 500, never a
 * hang, never an empty session; after the thaw every counter continues; after the restart (the
 * in-memory data is gone) sessions start fresh with a new key and the service recovers.
 * Short version in `npm test`, longer phases with `npm run reliability`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateServer, privateRedisProblem, startRedis } from '../../services/private.js';
import { skipWithout } from '../../services/probe.js';
import {
  type FaultApp,
  FULL,
  HANG_MS,
  only200And503,
  report,
  runFor,
  startApp,
  untilRecovered,
  users,
} from './harness.js';

const TIMEOUT_MS = 500;
const PHASE_MS = FULL ? 8000 : 2500;
const skip = skipWithout('a private redis-server', await privateRedisProblem());

describe.skipIf(skip)('fault: Redis frozen, thawed, killed and restarted', () => {
  let redis: PrivateServer;
  let app: FaultApp;
  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(`redis://127.0.0.1:${redis.port}?prefix=sk-faults:&timeout=${TIMEOUT_MS}`);
  });
  afterAll(async () => {
    await app?.close();
    await redis?.kill();
  });

  it('answers 503 while frozen, recovers with consistent counters, and again after a restart', async () => {
    const jars = users(FULL ? 40 : 12);
    const warm = await runFor(app, jars, PHASE_MS);
    report('redis', 'warm', warm);
    expect(warm.statuses).toEqual({ 200: warm.requests });

    redis.freeze();
    const frozen = await runFor(app, jars, PHASE_MS);
    report('redis', 'frozen', frozen);
    expect(only200And503(frozen)).toEqual([]);
    expect(frozen.errors).toBe(0);
    expect(frozen.statuses[503]).toBeGreaterThan(0);
    expect(frozen.mismatches).toBe(0);
    // A hang detector, far above the store timeout: a request does at most a load and a save.
    expect(frozen.maxMs).toBeLessThan(HANG_MS);

    redis.thaw();
    const thawed = await untilRecovered(app, jars, 30_000);
    report('redis', 'thaw recovery', thawed);
    expect(thawed.recoveryMs).not.toBeNull();
    expect(thawed.mismatches).toBe(0);
    expect(only200And503(thawed)).toEqual([]);
    const after = await runFor(app, jars, PHASE_MS);
    report('redis', 'after thaw', after);
    expect(after.statuses).toEqual({ 200: after.requests });
    expect(after.mismatches).toBe(0);

    await redis.kill();
    const down = await runFor(app, jars, PHASE_MS / 2);
    report('redis', 'killed', down);
    expect(only200And503(down)).toEqual([]);
    expect(down.errors).toBe(0);
    expect(down.statuses[200]).toBeUndefined();

    await redis.start();
    // The restarted Redis has no data (no persistence): sessions start again, with a new key.
    const restarted = await untilRecovered(app, jars, 30_000, { allowFresh: true });
    report('redis', 'restart recovery', restarted);
    expect(restarted.recoveryMs).not.toBeNull();
    expect(restarted.mismatches).toBe(0);
    expect(only200And503(restarted)).toEqual([]);
    const final = await runFor(app, jars, PHASE_MS, { allowFresh: true });
    report('redis', 'after restart', final);
    expect(final.statuses).toEqual({ 200: final.requests });
    expect(final.mismatches).toBe(0);
    const totals = { ok: 0, failed: 0 };
    for (const jar of jars) {
      totals.ok += jar.ok;
      totals.failed += jar.failed;
    }
    report('redis', 'totals', totals);
  }, 120_000);
});
