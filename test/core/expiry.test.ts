import { describe, expect, it } from 'vitest';
import {
  computeExpiryAge,
  computeExpiryDate,
  parsePythonIsoformat,
  toPythonIsoformat,
  toStoredExpiry,
} from '../../src/core/expiry.js';

const M = Date.UTC(2024, 0, 1, 12, 0, 0);

describe('toPythonIsoformat', () => {
  it("matches Python's aware-UTC isoformat", () => {
    expect(toPythonIsoformat(new Date(M + 10_000))).toBe('2024-01-01T12:00:10+00:00');
    expect(toPythonIsoformat(new Date(M + 10_123))).toBe('2024-01-01T12:00:10.123000+00:00');
  });
});

describe('parsePythonIsoformat', () => {
  it('reads offsets, Z, microseconds and naive (UTC) values', () => {
    expect(parsePythonIsoformat('2024-01-01T12:00:10+00:00')?.getTime()).toBe(M + 10_000);
    expect(parsePythonIsoformat('2024-01-01T12:00:10.123456+00:00')?.getTime()).toBe(M + 10_123);
    expect(parsePythonIsoformat('2024-01-01T14:00:10+02:00')?.getTime()).toBe(M + 10_000);
    expect(parsePythonIsoformat('2024-01-01 12:00:10Z')?.getTime()).toBe(M + 10_000);
    expect(parsePythonIsoformat('2024-01-01T12:00:10')?.getTime()).toBe(M + 10_000);
    expect(parsePythonIsoformat('not a date')).toBeNull();
  });
});

describe('toStoredExpiry', () => {
  it('keeps numbers, turns dates and durations into ISO strings, null removes', () => {
    expect(toStoredExpiry(0, M)).toBe(0);
    expect(toStoredExpiry(3600, M)).toBe(3600);
    expect(toStoredExpiry(new Date(M), M)).toBe('2024-01-01T12:00:00+00:00');
    expect(toStoredExpiry({ minutes: 1, seconds: 10 }, M)).toBe('2024-01-01T12:01:10+00:00');
    expect(toStoredExpiry({ seconds: -10 }, M)).toBe('2024-01-01T11:59:50+00:00');
    expect(toStoredExpiry(null, M)).toBeNull();
  });
});

describe('computeExpiryAge', () => {
  it('uses cookieAge when unset or 0, returns integers as they are', () => {
    expect(computeExpiryAge(undefined, M, 1209600)).toBe(1209600);
    expect(computeExpiryAge(0, M, 1209600)).toBe(1209600);
    expect(computeExpiryAge(60, M, 1209600)).toBe(60);
    expect(computeExpiryAge(-5, M, 1209600)).toBe(-5);
  });

  it('floors the seconds between modification and a date (Python timedelta arithmetic)', () => {
    expect(computeExpiryAge('2024-01-01T12:00:01.900000+00:00', M, 1)).toBe(1);
    expect(computeExpiryAge('2024-01-01T11:59:59.500000+00:00', M, 1)).toBe(-1);
    expect(computeExpiryAge(new Date(M + 10_000), M, 1)).toBe(10);
  });
});

describe('computeExpiryDate', () => {
  it('adds seconds (or cookieAge) to the modification time, or returns the date', () => {
    expect(computeExpiryDate(10, M, 1209600).getTime()).toBe(M + 10_000);
    expect(computeExpiryDate(null, M, 60).getTime()).toBe(M + 60_000);
    expect(computeExpiryDate('2024-01-01T12:00:10+00:00', M, 60).getTime()).toBe(M + 10_000);
  });
});
