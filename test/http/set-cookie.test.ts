import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import {
  checkCookiePrefix,
  EXPIRED_DATE,
  httpDate,
  quoteCookieValue,
  serializeSetCookie,
} from '../../src/http/set-cookie.js';

// Spec §5 verified outputs: Django 6.0.4 with time mocked to 1700000000.
const NOW = 1_700_000_000_000;
const KEY = 'xlugggaagl72tqrhvhzgtwonh5zrippu';

describe('httpDate', () => {
  it('formats a time as Django http_date does', () => {
    expect(httpDate(NOW + 1_209_600_000)).toBe('Tue, 28 Nov 2023 22:13:20 GMT');
    expect(httpDate(NOW + 60_000)).toBe('Tue, 14 Nov 2023 22:14:20 GMT');
  });

  it('truncates fractional seconds', () => {
    expect(httpDate(NOW + 999)).toBe(httpDate(NOW));
  });
});

describe('serializeSetCookie', () => {
  it("writes the default session cookie in Django's Morsel order", () => {
    const header = serializeSetCookie('sessionid', KEY, {
      maxAge: 1_209_600,
      expires: httpDate(NOW + 1_209_600_000),
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
    });
    expect(header).toBe(
      `sessionid=${KEY}; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax`,
    );
  });

  it('writes a browser-close secure cookie with a domain and SameSite=Strict', () => {
    const header = serializeSetCookie('sessionid', KEY, {
      domain: '.example.com',
      path: '/',
      secure: true,
      httpOnly: true,
      sameSite: 'Strict',
    });
    expect(header).toBe(`sessionid=${KEY}; Domain=.example.com; HttpOnly; Path=/; SameSite=Strict; Secure`);
  });

  it('omits HttpOnly and SameSite when they are off', () => {
    const header = serializeSetCookie('sessionid', KEY, {
      maxAge: 1_209_600,
      expires: httpDate(NOW + 1_209_600_000),
      path: '/',
      httpOnly: false,
      sameSite: false,
    });
    expect(header).toBe(`sessionid=${KEY}; expires=Tue, 28 Nov 2023 22:13:20 GMT; Max-Age=1209600; Path=/`);
  });

  it("writes a deletion as Django's delete_cookie does", () => {
    const header = serializeSetCookie('sessionid', '', {
      maxAge: 0,
      expires: EXPIRED_DATE,
      path: '/',
      sameSite: 'Lax',
    });
    expect(header).toBe(
      'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax',
    );
  });

  it('writes a deletion with a custom domain and path', () => {
    const header = serializeSetCookie('sessionid', '', {
      domain: '.example.local',
      maxAge: 0,
      expires: EXPIRED_DATE,
      path: '/example/',
      sameSite: 'Lax',
    });
    expect(header).toBe(
      'sessionid=""; Domain=.example.local; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/example/; SameSite=Lax',
    );
  });

  it('emits a negative Max-Age as an integer', () => {
    expect(serializeSetCookie('sessionid', KEY, { maxAge: -30.7 })).toBe(`sessionid=${KEY}; Max-Age=-30`);
  });

  it('rejects an invalid cookie name, domain or path', () => {
    expect(() => serializeSetCookie('session id', KEY)).toThrow(ConfigError);
    expect(() => serializeSetCookie('sessionid', KEY, { domain: 'exa mple.com' })).toThrow(ConfigError);
    expect(() => serializeSetCookie('sessionid', KEY, { path: '/; Domain=evil.com' })).toThrow(ConfigError);
    expect(() => serializeSetCookie('sessionid', KEY, { maxAge: Number.NaN })).toThrow(ConfigError);
  });

  it('validates the __Secure- and __Host- prefixes', () => {
    expect(() => serializeSetCookie('__Secure-sid', KEY, { path: '/' })).toThrow(/must be Secure/);
    expect(serializeSetCookie('__Secure-sid', KEY, { path: '/', secure: true })).toBe(
      `__Secure-sid=${KEY}; Path=/; Secure`,
    );
    expect(() =>
      serializeSetCookie('__Host-sid', KEY, { path: '/', domain: 'example.com', secure: true }),
    ).toThrow(/Path=\/ and no Domain/);
    expect(() => serializeSetCookie('__Host-sid', KEY, { path: '/app', secure: true })).toThrow(ConfigError);
    expect(serializeSetCookie('__Host-sid', KEY, { path: '/', secure: true })).toBe(
      `__Host-sid=${KEY}; Path=/; Secure`,
    );
  });
});

describe('checkCookiePrefix', () => {
  it('accepts names without a prefix whatever the attributes', () => {
    expect(() => checkCookiePrefix('sessionid', {})).not.toThrow();
  });
});

describe('quoteCookieValue', () => {
  it('leaves legal values alone, signed-cookie values included', () => {
    expect(quoteCookieValue(KEY)).toBe(KEY);
    expect(quoteCookieValue('.eJyrVkrOz0nJTAWyFZJLyw:1rDmXk:AbC-_d')).toBe(
      '.eJyrVkrOz0nJTAWyFZJLyw:1rDmXk:AbC-_d',
    );
  });

  it("quotes like Python's http.cookies._quote", () => {
    expect(quoteCookieValue('')).toBe('""');
    expect(quoteCookieValue('a b=c')).toBe('"a b=c"');
    expect(quoteCookieValue('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quoteCookieValue('a;b,c')).toBe('"a\\073b\\054c"');
  });
});
