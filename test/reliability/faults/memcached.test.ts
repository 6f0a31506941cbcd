/**
 * Fault: one memcached of a two-server pool stopped, then started again (empty). The store hashes each
 * key to one server and never moves it (a cache pool, as Django's): sessions on the live server keep
 * working with no failed request; sessions on the stopped one answer 503 (StoreUnavailable) until it
 * is back, then start fresh with a new key, since the restarted memcached holds nothing. No 500s, no
 * hang, no counter that goes backwards without a new key. Runs in `npm test` (short) and in
 * `npm run reliability` (longer phases).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateServer, startMemcached } from '../../services/private.js';
import { hasCommand, skipWithout } from '../../services/probe.js';
import {
  emptyFigures,
  expectRecovery,
  type FaultApp,
  FULL,
  HANG_MS,
  only200And503,
  report,
  reportTotals,
  runFor,
  startApp,
  type User,
  users,
  warmUp,
} from './harness.js';

// The stores' default: a healthy store answers within it even on a loaded machine.
const TIMEOUT_MS = 2000;
const PHASE_MS = FULL ? 8000 : 2500;
const skip = skipWithout(
  'a private memcached',
  (await hasCommand('memcached')) ? null : 'memcached is not installed',
);

describe.skipIf(skip)('fault: one memcached of the pool stopped', () => {
  let pool: PrivateServer[];
  let app: FaultApp;
  beforeAll(async () => {
    pool = [await startMemcached(), await startMemcached()];
    const servers = pool.map((server) => `127.0.0.1:${server.port}`).join(',');
    app = await startApp(`memcached://${servers}?prefix=sk-faults:&timeout=${TIMEOUT_MS}`);
  });
  afterAll(async () => {
    await app?.close();
    for (const server of pool ?? []) await server.kill();
  });

  it('keeps the sessions of the live server, answers 503 for the others, recovers after a restart', async () => {
    const jars = users(FULL ? 40 : 16);
    await warmUp('memcached', app, jars, PHASE_MS);

    const stopped = pool[1]!;
    await stopped.kill();
    // Per user, during the outage: which answers it got.
    const seen = new Map<User, Set<number>>();
    const down = await runFor(app, jars, PHASE_MS);
    report('memcached', 'one server stopped', down);
    expect(only200And503(down)).toEqual([]);
    expect(down.errors).toBe(0);
    expect(down.mismatches).toBe(0);
    expect(down.maxMs).toBeLessThan(HANG_MS);
    // One more round tells each user's side: a key lives on one server, so a user sees only 200s or only 503s.
    const probe = emptyFigures();
    for (const jar of jars) {
      const statuses = new Set<number>();
      for (let i = 0; i < 3; i++) statuses.add(await jar.step(app.url, probe, false));
      seen.set(jar, statuses);
    }
    const live = jars.filter((jar) => seen.get(jar)!.has(200));
    const lost = jars.filter((jar) => seen.get(jar)!.has(503));
    report('memcached', 'sides', { live: live.length, onStopped: lost.length });
    expect(live.filter((jar) => lost.includes(jar))).toEqual([]);
    expect(live.length + lost.length).toBe(jars.length);
    // With 16 keys spread by consistent hashing over two servers, both sides are all but certain to be used.
    expect(live.length).toBeGreaterThan(0);
    expect(lost.length).toBeGreaterThan(0);
    expect(probe.mismatches).toBe(0);
    const liveRun = await runFor(app, live, PHASE_MS / 2);
    expect(liveRun.statuses).toEqual({ 200: liveRun.requests });

    await stopped.start();
    const { recovery, after } = await expectRecovery('memcached', app, jars, PHASE_MS, {
      allowFresh: true,
    });
    // Only the sessions of the restarted server started again.
    expect(recovery.freshStarts + after.freshStarts).toBe(lost.length);
    reportTotals('memcached', jars);
  }, 120_000);
});
