/**
 * The short run of the property-based fuzz (issue 17): a few thousand generated Cookie headers, stored
 * values and data values, with a fixed seed so a failure reproduces. `npm run reliability` runs the
 * same properties with 100,000+ cases (test/reliability/fuzz.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { runFuzz } from './fuzz-properties.js';

describe('framework-neutral path under generated input', () => {
  it('answers every Cookie header, stored value and data value without an untyped error or a 5xx', async () => {
    const seed = Number(process.env.SESSIONKIT_FUZZ_SEED ?? 17);
    const figures = await runFuzz({ headers: 1000, stored: 500, data: 1000, seed });
    for (const tally of Object.values(figures)) expect(tally.runs).toBeGreaterThan(0);
  }, 300_000); // a few seconds idle; minutes beside other test suites on a loaded 2-core machine
});
