import { describe, expect, it } from 'vitest';
import {
  generateSessionKey,
  hasSafeKeyChars,
  isValidSessionKey,
  VALID_KEY_CHARS,
} from '../../src/core/keys.js';

describe('generateSessionKey', () => {
  it('mints 32 characters of [a-z0-9]', () => {
    const key = generateSessionKey();
    expect(key).toMatch(/^[a-z0-9]{32}$/);
  });

  it('uses every character with roughly equal frequency (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++)
      for (const c of generateSessionKey()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(VALID_KEY_CHARS.length);
    const expected = (3000 * 32) / 36;
    // A biased generator (byte % 36) over-weights a–d by ~16%; chi-square catches it.
    let chi = 0;
    for (const n of counts.values()) chi += (n - expected) ** 2 / expected;
    expect(chi).toBeLessThan(80);
  });

  it('never repeats', () => {
    const keys = new Set(Array.from({ length: 10_000 }, () => generateSessionKey()));
    expect(keys.size).toBe(10_000);
  });
});

describe('isValidSessionKey', () => {
  it('keeps strings of 8 or more characters, as Django does', () => {
    expect(isValidSessionKey('')).toBe(false);
    expect(isValidSessionKey('1234567')).toBe(false);
    expect(isValidSessionKey('12345678')).toBe(true);
    expect(isValidSessionKey(null)).toBe(false);
    expect(isValidSessionKey(12345678)).toBe(false);
  });
});

describe('hasSafeKeyChars', () => {
  it('accepts only lowercase letters and digits', () => {
    expect(hasSafeKeyChars('abc123')).toBe(true);
    expect(hasSafeKeyChars('ABC')).toBe(false);
    expect(hasSafeKeyChars('a/b')).toBe(false);
    expect(hasSafeKeyChars('a.b')).toBe(false);
    expect(hasSafeKeyChars('')).toBe(false);
  });
});
