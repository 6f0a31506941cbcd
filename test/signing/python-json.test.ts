import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedPayload, SerializationError } from '../../src/core/errors.js';
import { pythonFloatRepr } from '../../src/signing/python-float.js';
import { pythonJsonDumps, pythonJsonLoads } from '../../src/signing/python-json.js';

describe('pythonJsonDumps', () => {
  it('escapes non-ASCII as lowercase \\u escapes, as ensure_ascii=True does', () => {
    expect(pythonJsonDumps({ é: 'ü' })).toBe('{"\\u00e9":"\\u00fc"}');
    expect(pythonJsonDumps('Ελλάδα 日本')).toBe(
      '"\\u0395\\u03bb\\u03bb\\u03ac\\u03b4\\u03b1 \\u65e5\\u672c"',
    );
  });

  it('writes astral characters as surrogate pairs', () => {
    expect(pythonJsonDumps('🎉')).toBe('"\\ud83c\\udf89"');
  });

  it('escapes control characters with short forms where Python has them', () => {
    expect(pythonJsonDumps('\n\r\t\b\f')).toBe('"\\n\\r\\t\\b\\f"');
    expect(pythonJsonDumps('\u0000\u0007\u001f')).toBe('"\\u0000\\u0007\\u001f"');
    expect(pythonJsonDumps('\u007f')).toBe('"\\u007f"');
  });

  it('escapes quote and backslash but not slash', () => {
    expect(pythonJsonDumps('a"b\\c/d')).toBe('"a\\"b\\\\c/d"');
  });

  it('writes floats as Python repr', () => {
    expect(pythonJsonDumps([0.1, 1e-5, 2.5e-7, 123.456, -0.5, 1.5e-7, 0.0001])).toBe(
      '[0.1,1e-05,2.5e-07,123.456,-0.5,1.5e-07,0.0001]',
    );
    expect(pythonJsonDumps(1e15 + 0.5)).toBe('1000000000000000.5');
    expect(pythonJsonDumps(5e-324)).toBe('5e-324');
  });

  it('writes integral numbers with all their digits, like Python ints', () => {
    expect(pythonJsonDumps([0, -0, 42, -123456789012, 1e16, 1e21])).toBe(
      '[0,0,42,-123456789012,10000000000000000,1000000000000000000000]',
    );
  });

  it('writes bigints as integers', () => {
    expect(pythonJsonDumps({ n: 2n ** 64n })).toBe('{"n":18446744073709551616}');
  });

  it('writes NaN and the infinities as Python does', () => {
    expect(pythonJsonDumps([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBe(
      '[NaN,Infinity,-Infinity]',
    );
  });

  it('writes booleans and null, without spaces, keeping key insertion order', () => {
    expect(pythonJsonDumps({ z: [1, { y: [null, true, false] }], a: {} })).toBe(
      '{"z":[1,{"y":[null,true,false]}],"a":{}}',
    );
  });

  it('follows JSON.stringify for toJSON, undefined, functions and symbols', () => {
    const date = new Date(Date.UTC(2024, 0, 1, 12, 0, 10));
    expect(pythonJsonDumps({ at: date })).toBe('{"at":"2024-01-01T12:00:10.000Z"}');
    expect(pythonJsonDumps({ a: undefined, f: () => 1, s: Symbol('x'), b: 1 })).toBe('{"b":1}');
    expect(pythonJsonDumps([undefined, () => 1, Symbol('x')])).toBe('[null,null,null]');
    expect(pythonJsonDumps({ [Symbol('hidden')]: 1, shown: 2 })).toBe('{"shown":2}');
    expect(pythonJsonDumps([new Number(1.5), new String('s'), new Boolean(false)])).toBe('[1.5,"s",false]');
  });

  it('passes toJSON the key (array indexes as strings), and writes what toJSON returns without calling it again', () => {
    const seen: unknown[] = [];
    const spy = {
      toJSON: (key: unknown) => {
        seen.push(key);
        return { toJSON: () => 'not called', v: 1 };
      },
    };
    expect(pythonJsonDumps({ k: spy, list: [0, spy] })).toBe('{"k":{"v":1},"list":[0,{"v":1}]}');
    expect(seen).toEqual(['k', '1']);
    expect(pythonJsonDumps(spy)).toBe('{"v":1}');
    expect(seen.at(-1)).toBe('');
    expect(pythonJsonDumps({ n: { toJSON: () => 2.5 }, u: { toJSON: () => undefined } })).toBe('{"n":2.5}');
  });

  it('writes what JSON.stringify writes for ASCII strings, safe integers and ordinary floats', () => {
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    const value = (depth: number): unknown => {
      const pick = next() % (depth > 3 ? 4 : 6);
      if (pick === 0) return next() - 1073741824;
      if (pick === 1) return (next() % 100000) / 64; // exact binary fractions: same repr in Python and JS
      if (pick === 2)
        return String.fromCharCode(...Array.from({ length: next() % 12 }, () => 32 + (next() % 95)));
      if (pick === 3) return [null, true, false][next() % 3];
      if (pick === 4) return Array.from({ length: next() % 4 }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: next() % 4 }, (_, i) => [`k${i}${next() % 9}`, value(depth + 1)]),
      );
    };
    for (let i = 0; i < 500; i++) {
      const input = value(0);
      expect(pythonJsonDumps(input)).toBe(JSON.stringify(input));
    }
  });

  it('allows shared references that are not circular', () => {
    const shared = { x: 1 };
    expect(pythonJsonDumps({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it('refuses a top-level undefined', () => {
    expect(() => pythonJsonDumps(undefined)).toThrow(SerializationError);
  });

  it('refuses circular structures with SerializationError, not RangeError', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => pythonJsonDumps(loop)).toThrow(SerializationError);
    const list: unknown[] = [];
    list.push([list]);
    expect(() => pythonJsonDumps(list)).toThrow(SerializationError);
  });

  it('refuses Map and Set rather than writing {}', () => {
    expect(() => pythonJsonDumps({ m: new Map([['a', 1]]) })).toThrow(/Map/);
    expect(() => pythonJsonDumps([new Set([1])])).toThrow(SerializationError);
  });
});

describe('pythonJsonLoads', () => {
  it('parses standard JSON', () => {
    expect(pythonJsonLoads('{"\\u00e9":"\\u00fc","n":[1,2.5,null]}')).toEqual({ é: 'ü', n: [1, 2.5, null] });
  });

  it("accepts Python's NaN, Infinity and -Infinity tokens", () => {
    expect(pythonJsonLoads('[NaN, Infinity,-Infinity, 1]')).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1,
    ]);
    expect(pythonJsonLoads('{"a":{"b":[NaN]},"s":"NaN"}')).toEqual({ a: { b: [Number.NaN] }, s: 'NaN' });
  });

  it('keeps a "__proto__" key as an own property on the extended path', () => {
    const value = pythonJsonLoads('{"__proto__":{"x":1},"n":NaN}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'n']);
  });

  it('round-trips what pythonJsonDumps writes', () => {
    const data = { é: ['🎉', '\u0000\u007f', 1e-5, Number.POSITIVE_INFINITY], nested: { a: true } };
    expect(pythonJsonLoads(pythonJsonDumps(data))).toEqual(data);
  });

  it('throws MalformedPayload on invalid input, with the parse error as cause', () => {
    for (const text of [
      '',
      '{',
      'nan',
      '+Infinity',
      '-NaN',
      '[NaN,]',
      '{"a" NaN}',
      'NaN NaN',
      "{'a':1}",
      '"\u0001"',
    ]) {
      expect(() => pythonJsonLoads(text), text).toThrow(MalformedPayload);
    }
    try {
      pythonJsonLoads('{');
    } catch (error) {
      expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    }
  });
});

describe('pythonFloatRepr', () => {
  it('formats as repr(float)', () => {
    expect(pythonFloatRepr(2)).toBe('2.0');
    expect(pythonFloatRepr(1e16)).toBe('1e+16');
    expect(pythonFloatRepr(1.5e16)).toBe('1.5e+16');
    expect(pythonFloatRepr(1e15)).toBe('1000000000000000.0');
    expect(pythonFloatRepr(-0)).toBe('-0.0');
    expect(pythonFloatRepr(1.5e300)).toBe('1.5e+300');
    expect(pythonFloatRepr(1234.5678)).toBe('1234.5678');
  });
});

describe('pythonJsonDumps: the JSON.stringify path for plain data', () => {
  // A float beside the value sends it through the hand-written writer: the reference.
  const byWriter = (value: unknown): string => {
    const text = pythonJsonDumps([value, 0.5]);
    return text.slice(1, -',0.5]'.length);
  };
  const key = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('__proto__', 'toJSON', '1', '-0'),
  );
  const leaf = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('\u007f', '\ud800', 'a\u0000b', '"\\/', '\u2028'),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53, 1e21, 0.1, Number.NaN),
    fc.boolean(),
    fc.constant(null),
  );
  const data = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 5 }),
    object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  })).value;

  it('writes the same bytes as the Python-exact writer', () => {
    fc.assert(
      fc.property(data, (value) => {
        expect(pythonJsonDumps(value)).toBe(byWriter(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves what it cannot write alike to the writer (floats, non-ASCII, DEL, dates, toJSON, holes)', () => {
    const cases: unknown[] = [
      { n: 1e-5 },
      { big: 2 ** 64 },
      { s: 'é' },
      { s: '\u007f' },
      { d: new Date(0) },
      { o: { toJSON: () => 0.5 } },
      // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
      [1, , 2],
      Object.assign([1], { toJSON: () => 1e-7 }),
      { u: undefined, f: () => 1 },
      Object.create({ inherited: 1 }),
    ];
    for (const value of cases) expect(pythonJsonDumps(value)).toBe(byWriter(value));
  });

  it('keeps the depth limit and the circular-structure error', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1001; i++) deep = [deep];
    expect(() => pythonJsonDumps(deep)).toThrow(/maxDataDepth/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => pythonJsonDumps(cycle)).toThrow(SerializationError);
  });
});
