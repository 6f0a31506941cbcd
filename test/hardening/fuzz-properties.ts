/**
 * Property-based fuzzing of the framework-neutral path (issue 17): generated `Cookie` headers and stored
 * values go through `readSessionCookie` (inside `SessionRuntime.open`), a session load, a change, a save
 * and `finalize`, on the memory store (both data formats) and the signed-cookie store; generated data
 * goes through the codec. Nothing may throw but a sessionkit error with a client-side (4xx) or
 * documented typed outcome, and no answer may be a 5xx. Shared by the short run in `npm test`
 * (test/hardening) and the full run of `npm run reliability` (test/reliability).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { isPlainObject } from '../../src/core/codec.js';
import { silentLogger } from '../../src/core/logger.js';
import { createSessionRuntime, type SessionRuntime } from '../../src/http/options.js';
import { dumps } from '../../src/signing/dumps.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createSignedCookieStore } from '../../src/stores/signed-cookie.js';
import type { AnyStore, SessionStore } from '../../src/stores/types.js';
import { SECRET } from '../helpers.js';

/** Typed errors a request may end with on these stores, by code (anything else fails the property). */
const ALLOWED_CODES = new Set([
  // Re-signing loaded data can come out a few bytes larger than the 4 KB cookie it came from.
  'ERR_COOKIE_TOO_LARGE',
]);

/** Figures of one property run, for SECURITY.md. */
export interface FuzzFigures {
  runs: number;
  /** Requests that ended with an allowed typed error. */
  typedErrors: number;
  /** Requests that answered with a `Set-Cookie`. */
  cookiesSet: number;
}

/** The three stores under test, each behind its own runtime. */
export function fuzzRuntimes(): Array<{ name: string; store: AnyStore; runtime: SessionRuntime }> {
  const stores: Array<[string, AnyStore]> = [
    ['memory (json)', createMemoryStore({ max: 100_000 })],
    ['memory (django)', createMemoryStore({ max: 100_000, dataFormat: 'django' })],
    ['signed-cookie', createSignedCookieStore()],
  ];
  return stores.map(([name, store]) => ({
    name,
    store,
    runtime: createSessionRuntime({ secretKey: SECRET, store, logger: silentLogger }),
  }));
}

const SIGNED_COOKIE_SALT = 'django.contrib.sessions.backends.signed_cookies';
const SESSION_SALT = 'django.contrib.sessions.SessionStore';

/**
 * A signed value whose JSON text is `text` verbatim (the writer itself would refuse some of them);
 * characters latin-1 cannot carry become `\\uXXXX` escapes, as a Python writer would write them.
 */
function signedText(text: string, salt: string, compress: boolean): string {
  const latin1 = text.replace(
    /[\u0100-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return dumps(null, {
    key: SECRET,
    salt,
    compress,
    serializer: { dumps: () => latin1, loads: JSON.parse },
  });
}

/** JSON-ish text: real JSON values, deep nesting, Python's tokens, broken and huge texts. */
const jsonishText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.jsonValue().map((value) => JSON.stringify({ v: value })), weight: 10 },
  { arbitrary: fc.json(), weight: 5 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 5 },
  {
    arbitrary: fc
      .tuple(
        fc.integer({ min: 1, max: 5000 }),
        fc.constantFrom('[', '{"a":'),
        fc.constantFrom('1', 'NaN', '"x"'),
      )
      .map(([depth, open, inner]) => {
        const close = open === '[' ? ']' : '}';
        return `{"d":${open.repeat(depth)}${inner}${close.repeat(depth)}}`;
      }),
    weight: 5,
  },
  {
    arbitrary: fc.constantFrom(
      '{"__proto__":{"x":1},"c":7}',
      '{"a":NaN,"b":-Infinity}',
      '{',
      '',
      'null',
      '[]',
      '{"a":1}x',
    ),
    weight: 3,
  },
  // Around the 1 MiB size limit: rare, they are slow to generate and sign.
  {
    arbitrary: fc.constantFrom(1_048_560, 1_048_600).map((n) => `{"big":"${'y'.repeat(n - 10)}"}`),
    weight: 1,
  },
);

/** A cookie value: random text, session-key shaped, signed values (valid or mutated), quoted, long. */
function cookieValue(valid: readonly string[]): fc.Arbitrary<string> {
  const mutated = fc
    .tuple(fc.constantFrom(...valid), fc.nat(), fc.string({ maxLength: 3 }))
    .map(([value, at, insert]) => {
      const i = at % (value.length + 1);
      return value.slice(0, i) + insert + value.slice(i + 1);
    });
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc.stringMatching(/^[a-z0-9]{1,60}$/),
    fc.constantFrom(...valid),
    mutated,
    mutated.map((value) => `"${value}"`),
    jsonishText.map((text) => signedText(text, SIGNED_COOKIE_SALT, true)),
    fc.integer({ min: 4000, max: 5000 }).map((n) => 'a'.repeat(n)),
  );
}

/** A whole `Cookie` header (or several): pairs with the session cookie's name or others, or noise. */
export function cookieHeaders(valid: readonly string[]): fc.Arbitrary<string | string[] | undefined> {
  const name = fc.oneof(fc.constant('sessionid'), fc.constant(' sessionid'), fc.string({ maxLength: 12 }));
  const pair = fc
    .tuple(name, fc.constantFrom('=', '=', '', '=='), cookieValue(valid))
    .map(([n, eq, v]) => `${n}${eq}${v}`);
  const header = fc
    .tuple(fc.array(pair, { maxLength: 4 }), fc.constantFrom('; ', ';', ', ', ';;  '))
    .map(([pairs, sep]) => pairs.join(sep));
  return fc.oneof(
    header,
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.array(header, { minLength: 1, maxLength: 3 }),
    fc.constant(undefined),
  );
}

/** What a request does with its session. */
export const requestActions = fc.record({
  read: fc.boolean(),
  write: fc.option(fc.jsonValue({ maxDepth: 4 }), { nil: undefined }),
  cycle: fc.boolean(),
  flush: fc.boolean(),
  status: fc.constantFrom(200, 200, 302, 404, 500),
});

/** A generated {@link requestActions} value. */
export type RequestActions = typeof requestActions extends fc.Arbitrary<infer T> ? T : never;

/**
 * One request through `runtime`: open from `header`, act, finalize. Resolves whether a cookie was set
 * and whether it ended with an allowed typed error; any other outcome fails the test.
 */
export async function fuzzRequest(
  runtime: SessionRuntime,
  header: string | string[] | undefined,
  actions: RequestActions,
): Promise<'cookie' | 'typed' | 'none'> {
  try {
    const handle = runtime.open(header);
    const { session } = handle;
    if (actions.read) {
      const data = await session.toObject();
      expect(isPlainObject(data)).toBe(true);
    }
    if (actions.write !== undefined) await session.set('fuzz', actions.write);
    if (actions.cycle) await session.cycleKey();
    if (actions.flush) await session.flush();
    const result = await handle.finalize({
      status: actions.status,
      secureRequest: false,
      existingVary: null,
    });
    for (const cookie of result.setCookie) expect(cookie).not.toMatch(/[\r\n\0]/);
    return result.setCookie.length > 0 ? 'cookie' : 'none';
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const status = (error as { status?: unknown }).status;
    if (
      typeof code === 'string' &&
      ALLOWED_CODES.has(code) &&
      !(typeof status === 'number' && status >= 500)
    ) {
      return 'typed';
    }
    throw error;
  }
}

/** Valid cookies to mutate: real sessions of each store. */
export async function validCookies(runtimes: ReturnType<typeof fuzzRuntimes>): Promise<string[]> {
  const values: string[] = [];
  for (const { runtime } of runtimes) {
    for (const data of [{ user: 42 }, { cart: [1, 2, 3], name: 'Zoë 🎉' }]) {
      const handle = runtime.open(undefined);
      await handle.session.update(data);
      await handle.finalize({ status: 200, secureRequest: false, existingVary: null });
      if (handle.session.sessionKey !== null) values.push(handle.session.sessionKey);
    }
  }
  return values;
}

/** Stored text for a server store: JSON-ish text, or that text signed in Django's format. */
export const storedValues: fc.Arbitrary<{ text: string; sign: boolean; compress: boolean }> = fc.record({
  text: jsonishText,
  sign: fc.boolean(),
  compress: fc.boolean(),
});

/**
 * Plant `value` under a fresh key in `store`, then load, change and save that session: it loads as some
 * object (empty when refused) and always saves again.
 */
export async function fuzzStoredValue(
  runtime: SessionRuntime,
  store: SessionStore,
  value: { text: string; sign: boolean; compress: boolean },
  key: string,
): Promise<void> {
  const data = value.sign ? signedText(value.text, SESSION_SALT, value.compress) : value.text;
  await store.create({ key, data, expireDate: new Date(Date.now() + 3600_000), maxAge: 3600 });
  const handle = runtime.open(`sessionid=${key}`);
  const loaded = await handle.session.toObject();
  expect(isPlainObject(loaded)).toBe(true);
  await handle.session.set('seen', true);
  const result = await handle.finalize({ status: 200, secureRequest: false, existingVary: null });
  expect(result.setCookie).toHaveLength(1);
  await store.delete(handle.session.sessionKey ?? key);
}

/** Data a handler may set: the codec encodes it or refuses it with a typed error, and decodes what it wrote. */
export function fuzzCodec(runtime: SessionRuntime, data: unknown): 'encoded' | 'typed' {
  let text: string;
  try {
    text = runtime.manager.codec.encode({ v: data });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_SERIALIZATION' || code === 'ERR_SESSION_DATA_LIMIT') return 'typed';
    throw error;
  }
  const decoded = runtime.manager.codec.decode(text);
  expect(decoded).not.toBeNull();
  // What was read writes and reads back unchanged (a first round may round big integers to doubles).
  const again = runtime.manager.codec.encode(decoded!);
  expect(runtime.manager.codec.decode(again)).toEqual(decoded);
  return 'encoded';
}

/** How many cases of each kind to run. */
export interface FuzzCounts {
  /** Cookie headers, each with its request actions, per store. */
  headers: number;
  /** Stored values, on the memory store in each data format. */
  stored: number;
  /** Data values through the codec. */
  data: number;
  /** fast-check seed; random (and printed on failure) when absent. */
  seed?: number | undefined;
}

/** Run every property; resolves the figures (cases, typed errors, cookies set) per kind. */
export async function runFuzz(counts: FuzzCounts): Promise<Record<string, FuzzFigures>> {
  const runtimes = fuzzRuntimes();
  const valid = await validCookies(runtimes);
  const figures: Record<string, FuzzFigures> = {};
  const params = (numRuns: number) => ({ numRuns, seed: counts.seed, endOnFailure: true });
  for (const { name, runtime } of runtimes) {
    const tally: FuzzFigures = { runs: 0, typedErrors: 0, cookiesSet: 0 };
    await fc.assert(
      fc.asyncProperty(cookieHeaders(valid), requestActions, async (header, actions) => {
        const outcome = await fuzzRequest(runtime, header, actions);
        tally.runs++;
        if (outcome === 'typed') tally.typedErrors++;
        if (outcome === 'cookie') tally.cookiesSet++;
      }),
      params(counts.headers),
    );
    figures[`Cookie headers, ${name}`] = tally;
  }
  let serial = 0;
  for (const { name, store, runtime } of runtimes) {
    if (store.kind !== 'server') continue;
    const tally: FuzzFigures = { runs: 0, typedErrors: 0, cookiesSet: 0 };
    await fc.assert(
      fc.asyncProperty(storedValues, async (value) => {
        await fuzzStoredValue(runtime, store, value, `fuzzstored${(serial++).toString(36).padStart(8, '0')}`);
        tally.runs++;
        tally.cookiesSet++;
      }),
      params(counts.stored),
    );
    figures[`stored values, ${name}`] = tally;
  }
  const json = runtimes[0]!.runtime;
  const tally: FuzzFigures = { runs: 0, typedErrors: 0, cookiesSet: 0 };
  fc.assert(
    fc.property(
      fc.anything({ maxDepth: 6, withMap: true, withSet: true, withBigInt: true, withDate: true }),
      (data) => {
        if (fuzzCodec(json, data) === 'typed') tally.typedErrors++;
        tally.runs++;
      },
    ),
    params(counts.data),
  );
  figures['session data through the codec'] = tally;
  return figures;
}
