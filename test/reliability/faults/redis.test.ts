/**
 * Fault: a private Redis frozen (SIGSTOP) and thawed, then killed and started again, under users with
 * cookie jars. While frozen, requests answer 503 once the store timeout passes — never 500, never a
 * hang, never an empty session; after the thaw every counter continues; after the restart (the
 * in-memory data is gone) sessions start fresh with a new key and the service recovers.
 * Short version in `npm test`, longer phases with `npm run reliability`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateServer, privateRedisProblem, startRedis } from '../../services/private.js';
import { skipWithout } from '../../services/probe.js';
import {
  expectRecovery,
  type FaultApp,
  FULL,
  HANG_MS,
  only200And503,
  report,
  reportTotals,
  runFor,
  startApp,
  users,
  warmUp,
} from './harness.js';

// The stores' default: a healthy store answers within it even on a loaded machine.
const TIMEOUT_MS = 2000;
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
    await warmUp('redis', app, jars, PHASE_MS);

    // Frozen mid-load, so that some requests have loaded and are saving: their writes wait in the
    // socket and land after the thaw (late writes), which the counters' bound accounts for.
    const load = runFor(app, jars, TIMEOUT_MS * 3);
    await sleep(300);
    redis.freeze();
    const frozen = await load;
    report('redis', 'frozen', frozen);
    expect(only200And503(frozen)).toEqual([]);
    expect(frozen.errors).toBe(0);
    expect(frozen.statuses[503]).toBeGreaterThan(0);
    expect(frozen.mismatches).toBe(0);
    // A hang detector, far above the store timeout: a request does at most a load and a save.
    expect(frozen.maxMs).toBeLessThan(HANG_MS);

    redis.thaw();
    await expectRecovery('redis thawed', app, jars, PHASE_MS);

    await redis.kill();
    const down = await runFor(app, jars, PHASE_MS / 2);
    report('redis', 'killed', down);
    expect(only200And503(down)).toEqual([]);
    expect(down.errors).toBe(0);
    expect(down.statuses[200]).toBeUndefined();

    await redis.start();
    // The restarted Redis has no data (no persistence): sessions start again, with a new key.
    const { recovery } = await expectRecovery('redis restarted', app, jars, PHASE_MS, { allowFresh: true });
    expect(recovery.freshStarts).toBe(jars.length);
    reportTotals('redis', jars);
  }, 120_000);
});
