/**
 * What the demo shows about itself: the store it runs on, and the session cookie as the browser has it.
 *
 * The session cookie is HttpOnly, so page scripts cannot see it: the server describes it instead. A
 * browser sends back only `name=value`, never the flags or the expiry, so the demo remembers the
 * `Set-Cookie` it sent for each key and shows those attributes next to the key the browser sent.
 */
import type { ServerResponse } from 'node:http';
import { parseCookie, parseSetCookie } from 'cookie';
import type { NextFunction, Request, Response } from 'express';

/** A session key as the demo prints it: enough to tell two apart, too little to use. */
export function shortKey(key: string | null | undefined): string | null {
  return key ? `${key.slice(0, 6)}…` : null;
}

/** A store URL for display, its password (in the userinfo or a `password=` parameter) masked. */
export function maskStoreUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^/@]*@/i, '$1***@')
    .replace(/([?&]password=)[^&]*/gi, '$1***');
}

/** The session cookie's attributes, as the last `Set-Cookie` for that key gave them. */
export interface CookieAttributes {
  httpOnly: boolean;
  secure: boolean;
  sameSite: string | null;
  path: string | null;
  /** `null`: no `Expires`/`Max-Age`, the browser drops it when it closes. */
  expires: Date | null;
}

/** The session cookie of a request, described. */
export interface CookieReport {
  /** The key the browser sent (the `Cookie` header), or `null`. */
  sentKey: string | null;
  /** What the server last set for that key, or `null` when this process did not set it. */
  attributes: CookieAttributes | null;
}

/** How many keys' attributes are remembered (the oldest are forgotten first). */
const REMEMBERED = 1000;

/** Remembers the session cookie each response sets, to describe it when the browser sends it back. */
export function createCookieRecorder(cookieName: string) {
  const setFor = new Map<string, CookieAttributes>();

  function remember(header: ReturnType<ServerResponse['getHeader']>): void {
    const values = Array.isArray(header) ? header : header === undefined ? [] : [String(header)];
    for (const value of values) {
      const cookie = parseSetCookie(value);
      if (cookie.name !== cookieName || !cookie.value) continue;
      const maxAge = cookie.maxAge;
      setFor.delete(cookie.value);
      setFor.set(cookie.value, {
        httpOnly: cookie.httpOnly === true,
        secure: cookie.secure === true,
        // The parser lowercases it; shown as servers write it (Lax, Strict, None).
        sameSite:
          typeof cookie.sameSite === 'string'
            ? cookie.sameSite.charAt(0).toUpperCase() + cookie.sameSite.slice(1)
            : null,
        path: cookie.path ?? null,
        expires: maxAge !== undefined ? new Date(Date.now() + maxAge * 1000) : (cookie.expires ?? null),
      });
      if (setFor.size > REMEMBERED) setFor.delete(setFor.keys().next().value as string);
    }
  }

  return {
    /**
     * Express middleware, installed before the session middleware: it sees each response's headers as
     * they leave (after the session middleware added its `Set-Cookie`), the way `on-headers` does.
     */
    middleware(_req: Request, res: Response, next: NextFunction): void {
      const writeHead = res.writeHead;
      res.writeHead = function recordSetCookie(this: Response, ...args: unknown[]) {
        remember(this.getHeader('set-cookie'));
        return (writeHead as (...a: unknown[]) => Response).apply(this, args);
      } as Response['writeHead'];
      next();
    },
    /** The session cookie the browser sent with `req`, with what the server set for it. */
    report(req: Request): CookieReport {
      const sentKey = parseCookie(req.headers.cookie ?? '')[cookieName] || null;
      return { sentKey, attributes: sentKey ? (setFor.get(sentKey) ?? null) : null };
    },
  };
}
