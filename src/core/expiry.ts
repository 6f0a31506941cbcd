/**
 * Session expiry, as Django computes it (spec §1.6). The custom expiry lives in the session under
 * `_session_expiry`: an integer number of seconds (relative to the last modification; `0` = browser
 * close) or an ISO-8601 date string (what Django ≥ 5.1 writes for a `datetime`).
 * @module
 */

/** The session key holding a custom expiry. */
export const EXPIRY_KEY = '_session_expiry';

/** A relative duration, the counterpart of Python's `timedelta`. Fields add up; any may be negative. */
export interface Duration {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

/**
 * What {@link Session.setExpiry} accepts: seconds of inactivity (`0` = until the browser closes),
 * an absolute `Date`, a {@link Duration} from now, or `null` for the default (`cookieAge`).
 */
export type ExpirySetting = number | Date | Duration | null;

/** Milliseconds in a {@link Duration}. */
export function durationToMs(duration: Duration): number {
  return (
    (duration.days ?? 0) * 86_400_000 +
    (duration.hours ?? 0) * 3_600_000 +
    (duration.minutes ?? 0) * 60_000 +
    (duration.seconds ?? 0) * 1000 +
    (duration.milliseconds ?? 0)
  );
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * Python's `datetime.isoformat()` of an aware UTC datetime: `2024-01-01T12:00:10+00:00`, with
 * microseconds only when non-zero (`...:10.123000+00:00`; JavaScript dates carry milliseconds).
 */
export function toPythonIsoformat(date: Date): string {
  const base =
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const ms = date.getUTCMilliseconds();
  return `${base}${ms === 0 ? '' : `.${pad(ms, 3)}000`}+00:00`;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Parse what Python's `datetime.fromisoformat` reads (date, `T` or space, optional seconds, fraction and
 * offset). A string without an offset is taken as UTC (Django's `USE_TZ=True` stores UTC). Returns `null`
 * for anything else.
 */
export function parsePythonIsoformat(text: string): Date | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', tz] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (tz && tz.toUpperCase() !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    const digits = tz.slice(1).replaceAll(':', '');
    const offset =
      Number(digits.slice(0, 2)) * 3600 +
      Number(digits.slice(2, 4) || '0') * 60 +
      Number(digits.slice(4, 6) || '0');
    time -= sign * offset * 1000;
  }
  return Number.isNaN(time) ? null : new Date(time);
}

/**
 * Turn a {@link ExpirySetting} into what is stored under `_session_expiry` (Django's `set_expiry`):
 * numbers stay numbers, dates and durations become ISO strings, `null` means "remove".
 */
export function toStoredExpiry(value: ExpirySetting, nowMs: number): number | string | null {
  if (value === null) return null;
  if (typeof value === 'number') return value;
  if (value instanceof Date) return toPythonIsoformat(value);
  return toPythonIsoformat(new Date(nowMs + durationToMs(value)));
}

/** Whether a stored expiry is "unset" in Python's sense (`not expiry`: absent, `null`, `0`, `''`, `false`). */
function isUnset(expiry: unknown): boolean {
  return expiry === undefined || expiry === null || expiry === 0 || expiry === '' || expiry === false;
}

function toDate(expiry: unknown): Date | null {
  if (expiry instanceof Date) return expiry;
  if (typeof expiry === 'string') return parsePythonIsoformat(expiry);
  return null;
}

/**
 * Django's `get_expiry_age`: seconds from `modificationMs` until expiry. Unset → `cookieAge`; a number is
 * returned as is (may be negative); a date gives `floor((expiry - modification) / 1 s)`.
 */
export function computeExpiryAge(expiry: unknown, modificationMs: number, cookieAge: number): number {
  if (isUnset(expiry)) return cookieAge;
  if (typeof expiry === 'number') return expiry;
  const date = toDate(expiry);
  if (date === null) return cookieAge;
  return Math.floor((date.getTime() - modificationMs) / 1000);
}

/**
 * Django's `get_expiry_date`: the absolute expiry. A date is returned as is; a number of seconds (or
 * `cookieAge` when unset) is added to `modificationMs`.
 */
export function computeExpiryDate(expiry: unknown, modificationMs: number, cookieAge: number): Date {
  const date = toDate(expiry);
  if (date !== null) return date;
  const seconds = typeof expiry === 'number' && expiry !== 0 ? expiry : cookieAge;
  return new Date(modificationMs + seconds * 1000);
}

/**
 * Django's `get_expire_at_browser_close`: a custom expiry of `0` makes a browser-session cookie, any
 * other custom expiry does not; without one (absent or `null`), the `expireAtBrowserClose` setting decides.
 */
export function expiresAtBrowserClose(expiry: unknown, expireAtBrowserCloseSetting: boolean): boolean {
  if (expiry === undefined || expiry === null) return expireAtBrowserCloseSetting;
  return expiry === 0;
}

/**
 * The session cookie's `Max-Age` for a session whose custom expiry is `expiry` (whole seconds from
 * `nowMs`), or `null` for a browser-session cookie, which carries neither `Max-Age` nor `expires`.
 */
export function cookieMaxAge(
  expiry: unknown,
  nowMs: number,
  settings: { readonly cookieAge: number; readonly expireAtBrowserClose: boolean },
): number | null {
  if (expiresAtBrowserClose(expiry, settings.expireAtBrowserClose)) return null;
  return Math.trunc(computeExpiryAge(expiry, nowMs, settings.cookieAge));
}
