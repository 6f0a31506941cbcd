import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  BadSignature,
  MalformedPayload,
  SerializationError,
  SignatureExpired,
} from '../../src/core/errors.js';
import { b64Encode } from '../../src/signing/base64url.js';
import { dumps, loads } from '../../src/signing/dumps.js';
import type { JsonSerializer } from '../../src/signing/serializer.js';
import { TimestampSigner } from '../../src/signing/signer.js';

const KEY = 'django_tests_secret_key';
const KEY_X50 = 'x'.repeat(50);
const SESSION_SALT = 'django.contrib.sessions.SessionStore';
const now = () => 1_700_000_000_000;
/** Django's `SessionStore().encode(data)`. */
const encodeSession = (data: unknown, key = KEY, salt = SESSION_SALT) =>
  dumps(data, { key, salt, compress: true, now });

describe('dumps', () => {
  it('reproduces the session encodings of spec §2.1 (django_tests_secret_key)', () => {
    expect(encodeSession({ a: 1 })).toBe('eyJhIjoxfQ:1r31eq:NfAtvWseBBfnU2u2rC5Yib1Iv7dNauuwbmN0MvCBGmI');
    expect(encodeSession({ 'a test key': 'a test value' })).toBe(
      'eyJhIHRlc3Qga2V5IjoiYSB0ZXN0IHZhbHVlIn0:1r31eq:z3T5kuYwaLspnAAUpfRWpbinC-rn6c6P1Qf9PsCyZ2s',
    );
    expect(encodeSession({ x: 'y'.repeat(100) })).toBe(
      '.eJyrVqpQslKqpANQqgUAWi8xdw:1r31eq:2z3IXFu5skk27IJWWQL1NwogXTBzFMF4oOLUHCbbcd0',
    );
    expect(encodeSession({})).toBe('e30:1r31eq:4jUc7d6K4SjljzmCBMRybFprOH2S1lYgEeb3CCv8FJw');
    expect(encodeSession({ a: 1 }, KEY, 'django.contrib.sessions.SessionBase')).toBe(
      'eyJhIjoxfQ:1r31eq:pW5I8Htga-H_Nee1Soc9z5dyagjNq1j0zZ98gqdsaZ8',
    );
  });

  it("reproduces the session encodings of spec §2.1 ('x'*50 secret)", () => {
    expect(encodeSession({ a: 1 }, KEY_X50)).toBe(
      'eyJhIjoxfQ:1r31eq:8XMfOPFLcqtG9jb5E7ySMDLgAXiobw-O1wWLnJDzZl0',
    );
    expect(encodeSession({ x: 'y'.repeat(100) }, KEY_X50)).toBe(
      '.eJyrVqpQslKqpANQqgUAWi8xdw:1r31eq:JxiJSF6PWlQXnLNHuldq1h_8wXokLgKkDRgxCfA8uP8',
    );
    expect(encodeSession({}, KEY_X50)).toBe('e30:1r31eq:FWb_LBvQbyjLa-zCvUElAtEU8vV4bT2AuW1WfZ5Kpu0');
  });

  it('reproduces the signing.dumps sanity vectors of spec §3', () => {
    expect(dumps('hello', { key: KEY, now })).toBe(
      'ImhlbGxvIg:1r31eq:vORzXCNWal6clyL2AMUxddNiVs7GTgBsmwYhy6yGEas',
    );
    const list = Array.from({ length: 19 }, (_, i) => i + 1);
    expect(dumps(list, { key: KEY, compress: true, now })).toBe(
      '.eJwFwcERACAIwLCF-rCiILN47r-GyZVJsNgkxaFxoDgxcOHGxMKD_T7vhAml:1r31eq:8jFAmN3y5eJxG0IxWmDlM21qflTtPK5957p2PlHJrQ8',
    );
  });

  it('compresses only when that saves at least 2 bytes', () => {
    expect(dumps({ a: 1 }, { key: KEY, compress: true, now }).startsWith('.')).toBe(false);
    expect(dumps({ x: 'y'.repeat(100) }, { key: KEY, now }).startsWith('.')).toBe(false);
  });

  it('throws SerializationError for values JSON cannot carry', () => {
    expect(() => dumps(new Map(), { key: KEY })).toThrow(SerializationError);
    expect(() => dumps(undefined, { key: KEY })).toThrow(SerializationError);
  });

  it('refuses a serializer that writes characters latin-1 cannot store', () => {
    const utf8: JsonSerializer = {
      dumps: (value) => JSON.stringify(value),
      loads: (text) => JSON.parse(text),
    };
    expect(() => dumps('Δ', { key: KEY, serializer: utf8 })).toThrow(SerializationError);
    expect(loads(dumps('é', { key: KEY, serializer: utf8 }), { key: KEY, serializer: utf8 })).toBe('é');
  });
});

describe('loads', () => {
  it('round-trips dumps with the default salt', () => {
    const data = { greeting: 'Grüße 🎉', n: [1, 2.5, null, true] };
    expect(loads(dumps(data, { key: KEY }), { key: KEY })).toEqual(data);
    expect(loads(dumps(data, { key: KEY, compress: true }), { key: KEY })).toEqual(data);
  });

  it('refuses a value signed with another salt or key', () => {
    const signed = dumps({ a: 1 }, { key: KEY, salt: 'one' });
    expect(() => loads(signed, { key: KEY, salt: 'two' })).toThrow(BadSignature);
    expect(() => loads(signed, { key: 'other', salt: 'one' })).toThrow(BadSignature);
  });

  it('accepts fallback keys', () => {
    const signed = dumps({ a: 1 }, { key: 'old', salt: 's' });
    expect(loads(signed, { key: KEY, salt: 's', fallbackKeys: ['old'] })).toEqual({ a: 1 });
  });

  it('applies maxAge in seconds, inclusive at the boundary', () => {
    const signed = dumps({ a: 1 }, { key: KEY, now });
    expect(loads(signed, { key: KEY, maxAge: 60, now: () => now() + 60_000 })).toEqual({ a: 1 });
    expect(() => loads(signed, { key: KEY, maxAge: 60, now: () => now() + 61_000 })).toThrow(
      SignatureExpired,
    );
  });

  it('refuses the pre-3.1 legacy session format with BadSignature, as Django ≥ 4.0', () => {
    const legacy = 'NDdhOGY4MjNlZWUwNTM4NGJiYzFhNWRkZjRmNzc4Mjc2NGRmZmM4ZTp7ImEiOjF9';
    expect(() => loads(legacy, { key: KEY, salt: SESSION_SALT })).toThrow(BadSignature);
  });

  it('refuses a SHA-1 signature, which only Django 3.1/3.2 accepted', () => {
    expect(() =>
      loads('eyJhIjoxfQ:1r31eq:2Q8HTdaAg8joToWL72HAAjJfXOs', { key: KEY, salt: SESSION_SALT }),
    ).toThrow(BadSignature);
  });

  it('checks the signature before inflating anything', () => {
    const signed = dumps({ x: 'y'.repeat(100) }, { key: KEY, compress: true });
    const corrupt = `.AAAA${signed.slice(5)}`;
    expect(() => loads(corrupt, { key: KEY })).toThrow(BadSignature);
  });

  it('caps the inflated size of compressed payloads (zip-bomb defence)', () => {
    const bomb = dumps('a'.repeat(2 * 1024 * 1024), { key: KEY, compress: true });
    expect(bomb.length).toBeLessThan(10_000);
    expect(() => loads(bomb, { key: KEY })).toThrow(MalformedPayload);
    expect(() => loads(bomb, { key: KEY })).toThrow(/maxDecompressedBytes/);
    expect(loads(bomb, { key: KEY, maxDecompressedBytes: 4 * 1024 * 1024 })).toHaveLength(2 * 1024 * 1024);
  });

  it('decodes payload bytes as latin-1, as Django does (raw UTF-8 becomes mojibake)', () => {
    const signer = new TimestampSigner({ key: KEY, salt: 'django.core.signing' });
    const signed = signer.sign(b64Encode(Buffer.from('"é"', 'utf8')));
    expect(loads(signed, { key: KEY })).toBe('Ã©');
  });

  it('wraps payload decode errors in MalformedPayload with the cause', () => {
    const signer = new TimestampSigner({ key: KEY, salt: 'django.core.signing' });
    const badZlib = signer.sign(`.${b64Encode(deflateSync('"x"').subarray(0, 4))}`);
    const badJson = signer.sign(b64Encode('{"a":'));
    const badBase64 = signer.sign('e3+0');
    for (const signed of [badZlib, badJson]) {
      let caught: unknown;
      try {
        loads(signed, { key: KEY });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(MalformedPayload);
      expect((caught as Error).cause).toBeDefined();
    }
    expect(() => loads(badBase64, { key: KEY })).toThrow(MalformedPayload);
  });
});
