import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { constantTimeCompare, saltedHmac } from '../../src/signing/salted-hmac.js';

const SESSION_SALT = 'django.contrib.sessions.SessionStore';

describe('saltedHmac', () => {
  it('matches the spec §2.1 walk-through (derived key K and HMAC-SHA256)', () => {
    const k = createHash('sha256').update(`${SESSION_SALT}signerdjango_tests_secret_key`).digest('hex');
    expect(k).toBe('35f589f52a90e1cc1794b09a0e1bc07e55a03a03ba35480dadb3fb3eede60cad');
    const mac = saltedHmac(`${SESSION_SALT}signer`, 'eyJhIjoxfQ:1r31eq', 'django_tests_secret_key', 'sha256');
    expect(mac.toString('hex')).toBe('35f02dbd6b1e0417e7536bb6ac2e5889bd48bfb74d6aebb06e637432f0811a62');
    expect(mac.toString('base64url')).toBe('NfAtvWseBBfnU2u2rC5Yib1Iv7dNauuwbmN0MvCBGmI');
  });

  it("derives the spec's K for the 'x'*50 secret", () => {
    const k = createHash('sha256')
      .update(`${SESSION_SALT}signer${'x'.repeat(50)}`)
      .digest('hex');
    expect(k).toBe('9980789b28033dcf9bae6da91f395d2caf1817e9061b4e429139fb56c383e534');
  });

  it('defaults to SHA-1, as django.utils.crypto.salted_hmac does', () => {
    // The legacy session hash of spec §2.2.
    const mac = saltedHmac('django.contrib.sessionsSessionStore', '{"a":1}', 'django_tests_secret_key');
    expect(mac.toString('hex')).toBe('47a8f823eee05384bbc1a5ddf4f7782764dffc8e');
  });

  it('treats strings as UTF-8 and accepts bytes', () => {
    const secret = 'public-Δ-secret';
    expect(saltedHmac('s', 'v', secret, 'sha256')).toEqual(
      saltedHmac('s', 'v', Buffer.from(secret), 'sha256'),
    );
  });

  it('supports the other hashlib algorithms', () => {
    expect(saltedHmac('s', 'v', 'k', 'sha512')).toHaveLength(64);
    expect(saltedHmac('s', 'v', 'k', 'sha3_256')).toHaveLength(32);
    expect(saltedHmac('s', 'v', 'k', 'blake2b')).toHaveLength(64);
  });

  it('throws ConfigError for an unknown algorithm', () => {
    expect(() => saltedHmac('s', 'v', 'k', 'whirlpool-9000')).toThrow(ConfigError);
    expect(() => saltedHmac('s', 'v', 'k', 'toString')).toThrow(ConfigError);
  });
});

describe('constantTimeCompare', () => {
  it('compares UTF-8 bytes, unequal lengths included', () => {
    expect(constantTimeCompare('abc', 'abc')).toBe(true);
    expect(constantTimeCompare('abc', 'abd')).toBe(false);
    expect(constantTimeCompare('abc', 'abcd')).toBe(false);
    expect(constantTimeCompare('é', Buffer.from('é'))).toBe(true);
    expect(constantTimeCompare('', '')).toBe(true);
  });
});
