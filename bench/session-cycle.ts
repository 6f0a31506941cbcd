/**
 * Issue 2 — the request cycle of a logged-in user, for every store side by side in one run: open a saved
 * session by key, read a counter, set counter + 1, save. One cycle at a time, so the figure is the
 * latency a request pays; ratios are to the memory store (the floor: no I/O at all).
 *
 * Run: `npx tsx bench/session-cycle.ts [--quick]`.
 * @module
 */
import { type Case, measure, printEnvironment, printResults, QUICK } from './_harness.js';
import { PAYLOAD, sessionOps } from './_sessions.js';
import { closeStores, managerFor, openStores } from './_stores.js';

async function main(): Promise<void> {
  printEnvironment('Session load + modify + save cycle, per store (issue 2)');
  console.log(
    `# session: ${Buffer.byteLength(JSON.stringify(PAYLOAD))} B of JSON (a Django login + a counter)`,
  );
  const fixtures = await openStores();
  try {
    const cases: Case[] = [];
    for (const fixture of fixtures) {
      const ops = await sessionOps(managerFor(fixture));
      cases.push({ name: fixture.name, fn: ops.cycle });
    }
    const results = await measure(cases, { timeMs: QUICK ? 150 : 800 });
    printResults('open(key) + get + set + save, one at a time', results, 'memory');
  } finally {
    await closeStores(fixtures);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
