/**
 * `Set-Cookie` serialization in the exact form Django emits (Python's `http.cookies.Morsel.OutputString`,
 * spec §5): `name=value`, then the attributes sorted by their lowercase name — `Domain`, `expires`,
 * `HttpOnly`, `Max-Age`, `Path`, `SameSite`, `Secure` — joined by `"; "`. Strict: anything a browser
 * would reject or misread throws a {@link ConfigError}.
 * @module
 */
import { ConfigError } from '../core/errors.js';
import type { SameSite } from '../core/settings.js';

/** Attributes of one `Set-Cookie` header. Falsy values are omitted, as in Django's `set_cookie`. */
export interface SetCookieAttributes {
  /** `Domain`, e.g. `.example.com`. @default null (host-only cookie) */
  domain?: string | null;
  /** `expires`, already formatted as an HTTP date ({@link httpDate}). @default null */
  expires?: string | null;
  /** `HttpOnly`. @default false */
  httpOnly?: boolean;
  /** `Max-Age` in seconds; truncated to an integer (Django's `int(max_age)`), may be 0 or negative. @default null */
  maxAge?: number | null;
  /** `Path`. @default null */
  path?: string | null;
  /** `SameSite`. @default false (no attribute) */
  sameSite?: SameSite;
  /** `Secure`. @default false */
  secure?: boolean;
}

/** The `expires` Django writes when it deletes a cookie. */
export const EXPIRED_DATE = 'Thu, 01 Jan 1970 00:00:00 GMT';

/** RFC 6265 §4.1.1 cookie-name (an RFC 7230 token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Python's `http.cookies._LegalChars`: values made only of these are written unquoted. */
const PYTHON_LEGAL = /^[A-Za-z0-9!#$%&'*+\-.^_`|~:]+$/;
/** Python's `_UnescapedChars` beyond the legal ones: kept as-is inside quotes. */
const PYTHON_UNESCAPED = /[A-Za-z0-9!#$%&'*+\-.^_`|~: ()/<=>?@[\]{}]/;
/** RFC 6265 §4.1.1 domain-value (leading dot tolerated, as in §5.2.3). */
const DOMAIN = /^\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
/** RFC 6265 §4.1.1 path-value: any CHAR except CTLs or `;`. */
const PATH = /^[\x20-\x3A\x3C-\x7E]*$/;

/**
 * Python's `http.cookies._quote`: legal values as-is, anything else (including the empty string, which
 * Django writes when deleting a cookie) in double quotes, with `"` and `\` escaped and other
 * characters outside `_UnescapedChars` written as a 3-digit octal escape.
 */
export function quoteCookieValue(value: string): string {
  if (PYTHON_LEGAL.test(value)) return value;
  let quoted = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === '\\') quoted += `\\${char}`;
    else if (code > 255 || PYTHON_UNESCAPED.test(char)) quoted += char;
    else quoted += `\\${code.toString(8).padStart(3, '0')}`;
  }
  return `${quoted}"`;
}

let lastSecond = Number.NaN;
let lastDate = '';

/** Django's `http_date`: `Wdy, DD Mon YYYY HH:MM:SS GMT` for a time in milliseconds (seconds truncated). */
export function httpDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  // Every response of the same second carries the same `expires`: format it once.
  if (second !== lastSecond) {
    lastDate = new Date(second * 1000).toUTCString();
    lastSecond = second;
  }
  return lastDate;
}

/**
 * Check the attributes against the cookie-name prefixes (RFC 6265bis §4.1.3): `__Secure-` needs
 * `Secure`; `__Host-` needs `Secure`, `Path=/` and no `Domain`.
 * @throws {ConfigError} naming the rule that was broken.
 */
export function checkCookiePrefix(name: string, attributes: SetCookieAttributes): void {
  const host = name.startsWith('__Host-');
  if ((host || name.startsWith('__Secure-')) && !attributes.secure) {
    throw new ConfigError(`A cookie named ${name} must be Secure (RFC 6265bis §4.1.3).`);
  }
  if (host && (attributes.domain || attributes.path !== '/')) {
    throw new ConfigError(`A cookie named ${name} must have Path=/ and no Domain (RFC 6265bis §4.1.3.2).`);
  }
}

/**
 * Serialize one `Set-Cookie` header value in Django's exact form.
 * @example
 * serializeSetCookie('sessionid', key, { maxAge: 1209600, expires: httpDate(Date.now() + 1209600e3), path: '/', httpOnly: true, sameSite: 'Lax' })
 * // 'sessionid=…; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax'
 * @throws {ConfigError} for an invalid name, domain or path, or a broken cookie-prefix rule.
 */
export function serializeSetCookie(
  name: string,
  value: string,
  attributes: SetCookieAttributes = {},
): string {
  if (!TOKEN.test(name))
    throw new ConfigError(`Invalid cookie name ${JSON.stringify(name)} (RFC 6265 §4.1.1).`);
  checkCookiePrefix(name, attributes);
  const { domain, expires, httpOnly, maxAge, path, sameSite, secure } = attributes;
  const parts = [`${name}=${quoteCookieValue(value)}`];
  if (domain) {
    if (!DOMAIN.test(domain)) throw new ConfigError(`Invalid cookie domain ${JSON.stringify(domain)}.`);
    parts.push(`Domain=${domain}`);
  }
  if (expires) {
    if (!PATH.test(expires)) throw new ConfigError(`Invalid cookie expires ${JSON.stringify(expires)}.`);
    parts.push(`expires=${expires}`);
  }
  if (httpOnly) parts.push('HttpOnly');
  if (maxAge !== null && maxAge !== undefined) {
    if (!Number.isFinite(maxAge)) throw new ConfigError(`Invalid cookie Max-Age ${maxAge}.`);
    parts.push(`Max-Age=${Math.trunc(maxAge)}`);
  }
  if (path) {
    if (!PATH.test(path))
      throw new ConfigError(`Invalid cookie path ${JSON.stringify(path)} (RFC 6265 §4.1.1).`);
    parts.push(`Path=${path}`);
  }
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  if (secure) parts.push('Secure');
  return parts.join('; ');
}
