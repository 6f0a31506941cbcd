/**
 * The few `expect` matchers the contract suite uses, on `node:assert/strict`, so that the suite runs
 * under any test runner (Vitest, `node:test`, Jest, Mocha): a failure is an `AssertionError`.
 * @module
 */
import assert from 'node:assert/strict';

/** @internal Matchers of one value. */
export interface Matchers {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toBeNull(): void;
  toBeUndefined(): void;
  toHaveLength(length: number): void;
  toBeInstanceOf(type: abstract new (...args: never[]) => unknown): void;
  toThrow(type: abstract new (...args: never[]) => unknown): void;
  readonly not: { toBe(expected: unknown): void };
  readonly rejects: {
    toBeInstanceOf(type: abstract new (...args: never[]) => unknown): Promise<void>;
    toMatchObject(expected: Record<string, unknown>): Promise<void>;
  };
}

/** @internal `expect(value)` for the contract suite. */
export function expect(actual: unknown): Matchers {
  const rejection = async (): Promise<unknown> => {
    try {
      await actual;
    } catch (error) {
      return error;
    }
    assert.fail('expected the promise to reject');
  };
  return {
    toBe: (expected) => assert.equal(actual, expected),
    toEqual: (expected) => assert.deepEqual(actual, expected),
    toBeNull: () => assert.equal(actual, null),
    toBeUndefined: () => assert.equal(actual, undefined),
    toHaveLength: (length) => assert.equal((actual as { length: number }).length, length),
    toBeInstanceOf: (type) => assert.ok(actual instanceof type, `expected an instance of ${type.name}`),
    toThrow: (type) => assert.throws(actual as () => unknown, type as never),
    not: { toBe: (expected) => assert.notEqual(actual, expected) },
    rejects: {
      async toBeInstanceOf(type) {
        const error = await rejection();
        assert.ok(error instanceof type, `expected a rejection with ${type.name}, got ${String(error)}`);
      },
      async toMatchObject(expected) {
        const error = (await rejection()) as Record<string, unknown>;
        for (const [key, value] of Object.entries(expected)) assert.deepEqual(error?.[key], value, key);
      },
    },
  };
}
