/**
 * The response side: exactly Django's `SessionMiddleware.process_response` (spec §5), turned into
 * `Set-Cookie` values and a `Vary` change that an adapter copies onto its response.
 * @module
 */
import { hasErrorCode, SessionInterrupted, UpdateError } from '../core/errors.js';
import { computeExpiryAge, EXPIRY_KEY } from '../core/expiry.js';
import type { Session } from '../core/session.js';
import type { ResolvedSettings } from '../core/settings.js';
import { EXPIRED_DATE, httpDate, quoteCookieValue, serializeSetCookie } from './set-cookie.js';
import { patchVary } from './vary.js';

/** What {@link finalizeSession} needs to know about the request and the response. */
export interface FinalizeContext {
  /** Whether the request carried the session cookie (even an unusable one). */
  requestHadCookie: boolean;
  /** The response status. No save and no cookie on 5xx. */
  status: number;
  /** Whether the request came over HTTPS (decides `Secure` when `cookieSecure` is `'auto'`). */
  secureRequest: boolean;
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

/** Whether the session cookie carries `Secure` (SameSite=None and prefixed names force it). */
function isSecure(settings: ResolvedSettings, secureRequest: boolean): boolean {
  const name = settings.cookieName;
  return (
    settings.cookieSecure === true ||
    (settings.cookieSecure === 'auto' && secureRequest) ||
    settings.cookieSameSite === 'None' ||
    name.startsWith('__Secure-') ||
    name.startsWith('__Host-')
  );
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
    secure: name.startsWith('__Secure-') || name.startsWith('__Host-') || settings.cookieSameSite === 'None',
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
    const [n, d, p, s, h] = cached.from;
    if (n === name && d === domain && p === path && s === sameSite && h === httpOnly) return cached;
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
 * The first, synchronous half of {@link finalizeSession}: fills in the deletion cookie and `Vary`, and
 * tells whether the session still has to be saved (the second half, {@link completeFinalize}).
 * @internal
 */
export function decideFinalize<Data extends object>(
  session: Session<Data>,
  context: FinalizeContext,
  result: FinalizeResult,
): boolean {
  const settings = session.settings;
  const empty = session.isEmpty();
  if (context.requestHadCookie && empty) {
    result.setCookie.push(deletionCookie(settings));
    setVaryCookie(result, context.existingVary);
    return false;
  }
  if (session.accessed) setVaryCookie(result, context.existingVary);
  return (session.modified || settings.saveEveryRequest) && !empty;
}

/** `maxAge`/`expires` of the cookie from loaded data, as getExpireAtBrowserClose/getExpiryAge compute them. */
function cookieExpiry<Data extends object>(
  session: Session<Data>,
  data: Record<string, unknown>,
): [maxAge: number | null, expires: string | null] {
  const settings = session.settings;
  session.accessed = true; // what the get() calls of the async path do
  const expiry = Object.hasOwn(data, EXPIRY_KEY) ? data[EXPIRY_KEY] : undefined;
  const atBrowserClose =
    expiry === undefined || expiry === null ? settings.expireAtBrowserClose : expiry === 0;
  if (atBrowserClose) return [null, null];
  const maxAge = Math.trunc(computeExpiryAge(expiry, settings.now(), settings.cookieAge));
  return [maxAge, httpDate(settings.now() + maxAge * 1000)];
}

/** A save error as the response sees it: a vanished record is Django's `SessionInterrupted`. */
function interrupted(error: unknown): unknown {
  return hasErrorCode(error, UpdateError.code) ? new SessionInterrupted({ cause: error }) : error;
}

/** Add the session cookie for the saved session. */
function addSessionCookie<Data extends object>(
  session: Session<Data>,
  context: FinalizeContext,
  result: FinalizeResult,
  maxAge: number | null,
  expires: string | null,
): FinalizeResult {
  const settings = session.settings;
  const secure = isSecure(settings, context.secureRequest);
  result.setCookie.push(sessionCookie(settings, session.sessionKey ?? '', expires, maxAge, secure));
  return result;
}

/**
 * The second half of {@link finalizeSession}, after {@link decideFinalize} said a save is due: save
 * (not on 5xx) and add the session cookie. Synchronous when the data is loaded and the store answers
 * synchronously (then it may throw).
 * @internal
 */
export function completeFinalize<Data extends object>(
  session: Session<Data>,
  context: FinalizeContext,
  result: FinalizeResult,
): FinalizeResult | Promise<FinalizeResult> {
  const data = session.peek();
  if (data === null) return completeFinalizeUnloaded(session, context, result);
  const [maxAge, expires] = cookieExpiry(session, data);
  if (context.status >= 500) return result;
  let saved: void | Promise<void>;
  try {
    saved = session.saveNow();
  } catch (error) {
    throw interrupted(error);
  }
  if (saved instanceof Promise) {
    return saved.then(
      () => addSessionCookie(session, context, result, maxAge, expires),
      (error: unknown) => {
        throw interrupted(error);
      },
    );
  }
  return addSessionCookie(session, context, result, maxAge, expires);
}

/** {@link completeFinalize} when nothing was loaded: the expiry questions may load the session. */
async function completeFinalizeUnloaded<Data extends object>(
  session: Session<Data>,
  context: FinalizeContext,
  result: FinalizeResult,
): Promise<FinalizeResult> {
  const settings = session.settings;
  let maxAge: number | null = null;
  let expires: string | null = null;
  if (!(await session.getExpireAtBrowserClose())) {
    // NB: getExpireAtBrowserClose may load the session (spec §7 item 131); Django does the same.
    maxAge = Math.trunc(await session.getExpiryAge());
    expires = httpDate(settings.now() + maxAge * 1000);
  }
  if (context.status >= 500) return result;
  try {
    await session.save();
  } catch (error) {
    throw interrupted(error);
  }
  return addSessionCookie(session, context, result, maxAge, expires);
}

/**
 * {@link finalizeSession} without a promise when no store call is due (nothing to save, a deletion, a
 * 5xx response on loaded data); otherwise the promise of the rest. May throw synchronously.
 * @internal
 */
export function finalizeNow<Data extends object>(
  session: Session<Data>,
  context: FinalizeContext,
): FinalizeResult | Promise<FinalizeResult> {
  if (!session.locked) return finalizeSteps(session, context);
  // A session lock is released once the save landed (or failed).
  let outcome: FinalizeResult | Promise<FinalizeResult>;
  try {
    outcome = finalizeSteps(session, context);
  } catch (error) {
    session.requestFinished();
    throw error;
  }
  if (!(outcome instanceof Promise)) {
    session.requestFinished();
    return outcome;
  }
  return outcome.finally(() => session.requestFinished());
}

function finalizeSteps<Data extends object>(
  session: Session<Data>,
  context: FinalizeContext,
): FinalizeResult | Promise<FinalizeResult> {
  const result: FinalizeResult = { setCookie: [], vary: null };
  if (!decideFinalize(session, context, result)) return result;
  const data = session.peek();
  if (context.status >= 500 && data !== null) {
    cookieExpiry(session, data); // same side effects (clock reads) as the full path
    return result;
  }
  return completeFinalize(session, context, result);
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
  return finalizeNow(session, context);
}
