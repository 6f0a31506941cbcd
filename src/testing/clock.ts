/**
 * A clock the tests move by hand, shared by the published contract suite and the project's own tests.
 * @module
 */

/** A controllable clock (milliseconds since the epoch). */
export interface TestClock {
  now: () => number;
  set(ms: number): void;
  advance(seconds: number): void;
}

/** A clock that starts at `start` and moves only when told. */
export function createClock(start = Date.now()): TestClock {
  let value = start;
  return {
    now: () => value,
    set(ms) {
      value = ms;
    },
    advance(seconds) {
      value += seconds * 1000;
    },
  };
}
