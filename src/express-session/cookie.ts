/**
 * `req.session.cookie`: express-session's per-session cookie object (`maxAge` counting down, `expires`,
 * `originalMaxAge`, the attributes), and its `Set-Cookie` line. The line is sessionkit's Django-style
 * serialization plus the two attributes Django does not know (`Priority`, `Partitioned`).
 * @module
 */
import { ConfigError } from '../core/errors.js';
import type { SameSite } from '../core/settings.js';
import { EXPIRED_DATE, httpDate, quoteCookieValue, serializeSetCookie } from '../http/set-cookie.js';
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
  /** When the cookie expires, in ms (`null`: at browser close), until {@link expires} hands out a Date. */
  #at: number | null = null;
  /**
   * The Date {@link expires} handed out (or was given): from then on the time, so that changing it in
   * place (`cookie.expires.setTime(…)`) changes the cookie, as in express-session. Made only when read.
   */
  #date: Date | null = null;

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
    if (this.#date === null && this.#at !== null) this.#date = new Date(this.#at);
    return this.#date;
  }

  set expires(date: Date | null | false | undefined) {
    this.#date = date instanceof Date ? date : null;
    this.#at = this.#date === null ? null : this.#date.getTime();
    this.originalMaxAge = this.maxAge;
  }

  /** @internal When the cookie expires in ms, `null` at browser close: {@link expires} without a Date. */
  expiresAt(): number | null {
    return this.#date === null ? this.#at : this.#date.getTime();
  }

  /** Milliseconds left (`null` for a browser-session cookie). Setting it moves {@link expires}. */
  get maxAge(): number | null {
    const at = this.expiresAt();
    return at === null ? null : at - Date.now();
  }

  set maxAge(ms: number | null | undefined) {
    if (ms !== null && ms !== undefined && (typeof ms !== 'number' || !Number.isFinite(ms))) {
      throw new TypeError('maxAge must be a number of milliseconds or null');
    }
    // originalMaxAge is exactly what was set (express-session's drifts by the milliseconds between two
    // clock reads), so the lifetime compared at save time does not change by itself.
    this.#at = typeof ms === 'number' ? Date.now() + ms : null;
    this.#date = null;
    this.originalMaxAge = typeof ms === 'number' ? ms : null;
  }

  /** express-session's `cookie.data`: the attributes as a plain object. */
  get data(): Record<string, unknown> {
    return {
      originalMaxAge: this.originalMaxAge,
      partitioned: this.partitioned,
      priority: this.priority,
      expires: this.expires,
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
    const at = this.expiresAt();
    const expires = at === null ? null : httpDate(at);
    const maxAge = at === null ? null : Math.max(0, Math.floor((at - Date.now()) / 1000));
    const last = lastLine;
    if (
      last !== null &&
      last.name === name &&
      last.expires === expires &&
      last.maxAge === maxAge &&
      last.domain === this.domain &&
      last.httpOnly === this.httpOnly &&
      last.path === this.path &&
      last.sameSite === this.sameSite &&
      last.secure === this.secure &&
      last.priority === this.priority &&
      last.partitioned === this.partitioned
    ) {
      return `${last.prefix}${quoteCookieValue(value)}${last.suffix}`;
    }
    const line = serializeSetCookie(name, value, {
      domain: this.domain ?? null,
      expires,
      httpOnly: this.httpOnly,
      maxAge,
      path: this.path,
      sameSite: toSameSite(this.sameSite),
      secure: this.secure,
    });
    const full = withExtras(line, this.priority, this.partitioned);
    const prefix = `${name}=`;
    lastLine = {
      name,
      expires,
      maxAge,
      domain: this.domain,
      httpOnly: this.httpOnly,
      path: this.path,
      sameSite: this.sameSite,
      secure: this.secure,
      priority: this.priority,
      partitioned: this.partitioned,
      prefix,
      suffix: full.slice(prefix.length + quoteCookieValue(value).length),
    };
    return full;
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

/**
 * The last `Set-Cookie` line's inputs and what follows its value: every response of the same second
 * with the same attributes has the same one, validated once instead of on every response.
 */
let lastLine: {
  name: string;
  expires: string | null;
  maxAge: number | null;
  domain: string | undefined;
  httpOnly: boolean;
  path: string;
  sameSite: Cookie['sameSite'];
  secure: boolean;
  priority: CookiePriority | undefined;
  partitioned: boolean;
  prefix: string;
  suffix: string;
} | null = null;

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
