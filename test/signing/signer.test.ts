import { describe, expect, it } from 'vitest';
import { BadSignature, ConfigError, MalformedPayload, SignatureExpired } from '../../src/core/errors.js';
import { Signer, TimestampSigner } from '../../src/signing/signer.js';

const KEY = 'django_tests_secret_key';
const T0 = 1_700_000_000_000;

describe('Signer', () => {
  it('signs as value:signature with the default salt and SHA-256', () => {
    const signer = new Signer({ key: KEY });
    expect(signer.salt).toBe('django.core.signing.Signer');
    expect(signer.algorithm).toBe('sha256');
    const signed = signer.sign('hello');
    expect(signed).toMatch(/^hello:[A-Za-z0-9_-]{43}$/);
    expect(signer.unsign(signed)).toBe('hello');
  });

  it('reproduces the session signature of spec §2.1 with the session salt', () => {
    const signer = new Signer({ key: KEY, salt: 'django.contrib.sessions.SessionStore' });
    expect(signer.sign('eyJhIjoxfQ:1r31eq')).toBe(
      'eyJhIjoxfQ:1r31eq:NfAtvWseBBfnU2u2rC5Yib1Iv7dNauuwbmN0MvCBGmI',
    );
  });

  it('uses the default salt for an empty salt, as Django (`salt or default`)', () => {
    expect(new Signer({ key: KEY, salt: '' }).salt).toBe('django.core.signing.Signer');
  });

  it('refuses a tampered value or signature', () => {
    const signer = new Signer({ key: KEY });
    const signed = signer.sign('hello');
    expect(() => signer.unsign(`x${signed}`)).toThrow(BadSignature);
    expect(() => signer.unsign(`${signed.slice(0, -1)}A`)).toThrow(/does not match/);
    expect(() => signer.unsign('hello')).toThrow('No ":" found in value');
  });

  it('verifies with fallback keys and signs with the current key', () => {
    const old = new Signer({ key: 'old-secret' });
    const current = new Signer({ key: KEY, fallbackKeys: ['other', 'old-secret'] });
    expect(current.unsign(old.sign('v'))).toBe('v');
    expect(current.sign('v')).toBe(new Signer({ key: KEY }).sign('v'));
    expect(() => new Signer({ key: KEY }).unsign(old.sign('v'))).toThrow(BadSignature);
  });

  it('accepts keys as bytes', () => {
    expect(new Signer({ key: Buffer.from(KEY) }).sign('v')).toBe(new Signer({ key: KEY }).sign('v'));
  });

  it('supports a custom safe separator', () => {
    const signer = new Signer({ key: KEY, sep: '/' });
    expect(signer.unsign(signer.sign('a:b'))).toBe('a:b');
  });

  it('refuses unsafe separators as Django does', () => {
    for (const sep of ['', 'a', 'Z9', '-', '_', '=', '[', '^', '`', 'ab-_=', '\n', 'a\n']) {
      expect(() => new Signer({ key: KEY, sep }), JSON.stringify(sep)).toThrow('Unsafe Signer separator');
    }
    for (const sep of [':', '/', '.', ':\n', '!']) expect(new Signer({ key: KEY, sep }).sep).toBe(sep);
  });

  it('refuses a missing or empty key and empty fallback keys', () => {
    expect(() => new Signer({ key: '' })).toThrow(ConfigError);
    expect(() => new Signer({ key: new Uint8Array() })).toThrow(ConfigError);
    expect(() => new Signer({} as unknown as { key: string })).toThrow(ConfigError);
    expect(() => new Signer({ key: KEY, fallbackKeys: [''] })).toThrow(/fallbackKeys\[0\]/);
  });

  it('refuses an unknown algorithm at construction', () => {
    expect(() => new Signer({ key: KEY, algorithm: 'nope' })).toThrow(ConfigError);
    expect(new Signer({ key: KEY, algorithm: 'sha512' }).sign('v')).toMatch(/^v:[A-Za-z0-9_-]{86}$/);
  });

  it('round-trips objects, compressed when that helps', () => {
    const signer = new Signer({ key: KEY });
    const data = { x: 'y'.repeat(100) };
    const signed = signer.signObject(data, { compress: true });
    expect(signed.startsWith('.')).toBe(true);
    expect(signer.unsignObject(signed)).toEqual(data);
    expect(signer.signObject({ a: 1 }, { compress: true }).startsWith('.')).toBe(false);
  });

  it('refuses a signed payload that is not JSON with MalformedPayload', () => {
    const signer = new Signer({ key: KEY });
    expect(() => signer.unsignObject(signer.sign(Buffer.from('invalid data').toString('base64url')))).toThrow(
      MalformedPayload,
    );
    expect(() => signer.unsignObject(signer.sign('.eJwnotzlib'))).toThrow(/zlib/);
  });
});

describe('TimestampSigner', () => {
  const at = (ms: number) => () => ms;

  it('signs value:timestamp:signature with the TimestampSigner salt', () => {
    const signer = new TimestampSigner({ key: KEY, now: at(T0) });
    expect(signer.salt).toBe('django.core.signing.TimestampSigner');
    expect(signer.timestamp()).toBe('1r31eq');
    const signed = signer.sign('hello');
    expect(signed.startsWith('hello:1r31eq:')).toBe(true);
    expect(signer.unsign(signed)).toBe('hello');
    const plain = new Signer({ key: KEY, salt: 'django.core.signing.TimestampSigner' });
    expect(plain.unsign(signed)).toBe('hello:1r31eq');
  });

  it('truncates the clock to whole seconds', () => {
    expect(new TimestampSigner({ key: KEY, now: at(T0 + 999) }).timestamp()).toBe('1r31eq');
  });

  it('accepts an age equal to maxAge and refuses one second more', () => {
    const signed = new TimestampSigner({ key: KEY, now: at(T0) }).sign('v');
    expect(new TimestampSigner({ key: KEY, now: at(T0 + 100_000) }).unsign(signed, { maxAge: 100 })).toBe(
      'v',
    );
    const late = new TimestampSigner({ key: KEY, now: at(T0 + 101_000) });
    expect(() => late.unsign(signed, { maxAge: 100 })).toThrow(SignatureExpired);
    expect(() => late.unsign(signed, { maxAge: 100 })).toThrow('Signature age 101.0 > 100 seconds');
    expect(late.unsign(signed)).toBe('v');
    expect(late.unsign(signed, { maxAge: null })).toBe('v');
  });

  it('reports a fractional age as Python would', () => {
    const signed = new TimestampSigner({ key: KEY, now: at(T0) }).sign('v');
    const late = new TimestampSigner({ key: KEY, now: at(T0 + 1500) });
    expect(() => late.unsign(signed, { maxAge: 0.5 })).toThrow('Signature age 1.5 > 0.5 seconds');
  });

  it('counts SignatureExpired as a BadSignature', () => {
    const signed = new TimestampSigner({ key: KEY, now: at(T0) }).sign('v');
    const late = new TimestampSigner({ key: KEY, now: at(T0 + 10_000) });
    expect(() => late.unsign(signed, { maxAge: 1 })).toThrow(BadSignature);
  });

  it('throws BadSignature for a validly signed value without a timestamp', () => {
    const plain = new Signer({ key: KEY, salt: 'django.core.signing.TimestampSigner' });
    const signer = new TimestampSigner({ key: KEY });
    expect(() => signer.unsign(plain.sign('no-timestamp'))).toThrow(BadSignature);
    expect(() => signer.unsign(plain.sign('value:1r3!eq'))).toThrow(BadSignature);
    expect(() => signer.unsign(plain.sign('value:'))).toThrow(BadSignature);
  });

  it('applies maxAge to signed objects', () => {
    const signed = new TimestampSigner({ key: KEY, now: at(T0) }).signObject({ a: 1 });
    const later = new TimestampSigner({ key: KEY, now: at(T0 + 5000) });
    expect(later.unsignObject(signed, { maxAge: 5 })).toEqual({ a: 1 });
    expect(() => later.unsignObject(signed, { maxAge: 4 })).toThrow(SignatureExpired);
  });
});
