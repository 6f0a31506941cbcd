import { parse } from 'cookie';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecureRequest, MAX_COOKIE_VALUE_LENGTH, readSessionCookie } from '../../src/http/request.js';

const KEY = 'xlugggaagl72tqrhvhzgtwonh5zrippu';

describe('readSessionCookie', () => {
  it('finds the session cookie among others', () => {
    expect(readSessionCookie(`theme=dark; sessionid=${KEY}; lang=fr`, 'sessionid')).toEqual({
      value: KEY,
      present: true,
    });
  });

  it('reports no cookie when the header is absent or lacks it', () => {
    expect(readSessionCookie(undefined, 'sessionid')).toEqual({ value: null, present: false });
    expect(readSessionCookie(null, 'sessionid')).toEqual({ value: null, present: false });
    expect(readSessionCookie('', 'sessionid')).toEqual({ value: null, present: false });
    expect(readSessionCookie('theme=dark', 'sessionid')).toEqual({ value: null, present: false });
  });

  it('takes the first of duplicate session cookies', () => {
    expect(readSessionCookie(`sessionid=${KEY}; sessionid=other123456`, 'sessionid').value).toBe(KEY);
    expect(readSessionCookie(`sessionid=other123456; sessionid=${KEY}`, 'sessionid').value).toBe(
      'other123456',
    );
  });

  it('never throws on malformed headers', () => {
    const malformed = [
      ';;;',
      '=',
      '==;==',
      'sessionid',
      '; sessionid',
      '=sessionid=abc',
      'a=%E0%A4%A',
      '\u00ff\u0000=;',
    ];
    for (const header of malformed) {
      expect(readSessionCookie(header, 'sessionid').value).toBeNull();
    }
  });

  it('does not URL-decode the value, as Django', () => {
    expect(readSessionCookie('sessionid=abc%41defgh', 'sessionid').value).toBe('abc%41defgh');
  });

  it('unquotes a double-quoted value', () => {
    expect(readSessionCookie(`sessionid="${KEY}"`, 'sessionid').value).toBe(KEY);
  });

  it('treats a value with invalid characters as sent but unusable', () => {
    for (const value of ['abc\\defghij', 'abc"defghij', 'abc,defghij', 'abcd\u00e9fghij', '"abc def"']) {
      expect(readSessionCookie(`sessionid=${value}`, 'sessionid')).toEqual({ value: null, present: true });
    }
  });

  it('treats an empty value as sent but unusable', () => {
    expect(readSessionCookie('sessionid=', 'sessionid')).toEqual({ value: null, present: true });
    expect(readSessionCookie('sessionid=""', 'sessionid')).toEqual({ value: null, present: true });
  });

  it('accepts 4096 characters and rejects more', () => {
    const max = 'a'.repeat(MAX_COOKIE_VALUE_LENGTH);
    expect(readSessionCookie(`sessionid=${max}`, 'sessionid').value).toBe(max);
    expect(readSessionCookie(`sessionid=${max}a`, 'sessionid')).toEqual({ value: null, present: true });
  });

  it('joins several Cookie headers', () => {
    expect(readSessionCookie(['theme=dark', `sessionid=${KEY}`], 'sessionid').value).toBe(KEY);
  });

  it('reads a custom cookie name', () => {
    expect(readSessionCookie(`sessionid=x; __Host-sid=${KEY}`, '__Host-sid').value).toBe(KEY);
  });
});

describe('isSecureRequest', () => {
  it('is true for a TLS socket or an https URL', () => {
    expect(isSecureRequest({ encrypted: true }, false)).toBe(true);
    expect(isSecureRequest({ protocol: 'https:' }, false)).toBe(true);
    expect(isSecureRequest({ protocol: 'http:' }, false)).toBe(false);
    expect(isSecureRequest({}, false)).toBe(false);
  });

  it('reads X-Forwarded-Proto only with trustProxy', () => {
    expect(isSecureRequest({ forwardedProto: 'https' }, false)).toBe(false);
    expect(isSecureRequest({ forwardedProto: 'https' }, true)).toBe(true);
    expect(isSecureRequest({ forwardedProto: 'HTTPS' }, true)).toBe(true);
    expect(isSecureRequest({ forwardedProto: 'http' }, true)).toBe(false);
    expect(isSecureRequest({ forwardedProto: null }, true)).toBe(false);
  });

  it('uses the first, client-facing X-Forwarded-Proto value', () => {
    expect(isSecureRequest({ forwardedProto: 'https, http' }, true)).toBe(true);
    expect(isSecureRequest({ forwardedProto: 'http, https' }, true)).toBe(false);
    expect(isSecureRequest({ forwardedProto: ['https', 'http'] }, true)).toBe(true);
  });
});

describe('readSessionCookie: the same cookie as the cookie package finds', () => {
  const identity = (value: string): string => value;
  const piece = fc.oneof(
    fc.constantFrom('sessionid', 'sessionid2', 'xsessionid', ' sessionid', 'sessionid ', '\tsessionid', 'a'),
    fc.constantFrom('=', ';', '; ', ' ', '\t', '"', '=;', ';;'),
    fc.string({ maxLength: 6 }),
    fc.stringMatching(/^[a-z0-9]{8,32}$/),
  );
  const OCTETS = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
  const header = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));

  it('agrees with cookie.parse on arbitrary headers (first occurrence, trimming, segments without =)', () => {
    fc.assert(
      fc.property(header, (text) => {
        const raw = parse(text, { decode: identity }).sessionid;
        const found = readSessionCookie(text, 'sessionid');
        expect(found.present).toBe(raw !== undefined);
        if (raw === undefined) return;
        const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
        const usable = value !== '' && value.length <= MAX_COOKIE_VALUE_LENGTH && OCTETS.test(value);
        expect(found.value).toBe(usable ? value : null);
      }),
      { numRuns: 5000 },
    );
  });
});
