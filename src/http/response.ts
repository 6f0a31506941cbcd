/**
 * The response side: exactly Django's `SessionMiddleware.process_response` (spec §5), turned into
 * `Set-Cookie` values and a `Vary` change that an adapter copies onto its response.
 * @module
 */
import { hasErrorCode, SessionInterrupted, UpdateError } from '../core/errors.js';
import { cookieMaxAge, EXPIRY_KEY } from '../core/expiry.js';
import { type Session, sessionInternals } from '../core/session.js';
import type { ResolvedSettings } from '../core/settings.js';
import { isSecureRequest, type SecureRequestInput } from './request.js';
import { EXPIRED_DATE, httpDate, quoteCookieValue, serializeSetCookie } from './set-cookie.js';
import { patchVary } from './vary.js';

/** What {@link finalizeSession} needs to know about the request and the response. */
export interface FinalizeContext {
  /** Whether the request carried the session cookie (even an unusable one). */
  requestHadCookie: boolean;
  /** The response status. No save and no cookie on 5xx. */
  status: number;
  /**
   * Whether the request came over HTTPS, or what tells it (see {@link isSecureRequest}, asked only when
   * `cookieSecure` is `'auto'` and a session cookie is set).
   */
  secureRequest: boolean | SecureRequestInput;
  /** The response's current `Vary` header, if any. */
  existingVary?: string | readonly string[] | null;
}

/** What to change on the response. */
export interface FinalizeResult {
  /** `Set-Cookie` values to append (zero or one). */
  setCookie: string[];
  /** The new `Vary` value, or `null` to leave `Vary` unchanged. */
  vary: string | null;
}

/** {@link decideFinalize}'s answer: the headers known now, and whether a save (and its cookie) is due. */
export interface FinalizeDecision extends FinalizeResult {
  /** Whether {@link saveForResponse} must run before the headers go out. */
  save: boolean;
}

/**
 * Whether a cookie of these settings carries `Secure`. SameSite=None and the `__Secure-`/`__Host-`
 * prefixes force it (browsers reject such cookies otherwise); `cookieSecure` applies to the session
 * cookie only (`request` given), not to Django's `delete_cookie` (`request` null). For `'auto'` the
 * request is asked whether it came over HTTPS, only then.
 */
export function cookieSecure(
  settings: ResolvedSettings,
  request: FinalizeContext['secureRequest'] | null,
): boolean {
  const name = settings.cookieName;
  if (settings.cookieSameSite === 'None' || name.startsWith('__Secure-') || name.startsWith('__Host-')) {
    return true;
  }
  if (request === null) return false;
  if (settings.cookieSecure !== 'auto') return settings.cookieSecure;
  return typeof request === 'boolean' ? request : isSecureRequest(request, settings.trustProxy);
}

/**
 * Django's `response.delete_cookie(name, path, domain, samesite)`: empty value, epoch `expires`,
 * `Max-Age=0`; `Secure` only for SameSite=None or a `__Secure-`/`__Host-` name; no `HttpOnly`.
 */
export function deletionCookie(settings: ResolvedSettings): string {
  const name = settings.cookieName;
  return serializeSetCookie(name, '', {
    domain: settings.cookieDomain,
    expires: EXPIRED_DATE,
    maxAge: 0,
    path: settings.cookiePath,
    sameSite: settings.cookieSameSite,
    secure: cookieSecure(settings, null),
  });
}

/**
 * The session cookie's attributes that depend only on the settings (and on `Secure`), serialized once:
 * `head` goes before `expires`, `middle` between `expires` and `Max-Age`, `tail` after `Max-Age`.
 * The settings it was built from are kept, so a changed settings object gets a new template.
 */
interface CookieTemplate {
  from: readonly [name: string, domain: string | null, path: string, sameSite: unknown, httpOnly: boolean];
  prefix: string;
  head: string;
  middle: string;
  tail: string;
  /**
   * Everything after the value for the last `expires`/`Max-Age` pair: every cookie set in the same
   * second has the same one, so it is built once instead of on every response.
   */
  last: { expires: string | null; maxAge: number | null; suffix: string } | null;
}

const templates = new WeakMap<ResolvedSettings, Array<CookieTemplate | undefined>>();

/** The template for these settings, or `null` when they cannot be serialized (the slow path then throws). */
function cookieTemplate(settings: ResolvedSettings, secure: boolean): CookieTemplate | null {
  const { cookieName: name, cookieDomain: domain, cookiePath: path, cookieSameSite: sameSite } = settings;
  const httpOnly = settings.cookieHttpOnly;
  let pair = templates.get(settings);
  const cached = pair?.[secure ? 1 : 0];
  if (cached) {
    // Indexed, not destructured: array destructuring runs the iterator protocol on every response.
    const from = cached.from;
    if (
      from[0] === name &&
      from[1] === domain &&
      from[2] === path &&
      from[3] === sameSite &&
      from[4] === httpOnly
    ) {
      return cached;
    }
  }
  try {
    // Validates name, domain, path and the cookie-prefix rules exactly as every later call would.
    serializeSetCookie(name, '', { domain, httpOnly, path, sameSite, secure });
  } catch {
    return null;
  }
  const template: CookieTemplate = {
    from: [name, domain, path, sameSite, httpOnly],
    prefix: `${name}=`,
    head: domain ? `; Domain=${domain}` : '',
    middle: httpOnly ? '; HttpOnly' : '',
    tail:
      (path ? `; Path=${path}` : '') +
      (sameSite ? `; SameSite=${sameSite}` : '') +
      (secure ? '; Secure' : ''),
    last: null,
  };
  if (pair === undefined) {
    pair = [];
    templates.set(settings, pair);
  }
  pair[secure ? 1 : 0] = template;
  return template;
}

/** `serializeSetCookie` for the session cookie, from the cached template when the input allows it. */
function sessionCookie(
  settings: ResolvedSettings,
  value: string,
  expires: string | null,
  maxAge: number | null,
  secure: boolean,
): string {
  const template = maxAge === null || Number.isFinite(maxAge) ? cookieTemplate(settings, secure) : null;
  if (template === null) {
    return serializeSetCookie(settings.cookieName, value, {
      domain: settings.cookieDomain,
      expires,
      httpOnly: settings.cookieHttpOnly,
      maxAge,
      path: settings.cookiePath,
      sameSite: settings.cookieSameSite,
      secure,
    });
  }
  return template.prefix + quoteCookieValue(value) + cookieSuffix(template, expires, maxAge);
}

/** The attributes after the cookie value, from the template's cache when `expires`/`maxAge` are unchanged. */
function cookieSuffix(template: CookieTemplate, expires: string | null, maxAge: number | null): string {
  const last = template.last;
  if (last !== null && last.expires === expires && last.maxAge === maxAge) return last.suffix;
  // `expires` comes from httpDate: printable ASCII without `;`, as serializeSetCookie requires.
  const suffix =
    template.head +
    (expires ? `; expires=${expires}` : '') +
    template.middle +
    (maxAge === null ? '' : `; Max-Age=${Math.trunc(maxAge)}`) +
    template.tail;
  template.last = { expires, maxAge, suffix };
  return suffix;
}

function setVaryCookie(result: FinalizeResult, existingVary: FinalizeContext['existingVary']): void {
  if (existingVary === null || existingVary === undefined || existingVary === '') {
    result.vary = 'Cookie'; // what patchVary gives for no Vary at all
    return;
  }
  const vary = patchVary(existingVary, ['Cookie']);
  const existing = Array.isArray(existingVary) ? existingVary.join(', ') : existingVary;
  result.vary = vary === existing ? null : vary;
}

/**
 * The synchronous half of {@link finalizeSession}: what the response carries whatever happens next
 * (the deletion cookie, `Vary`), and whether the session must still be saved ({@link saveForResponse}).
 * Never touches the store, so a response that needs no save goes out without waiting.
 */
export function decideFinalize<Data extends object>(
  session: Session<Data>,
  context: FinalizeContext,
): FinalizeDecision {
  const settings = session.settings;
  const empty = session.isEmpty();
  const decision: FinalizeDecision = { setCookie: [], vary: null, save: false };
  if (context.requestHadCookie && empty) {
    decision.setCookie.push(deletionCookie(settings));
    setVaryCookie(decision, context.existingVary);
    return decision;
  }
  if (session.accessed) setVaryCookie(decision, context.existingVary);
  // Never a save (nor a cookie) on a 5xx response, as Django.
  decision.save = (session.modified || settings.saveEveryRequest) && !empty && context.status < 500;
  // Touch-only rolling: an unchanged session whose expiry is due to move (docs/rolling.md).
  if (!decision.save && !empty && context.status < 500 && session.touchDue()) decision.save = true;
  return decision;
}

/** A save error as the response sees it: a vanished record is Django's `SessionInterrupted`. */
function interrupted(error: unknown): unknown {
  return hasErrorCode(error, UpdateError.code) ? new SessionInterrupted({ cause: error }) : error;
}

/**
 * The asynchronous half of {@link finalizeSession}, when {@link decideFinalize} said a save is due:
 * save the session and add its cookie to `result`, then end the request for the session (a lock it
 * holds is released). Browser-close cookies get no `Max-Age`/`expires`; others `Max-Age =
 * getExpiryAge()` and a matching `expires` from the session clock.
 * @throws {SessionInterrupted} when the record vanished during the request (the save error is its `cause`).
 */
export async function saveForResponse<Data extends object>(
  session: Session<Data>,
  context: FinalizeContext,
  result: FinalizeResult,
): Promise<FinalizeResult> {
  try {
    const settings = session.settings;
    if (!session.modified && !settings.saveEveryRequest && session.touchDue()) {
      return await touchForResponse(session, context, result);
    }
    try {
      await session.save();
    } catch (error) {
      throw interrupted(error);
    }
    result.setCookie.push(savedSessionCookie(session, context, false)!);
    return result;
  } finally {
    session.requestFinished();
  }
}

/**
 * Touch-only rolling: extend the unchanged session's expiry in the store, and when it was extended,
 * send the cookie again with the new `Max-Age`/`expires` (a browser-close cookie has none to move).
 */
async function touchForResponse<Data extends object>(
  session: Session<Data>,
  context: FinalizeContext,
  result: FinalizeResult,
): Promise<FinalizeResult> {
  let touched: boolean;
  try {
    touched = await session.touchNow();
  } catch (error) {
    throw interrupted(error);
  }
  if (!touched) return result;
  const cookie = savedSessionCookie(session, context, true);
  if (cookie !== null) result.setCookie.push(cookie);
  return result;
}

/**
 * The session cookie after a save or a touch. Its expiry comes from the data just written, which the
 * save (or the touch's due check) loaded, so it is read synchronously. `null` after a touch of a
 * browser-session cookie: it has no expiry to move.
 */
function savedSessionCookie<Data extends object>(
  session: Session<Data>,
  context: FinalizeContext,
  touched: boolean,
): string | null {
  const settings = session.settings;
  const now = settings.now();
  const data = sessionInternals().peek(session as unknown as Session);
  const maxAge = cookieMaxAge(data?.[EXPIRY_KEY], now, settings);
  if (maxAge === null && touched) return null;
  const expires = maxAge === null ? null : httpDate(now + maxAge * 1000);
  const secure = cookieSecure(settings, context.secureRequest);
  return sessionCookie(settings, session.sessionKey ?? '', expires, maxAge, secure);
}

/**
 * Decide what the response must carry, saving the session when Django would:
 * - the request had the cookie and the session is now empty → delete the cookie, add `Vary: Cookie`;
 * - otherwise `Vary: Cookie` if the session was accessed, and, when it was modified (or
 *   `saveEveryRequest`) and is not empty: save it and set the cookie — but never on a 5xx response.
 *   Browser-close cookies get no `Max-Age`/`expires`; others `Max-Age = getExpiryAge()` and a
 *   matching `expires` from the session clock.
 * Call it before the response headers are sent.
 * @throws {SessionInterrupted} when the record vanished during the request (Django's `UpdateError`);
 *   the save error is its `cause`. Store errors ({@link StoreUnavailable} ...) propagate.
 */
export async function finalizeSession<Data extends object>(
  session: Session<Data>,
  context: FinalizeContext,
): Promise<FinalizeResult> {
  let decision: FinalizeDecision;
  try {
    decision = decideFinalize(session, context);
  } catch (error) {
    session.requestFinished();
    throw error;
  }
  const result: FinalizeResult = { setCookie: decision.setCookie, vary: decision.vary };
  if (decision.save) return saveForResponse(session, context, result);
  session.requestFinished();
  return result;
}
