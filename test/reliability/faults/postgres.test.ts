/**
 * Fault: a private PostgreSQL cluster (initdb in a temporary folder, its own port) stopped hard
 * (`pg_ctl -m immediate`, as a crash) and started again while users with cookie jars keep calling.
 * During the outage requests answer 503, never 500 and never hang; after the restart the pool
 * reconnects and every counter continues (the data survives the restart: no fresh start allowed).
 * Runs with `npm run reliability` (initdb and the restarts cost a few seconds).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivatePostgres, privatePostgresProblem, startPostgres } from '../../services/private.js';
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
  untilRecovered,
  users,
  warmUp,
} from './harness.js';

const TIMEOUT_MS = 2000;
const PHASE_MS = 3000;
const skip = !FULL || skipWithout('a private PostgreSQL', await privatePostgresProblem());

describe.skipIf(skip)('fault: PostgreSQL restarted under load', () => {
  let pg: PrivatePostgres;
  let app: FaultApp;
  beforeAll(async () => {
    pg = await startPostgres();
    app = await startApp(`${pg.url}?table=sk_faults_session&createTable=true&timeout=${TIMEOUT_MS}`);
  });
  afterAll(async () => {
    await app?.close();
    await pg?.destroy();
  });

  it('answers 503 while it is down and recovers with every counter intact', async () => {
    const jars = users(24);
    await warmUp('postgres', app, jars, PHASE_MS);

    for (let round = 1; round <= 2; round++) {
      // The load runs on while the server goes down and comes back.
      const load = runFor(app, jars, PHASE_MS * 2);
      await sleep(PHASE_MS / 3);
      await pg.stop();
      await sleep(PHASE_MS / 2);
      const restartedAt = Date.now();
      await pg.start();
      const during = await load;
      report('postgres', `restart ${round} under load`, { ...during, startMs: Date.now() - restartedAt });
      expect(only200And503(during)).toEqual([]);
      expect(during.errors).toBe(0);
      expect(during.mismatches).toBe(0);
      expect(during.statuses[503]).toBeGreaterThan(0);
      expect(during.maxMs).toBeLessThan(HANG_MS);
      await expectRecovery(`postgres restart ${round}`, app, jars, PHASE_MS);
    }

    // Down for a while with no load running: the first requests after the start reconnect.
    await pg.stop();
    const down = await runFor(app, jars, PHASE_MS / 2);
    report('postgres', 'down', down);
    expect(down.statuses).toEqual({ 503: down.requests });
    await pg.start();
    const recovered = await untilRecovered(app, jars, 30_000);
    report('postgres', 'recovery after down', recovered);
    expect(recovered.recoveryMs).not.toBeNull();
    expect(recovered.mismatches).toBe(0);
    expect(only200And503(recovered)).toEqual([]);
    reportTotals('postgres', jars);
  }, 120_000);
});
