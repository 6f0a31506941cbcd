import { describe, expect, it } from 'vitest';
import { MalformedPayload } from '../../src/core/errors.js';
import { b64Decode, b64Encode } from '../../src/signing/base64url.js';

describe('b64Encode', () => {
  it('writes URL-safe base64 without padding', () => {
    expect(b64Encode('{"a":1}')).toBe('eyJhIjoxfQ');
    expect(b64Encode(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(b64Encode('')).toBe('');
  });
});

describe('b64Decode', () => {
  it('decodes without padding', () => {
    expect(b64Decode('eyJhIjoxfQ').toString()).toBe('{"a":1}');
    expect([...b64Decode('-_8')]).toEqual([0xfb, 0xff]);
  });

  it('accepts correct trailing padding', () => {
    expect(b64Decode('e30=').toString()).toBe('{}');
  });

  it('refuses characters outside the URL-safe alphabet, which Python would silently drop', () => {
    for (const text of ['e3 0', 'e3+0', 'e3/0', 'e30!', 'é30'])
      expect(() => b64Decode(text), text).toThrow(MalformedPayload);
  });

  it('refuses impossible lengths and misplaced padding', () => {
    for (const text of ['e', 'eyJhI', 'e30==', 'e=30', '='])
      expect(() => b64Decode(text), text).toThrow(MalformedPayload);
  });
});
