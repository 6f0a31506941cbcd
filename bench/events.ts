/**
 * What events cost: the session cycle (open a saved session by key, get, set, save) on the memory and
 * SQLite stores, without a listener (the default) and with a listener that counts, side by side in one
 * run. Ratios are to the same store without a listener. The cost of the change itself without a
 * listener is measured by running bench/session-cycle.ts on the commit before and after (bench/README).
 *
 * Run: `npx tsx bench/events.ts [--quick]`.
 * @module
 */
import { createSessionManager } from '../src/core/manager.js';
import { type Case, measure, printEnvironment, printResults, QUICK } from './_harness.js';
import { sessionOps } from './_sessions.js';
import { closeStores, openStores, SECRET_KEY } from './_stores.js';

async function main(): Promise<void> {
  printEnvironment('Session cycle without and with an onEvent listener (events)');
  const fixtures = await openStores(['memory', 'sqlite']);
  let counted = 0;
  try {
    const cases: Case[] = [];
    for (const fixture of fixtures) {
      for (const listening of [false, true]) {
        const manager = createSessionManager({
          secretKey: SECRET_KEY,
          store: fixture.store,
          cookieAge: 1800,
          ...(listening ? { onEvent: () => void counted++ } : {}),
        });
        const ops = await sessionOps(manager);
        cases.push({ name: `${fixture.name}${listening ? ' + onEvent' : ''}`, fn: ops.cycle });
      }
    }
    const results = await measure(cases, { timeMs: QUICK ? 150 : 800 });
    for (const fixture of fixtures) {
      printResults(
        `${fixture.name}: open(key) + get + set + save, one at a time`,
        results.filter((r) => r.name.startsWith(fixture.name)),
        fixture.name,
      );
    }
    console.log(`# events counted: ${counted}`);
  } finally {
    await closeStores(fixtures);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
