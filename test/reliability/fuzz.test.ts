/**
 * The full property-based fuzz of issue 17: 100,000+ generated Cookie headers (a third per store),
 * 100,000 stored values (half per data format) and 100,000 data values through the framework-neutral
 * path. Runs with `npm run reliability` (SESSIONKIT_RELIABILITY=1); skipped in `npm test`, which runs
 * the short version (test/hardening/fuzz.test.ts). The seed is random unless SESSIONKIT_FUZZ_SEED is
 * set; fast-check prints it with any counterexample.
 */
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../hardening/fuzz-properties.js';

const FULL = process.env.SESSIONKIT_RELIABILITY === '1';
const seed =
  process.env.SESSIONKIT_FUZZ_SEED === undefined ? undefined : Number(process.env.SESSIONKIT_FUZZ_SEED);

describe.skipIf(!FULL)('framework-neutral path under 300,000 generated inputs', () => {
  it(
    'answers every Cookie header, stored value and data value without an untyped error or a 5xx',
    async () => {
      const started = Date.now();
      const figures = await runFuzz({ headers: 34_000, stored: 50_000, data: 100_000, seed });
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      console.log(`fuzz figures (${seconds} s, seed ${seed ?? 'random'}):`);
      for (const [kind, tally] of Object.entries(figures)) {
        console.log(
          `  ${kind}: ${tally.runs} cases, ${tally.typedErrors} typed errors, ${tally.cookiesSet} with Set-Cookie`,
        );
      }
      const headers = Object.entries(figures).filter(([kind]) => kind.startsWith('Cookie headers'));
      expect(headers.reduce((sum, [, t]) => sum + t.runs, 0)).toBeGreaterThanOrEqual(100_000);
    },
    30 * 60_000,
  );
});
