/**
 * Bad input never escapes as an exception: random and mutated session data, signed cookies and
 * Cookie headers all end as an empty session. Deterministic (seeded) so a failure reproduces.
 */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/core/manager.js';
import { readSessionCookie } from '../../src/http/request.js';
import { b64Encode } from '../../src/signing/base64url.js';
import { TimestampSigner } from '../../src/signing/signer.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createSignedCookieStore } from '../../src/stores/signed-cookie.js';
import { createRecordingLogger, SECRET } from '../helpers.js';

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'abcAZ09-_.:=;, "\\\u0000\u00e9\u{1F389}\r\n\t%{}[]';

function randomString(rand: () => number, max: number): string {
  const length = Math.floor(rand() * max);
  let out = '';
  for (let i = 0; i < length; i++) out += [...ALPHABET][Math.floor(rand() * [...ALPHABET].length)];
  return out;
}

/** Replace, drop or insert characters of `text`; the result always differs from `text`. */
function mutate(text: string, rand: () => number): string {
  for (;;) {
    const i = Math.floor(rand() * text.length);
    const op = rand();
    let out: string;
    if (op < 0.4)
      out = text.slice(0, i) + String.fromCharCode(33 + Math.floor(rand() * 94)) + text.slice(i + 1);
    else if (op < 0.7) out = text.slice(0, i) + text.slice(i + 1);
    else out = text.slice(0, i) + randomString(rand, 5) + text.slice(i);
    if (out !== text) return out;
  }
}

describe('bad input fuzzing', () => {
  it('decodes random and mutated signed session data to nothing, never throwing', () => {
    const rand = prng(1);
    const logger = createRecordingLogger();
    const store = createMemoryStore({ dataFormat: 'django' });
    const sessions = createSessionManager({ secretKey: SECRET, store, logger });
    const valid = sessions.codec.encode({
      user: 42,
      text: 'Grüße 🎉',
      list: [1, 2, 3],
      pad: 'y'.repeat(200),
    });
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const input = i % 2 === 0 ? randomString(rand, 120) : mutate(valid, rand);
      const decoded = sessions.codec.decode(input);
      if (decoded !== null) accepted++;
    }
    expect(accepted).toBe(0);
    expect(logger.records.length).toBe(3000);
  });

  it('decodes random and mutated unsigned JSON data to an object or nothing, never throwing', () => {
    const rand = prng(3);
    const logger = createRecordingLogger();
    const sessions = createSessionManager({ secretKey: SECRET, store: createMemoryStore(), logger });
    const valid = sessions.codec.encode({ user: 42, text: 'Grüße 🎉', list: [1, 2, 3], nested: { a: null } });
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const input = i % 2 === 0 ? randomString(rand, 120) : mutate(valid, rand);
      const decoded = sessions.codec.decode(input);
      if (decoded === null) refused++;
      else expect(decoded.constructor).toBe(Object);
    }
    expect(refused).toBeGreaterThan(1500);
    expect(logger.records.length).toBe(refused);
  });

  it('refuses validly signed payloads that are not JSON objects, or are zip bombs', () => {
    const logger = createRecordingLogger();
    const store = createMemoryStore({ dataFormat: 'django' });
    const sessions = createSessionManager({ secretKey: SECRET, store, logger });
    const signer = new TimestampSigner({ key: SECRET, salt: sessions.settings.keySalt });
    const payloads = [
      b64Encode('[1,2,3]'),
      b64Encode('"text"'),
      b64Encode('null'),
      b64Encode('{"a":'),
      b64Encode('\u00ff\u00fe'),
      `.${b64Encode(Buffer.from('not zlib'))}`,
      `.${b64Encode(deflateSync(Buffer.alloc(8 * 1024 * 1024, 0x20)))}`,
    ];
    for (const payload of payloads) expect(sessions.codec.decode(signer.sign(payload))).toBeNull();
    expect(logger.records).toHaveLength(payloads.length);
  });

  it('resets random and mutated signed cookies to an empty session', async () => {
    const rand = prng(2);
    const sessions = createSessionManager({ secretKey: SECRET, store: createSignedCookieStore() });
    const first = sessions.open();
    await first.set('user', 42);
    await first.save();
    const valid = first.sessionKey!;
    for (let i = 0; i < 500; i++) {
      const s = sessions.open(i % 2 === 0 ? randomString(rand, 200) : mutate(valid, rand));
      expect(await s.get('user')).toBeUndefined();
    }
  });

  it('reads random Cookie headers without throwing, keeping only well-formed values', () => {
    const rand = prng(3);
    for (let i = 0; i < 3000; i++) {
      const header = `${randomString(rand, 40)}sessionid=${randomString(rand, 60)};${randomString(rand, 40)}`;
      const cookie = readSessionCookie(header, 'sessionid');
      if (cookie.value !== null) expect(cookie.value).toMatch(/^[\x21-\x7e]*$/);
    }
  });

  it('opens sessions from random keys without a store call or an exception', async () => {
    const rand = prng(4);
    const sessions = createSessionManager({ secretKey: SECRET, store: createMemoryStore() });
    for (let i = 0; i < 500; i++) {
      const s = sessions.open(randomString(rand, 60));
      expect(await s.items()).toEqual([]);
    }
  });
});
