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
