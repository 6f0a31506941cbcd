/**
 * The reused zlib contexts must be indistinguishable from `deflateSync` / `inflateSync`: same bytes,
 * same errors, and still right after an error or an output too large for their scratch buffer.
 */
import { randomBytes } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflate, inflate, zlibFastPathActive } from '../../src/signing/zlib-fast.js';

const MAX = { maxOutputLength: 1024 * 1024 };

/** Inputs from empty to beyond the 64 KiB scratch buffer, compressible and not. */
function samples(): Buffer[] {
  const out: Buffer[] = [Buffer.alloc(0), Buffer.from('a'), Buffer.from('{"a":1}')];
  for (const size of [10, 63, 64, 65, 200, 1000, 5000, 70_000, 200_000]) {
    out.push(randomBytes(size));
    out.push(Buffer.from('{"counter":1,"user":"zoë"}'.repeat(Math.ceil(size / 26)).slice(0, size)));
  }
  return out;
}

/** The error a call throws, as `{ code, message }`, or `null`. */
function errorOf(call: () => unknown): { code: unknown; message: string } | null {
  try {
    call();
    return null;
  } catch (error) {
    return { code: (error as { code?: unknown }).code, message: (error as Error).message };
  }
}

describe('zlib-fast', () => {
  it('runs the kept contexts on this Node (else every test below only checks the fallback)', () => {
    expect(zlibFastPathActive()).toEqual({ deflate: true, inflate: true });
  });

  it('deflates to exactly the bytes of deflateSync, for every size', () => {
    for (const input of samples()) expect(deflate(input).equals(deflateSync(input))).toBe(true);
  });

  it('inflates to exactly the bytes of inflateSync, for every size', () => {
    for (const input of samples()) {
      const compressed = deflateSync(input);
      expect(inflate(compressed, MAX).equals(inflateSync(compressed, MAX))).toBe(true);
    }
  });

  it('throws what inflateSync throws for bad data, truncated data and oversized output, then keeps working', () => {
    const good = deflateSync(Buffer.from('{"fine":true}'));
    const zipBomb = deflateSync(Buffer.alloc(100_000, 0x20));
    const cases: Array<[Buffer, { maxOutputLength: number }]> = [
      [Buffer.from('not zlib at all'), MAX],
      [good.subarray(0, good.length - 3), MAX],
      [Buffer.concat([good.subarray(0, 2), randomBytes(20)]), MAX],
      [zipBomb, { maxOutputLength: 1000 }],
      [deflateSync(Buffer.alloc(5000, 0x41)), { maxOutputLength: 4999 }],
    ];
    for (const [input, options] of cases) {
      const expected = errorOf(() => inflateSync(input, options));
      expect(expected).not.toBeNull();
      expect(errorOf(() => inflate(input, options))).toEqual(expected);
      // The next call after a failure is right again.
      expect(inflate(good, MAX).toString()).toBe('{"fine":true}');
      expect(deflate(Buffer.from('x')).equals(deflateSync(Buffer.from('x')))).toBe(true);
    }
  });

  it('returns buffers that later calls do not overwrite', () => {
    const first = deflate(Buffer.from('first payload, first payload'));
    const copy = Buffer.from(first);
    deflate(Buffer.from('second, different payload'));
    expect(first.equals(copy)).toBe(true);
    const a = inflate(deflateSync(Buffer.from('alpha')), MAX);
    inflate(deflateSync(Buffer.from('omega')), MAX);
    expect(a.toString()).toBe('alpha');
  });
});
