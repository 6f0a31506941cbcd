/**
 * The response side: exactly Django's `SessionMiddleware.process_response` (spec §5), turned into
 * `Set-Cookie` values and a `Vary` change that an adapter copies onto its response.
 * @module
 */
import { hasErrorCode, SessionInterrupted, UpdateError } from '../core/errors.js';
import type { Session } from '../core/session.js';
import type { ResolvedSettings } from '../core/settings.js';
import { EXPIRED_DATE, httpDate, serializeSetCookie } from './set-cookie.js';
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
  const settings = session.settings;
  const accessed = session.accessed;
  const modified = session.modified;
  const empty = session.isEmpty();
  const result: FinalizeResult = { setCookie: [], vary: null };
  const varyCookie = (): void => {
    const vary = patchVary(context.existingVary, ['Cookie']);
    const existing = Array.isArray(context.existingVary)
      ? context.existingVary.join(', ')
      : (context.existingVary ?? null);
    result.vary = vary === existing ? null : vary;
  };

  if (context.requestHadCookie && empty) {
    result.setCookie.push(deletionCookie(settings));
    varyCookie();
    return result;
  }
  if (accessed) varyCookie();
  if (!(modified || settings.saveEveryRequest) || empty) return result;

  // NB: getExpireAtBrowserClose may load the session (spec §7 item 131); Django does the same.
  let maxAge: number | null = null;
  let expires: string | null = null;
  if (!(await session.getExpireAtBrowserClose())) {
    maxAge = Math.trunc(await session.getExpiryAge());
    expires = httpDate(settings.now() + maxAge * 1000);
  }
  if (context.status >= 500) return result;
  try {
    await session.save();
  } catch (error) {
    if (hasErrorCode(error, UpdateError.code)) throw new SessionInterrupted({ cause: error });
    throw error;
  }
  result.setCookie.push(
    serializeSetCookie(settings.cookieName, session.sessionKey ?? '', {
      domain: settings.cookieDomain,
      expires,
      httpOnly: settings.cookieHttpOnly,
      maxAge,
      path: settings.cookiePath,
      sameSite: settings.cookieSameSite,
      secure: isSecure(settings, context.secureRequest),
    }),
  );
  return result;
}
