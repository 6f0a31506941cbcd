import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreUnavailable } from '../../src/core/errors.js';
import { withTimeout } from '../../src/stores/_shared.js';

describe('withTimeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves with the operation’s value and leaves no timer behind', async () => {
    vi.useFakeTimers();
    await expect(withTimeout('test', 1000, async () => 42)).resolves.toBe(42);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with StoreUnavailable once the time is up, and ignores a later answer', async () => {
    vi.useFakeTimers();
    let answer: (value: string) => void = () => {};
    const late = new Promise<string>((resolve) => {
      answer = resolve;
    });
    const result = withTimeout('test', 1000, () => late).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1000);
    answer('too late');
    const error = await result;
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as StoreUnavailable).detail).toBe('The test store did not answer within 1000 ms');
  });

  it('turns an outage, thrown or rejected, into StoreUnavailable with the error as cause, and clears the timer', async () => {
    vi.useFakeTimers();
    const refused = new Error('connect ECONNREFUSED');
    for (const operation of [
      () => Promise.reject(refused),
      () => {
        throw refused;
      },
    ]) {
      const error = await withTimeout('test', 1000, operation).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailable);
      expect((error as StoreUnavailable).cause).toBe(refused);
      expect((error as StoreUnavailable).detail).toBe('The test store is unavailable: connect ECONNREFUSED');
    }
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes errors that isOutage rejects, and StoreUnavailable, through unchanged', async () => {
    const bug = new TypeError('not an outage');
    await expect(
      withTimeout(
        'test',
        1000,
        () => Promise.reject(bug),
        () => false,
      ),
    ).rejects.toBe(bug);
    const inner = new StoreUnavailable('inner');
    await expect(withTimeout('test', 1000, () => Promise.reject(inner))).rejects.toBe(inner);
  });

  it('accepts a thenable or a plain value, as an await would', async () => {
    // biome-ignore lint/suspicious/noThenProperty: a thenable is what this case is about.
    const thenable = { then: (resolve: (value: string) => void) => resolve('from a thenable') };
    await expect(withTimeout('test', 1000, () => thenable as unknown as Promise<string>)).resolves.toBe(
      'from a thenable',
    );
    await expect(withTimeout('test', 1000, () => 'plain' as unknown as Promise<string>)).resolves.toBe(
      'plain',
    );
  });
});
