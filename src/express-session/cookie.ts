/**
 * `req.session.cookie`: express-session's per-session cookie object (`maxAge` counting down, `expires`,
 * `originalMaxAge`, the attributes), and its `Set-Cookie` line. The line is sessionkit's Django-style
 * serialization plus the two attributes Django does not know (`Priority`, `Partitioned`).
 * @module
 */
import { ConfigError } from '../core/errors.js';
import type { SameSite } from '../core/settings.js';
import { EXPIRED_DATE, httpDate, serializeSetCookie } from '../http/set-cookie.js';
import type { CookieOptions, CookiePriority } from './options.js';

/** The session cookie of one request, as express-session exposes it. */
export class Cookie {
  /** `Path`. */
  path: string;
  /** `Domain`, if any. */
  domain: string | undefined;
  /** `HttpOnly`. */
  httpOnly: boolean;
  /** `Secure` (already decided for this request when configured `'auto'`). */
  secure: boolean;
  /** `SameSite` as configured (`'auto'` decided for this request). */
  sameSite: boolean | 'lax' | 'strict' | 'none' | undefined;
  /** `Partitioned`. */
  partitioned: boolean;
  /** `Priority`, if any. */
  priority: CookiePriority | undefined;
  /** The lifetime the cookie was given, in milliseconds (`null`: browser-session cookie). */
  originalMaxAge: number | null = null;
  #expires: Date | null = null;

  /** A cookie with `options`'s attributes; `secure`/`sameSite` `'auto'` resolved with `secureRequest`. */
  constructor(options: CookieOptions, secureRequest: boolean) {
    this.path = options.path ?? '/';
    this.domain = options.domain;
    this.httpOnly = options.httpOnly ?? true;
    this.secure = options.secure === 'auto' ? secureRequest : (options.secure ?? false);
    this.sameSite = options.sameSite === 'auto' ? (secureRequest ? 'none' : 'lax') : options.sameSite;
    this.partitioned = options.partitioned ?? false;
    this.priority = options.priority;
    if (options.expires instanceof Date) this.expires = options.expires;
    if (typeof options.maxAge === 'number') this.maxAge = options.maxAge;
  }

  /** When the cookie expires (`null`: at browser close). Setting it sets {@link originalMaxAge} too. */
  get expires(): Date | null {
    return this.#expires;
  }

  set expires(date: Date | null | false | undefined) {
    this.#expires = date instanceof Date ? date : null;
    this.originalMaxAge = this.maxAge;
  }

  /** Milliseconds left (`null` for a browser-session cookie). Setting it moves {@link expires}. */
  get maxAge(): number | null {
    return this.#expires === null ? null : this.#expires.getTime() - Date.now();
  }

  set maxAge(ms: number | null | undefined) {
    if (ms !== null && ms !== undefined && (typeof ms !== 'number' || !Number.isFinite(ms))) {
      throw new TypeError('maxAge must be a number of milliseconds or null');
    }
    // originalMaxAge is exactly what was set (express-session's drifts by the milliseconds between two
    // clock reads), so the lifetime compared at save time does not change by itself.
    this.#expires = typeof ms === 'number' ? new Date(Date.now() + ms) : null;
    this.originalMaxAge = typeof ms === 'number' ? ms : null;
  }

  /** express-session's `cookie.data`: the attributes as a plain object. */
  get data(): Record<string, unknown> {
    return {
      originalMaxAge: this.originalMaxAge,
      partitioned: this.partitioned,
      priority: this.priority,
      expires: this.#expires,
      secure: this.secure,
      httpOnly: this.httpOnly,
      domain: this.domain,
      path: this.path,
      sameSite: this.sameSite,
    };
  }

  /** What `JSON.stringify(req.session)` shows, as express-session. */
  toJSON(): Record<string, unknown> {
    return this.data;
  }

  /** Restart the countdown: `maxAge` back to {@link originalMaxAge} (express-session's `resetMaxAge`). */
  reset(): void {
    const original = this.originalMaxAge;
    this.maxAge = original;
  }

  /** The `Set-Cookie` line carrying `value`. */
  serialize(name: string, value: string): string {
    const expires = this.#expires;
    const line = serializeSetCookie(name, value, {
      domain: this.domain ?? null,
      expires: expires === null ? null : httpDate(expires.getTime()),
      httpOnly: this.httpOnly,
      maxAge: expires === null ? null : Math.max(0, Math.floor((expires.getTime() - Date.now()) / 1000)),
      path: this.path,
      sameSite: toSameSite(this.sameSite),
      secure: this.secure,
    });
    return withExtras(line, this.priority, this.partitioned);
  }

  /** A `Set-Cookie` line that deletes the cookie (same name, path and domain). */
  deletion(name: string): string {
    const line = serializeSetCookie(name, '', {
      domain: this.domain ?? null,
      expires: EXPIRED_DATE,
      maxAge: 0,
      path: this.path,
      sameSite: toSameSite(this.sameSite),
      secure: this.secure,
    });
    return withExtras(line, undefined, this.partitioned);
  }
}

/** express-session's `sameSite` value as sessionkit's. */
function toSameSite(value: Cookie['sameSite']): SameSite {
  if (value === true) return 'Strict';
  if (value === false || value === undefined) return false;
  switch (String(value).toLowerCase()) {
    case 'lax':
      return 'Lax';
    case 'strict':
      return 'Strict';
    case 'none':
      return 'None';
    default:
      throw new ConfigError(`req.session.cookie.sameSite ${JSON.stringify(value)} is not a SameSite value.`);
  }
}

const PRIORITY: Record<string, string> = { low: 'Low', medium: 'Medium', high: 'High' };

function withExtras(line: string, priority: string | undefined, partitioned: boolean): string {
  let out = line;
  if (priority !== undefined) {
    const value = PRIORITY[priority.toLowerCase()];
    if (value === undefined)
      throw new ConfigError(`cookie.priority ${JSON.stringify(priority)} is not a priority.`);
    out += `; Priority=${value}`;
  }
  if (partitioned) out += '; Partitioned';
  return out;
}
