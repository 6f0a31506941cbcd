import { describe, expect, it } from 'vitest';
import { MalformedPayload } from '../../src/core/errors.js';
import { b62Decode, b62Encode } from '../../src/signing/base62.js';

describe('b62Encode', () => {
  it('encodes as Django does', () => {
    expect(b62Encode(1700000000)).toBe('1r31eq');
    expect(b62Encode(0)).toBe('0');
    expect(b62Encode(61)).toBe('z');
    expect(b62Encode(62)).toBe('10');
    expect(b62Encode(-62)).toBe('-10');
    expect(b62Encode(62n ** 5n)).toBe('100000');
  });

  it('refuses non-integers', () => {
    expect(() => b62Encode(1.5)).toThrow();
    expect(() => b62Encode(Number.NaN)).toThrow();
  });
});

describe('b62Decode', () => {
  it('inverts b62Encode, negatives included', () => {
    for (const n of [0, 1, 61, 62, 1700000000, -1, -61, -1700000000, Number.MAX_SAFE_INTEGER]) {
      expect(b62Decode(b62Encode(n))).toBe(n);
    }
    expect(b62Decode('1r31eq')).toBe(1700000000);
  });

  it('decodes a lone "-" to 0, as Python does', () => {
    expect(b62Decode('-')).toBe(0);
  });

  it('throws on invalid characters, empty input and unsafe magnitudes', () => {
    for (const text of ['', '1r31e!', ' 1', '1-2', 'zzzzzzzzzzzz']) {
      expect(() => b62Decode(text), text).toThrow(MalformedPayload);
    }
  });
});
