import { describe, expect, it } from 'vitest';
import { patchVary } from '../../src/http/vary.js';

describe('patchVary', () => {
  it('sets Cookie when there is no Vary', () => {
    expect(patchVary(null, ['Cookie'])).toBe('Cookie');
    expect(patchVary(undefined, ['Cookie'])).toBe('Cookie');
    expect(patchVary('', ['Cookie'])).toBe('Cookie');
  });

  it('appends to an existing Vary, keeping its order, joined with ", "', () => {
    expect(patchVary('Accept-Encoding,Accept-Language', ['Cookie'])).toBe(
      'Accept-Encoding, Accept-Language, Cookie',
    );
  });

  it('does not add a name already present, whatever its case', () => {
    expect(patchVary('Accept-Encoding, cookie', ['Cookie'])).toBe('Accept-Encoding, cookie');
    expect(patchVary('COOKIE', ['Cookie', 'cookie'])).toBe('COOKIE');
  });

  it('splits on commas with any surrounding whitespace', () => {
    expect(patchVary('Accept  ,   Origin', ['Cookie'])).toBe('Accept, Origin, Cookie');
  });

  it('reduces to * when * is present', () => {
    expect(patchVary('Accept, *', ['Cookie'])).toBe('*');
    expect(patchVary('*', ['Cookie'])).toBe('*');
  });

  it('accepts several header values as an array', () => {
    expect(patchVary(['Accept', 'Origin'], ['Cookie'])).toBe('Accept, Origin, Cookie');
  });
});
