/**
 * Reading the request side: the session cookie from a `Cookie` header, and whether the request came
 * over HTTPS. Lenient: a malformed header never throws, it just yields no session cookie.
 * @module
 */
/** The session cookie of one request. */
export interface RequestCookie {
  /** The cookie value to open the session with, or `null` (no cookie, or one that cannot be a session key). */
  value: string | null;
  /**
   * Whether the request carried a cookie of that name at all, valid or not. Django deletes the cookie
   * when it was sent and the session ends up empty (`SESSION_COOKIE_NAME in request.COOKIES`, spec §5).
   */
  present: boolean;
}

/** Longest cookie value accepted; browsers keep at most 4096 bytes per cookie. */
export const MAX_COOKIE_VALUE_LENGTH = 4096;

/** RFC 6265 §4.1.1 cookie-octet: printable US-ASCII except `"`, `,`, `;` and `\`. */
const COOKIE_OCTETS = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

const SPACE = 0x20;
const TAB = 0x09;

/** Whether the character at `index` is whitespace the `cookie` package trims (space or tab). */
function isBlank(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code === SPACE || code === TAB;
}

/**
 * The raw value of the first cookie named `name` in `text`, or `undefined`: what
 * `cookie.parse(text, { decode: (v) => v })[name]` gives (same pair splitting, trimming of spaces and
 * tabs, first occurrence wins), without building an object of every cookie the browser sent: this runs
 * on every request.
 */
function findCookie(text: string, name: string): string | undefined {
  const length = text.length;
  if (length < 2 || !text.includes(name)) return undefined;
  let index = 0;
  do {
    const eq = text.indexOf('=', index);
    if (eq === -1) break; // no more pairs
    let end = text.indexOf(';', index);
    if (end === -1) end = length;
    if (eq > end) {
      // A segment without `=`: start again after the last `;` before that `=`.
      index = text.lastIndexOf(';', eq - 1) + 1;
      continue;
    }
    let start = index;
    while (start < eq - 1 && isBlank(text, start)) start++;
    let keyEnd = eq;
    while (keyEnd > start && isBlank(text, keyEnd - 1)) keyEnd--;
    if (keyEnd - start === name.length && text.startsWith(name, start)) {
      let valueStart = eq + 1;
      let valueEnd = end;
      while (valueStart < valueEnd - 1 && isBlank(text, valueStart)) valueStart++;
      while (valueEnd > valueStart && isBlank(text, valueEnd - 1)) valueEnd--;
      return text.slice(valueStart, valueEnd);
    }
    index = end + 1;
  } while (index < length);
  return undefined;
}

/**
 * The session cookie from a `Cookie` header. On duplicates the first wins (browsers send the cookie
 * with the most specific Path first, RFC 6265 §5.4). Values are not URL-decoded (as Django); a value
 * in double quotes is unquoted. A value with characters outside RFC 6265's cookie-octet, or longer
 * than {@link MAX_COOKIE_VALUE_LENGTH}, counts as sent but unusable: `{ value: null, present: true }`.
 * @param header the `Cookie` header (several headers may be passed as an array).
 * @example readSessionCookie('theme=dark; sessionid=abc123xyz', 'sessionid') // { value: 'abc123xyz', present: true }
 */
export function readSessionCookie(
  header: string | readonly string[] | null | undefined,
  cookieName: string,
): RequestCookie {
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (typeof text !== 'string' || text === '') return { value: null, present: false };
  const raw = findCookie(text, cookieName);
  if (raw === undefined) return { value: null, present: false };
  const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (value === '' || value.length > MAX_COOKIE_VALUE_LENGTH || !COOKIE_OCTETS.test(value)) {
    return { value: null, present: true };
  }
  return { value, present: true };
}

/** What {@link isSecureRequest} looks at. */
export interface SecureRequestInput {
  /** Whether the connection itself is TLS (`socket.encrypted` in Node). */
  encrypted?: boolean;
  /** The request URL's scheme (`https:` / `https`), for Fetch-API runtimes. */
  protocol?: string | null;
  /** The `X-Forwarded-Proto` header; only read when `trustProxy` is true. */
  forwardedProto?: string | readonly string[] | null;
}

/**
 * Whether the request arrived over HTTPS: a TLS socket or an `https:` URL, or — only when `trustProxy`
 * is set — `X-Forwarded-Proto: https` from a TLS-terminating proxy (the first, client-facing value).
 * Decides `Secure` when `cookieSecure` is `'auto'`.
 */
export function isSecureRequest(input: SecureRequestInput, trustProxy: boolean): boolean {
  if (input.encrypted === true) return true;
  if (typeof input.protocol === 'string' && /^https:?$/i.test(input.protocol)) return true;
  if (!trustProxy || input.forwardedProto === null || input.forwardedProto === undefined) return false;
  const header = Array.isArray(input.forwardedProto) ? input.forwardedProto[0] : input.forwardedProto;
  const first = typeof header === 'string' ? header.split(',')[0] : undefined;
  return first?.trim().toLowerCase() === 'https';
}

/** The parts of a Node `IncomingMessage` that tell whether it came over HTTPS. */
export interface NodeRequestLike {
  socket: unknown;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** {@link SecureRequestInput} of a Node request (`node:http`, Express, Fastify's `request.raw`, Koa's `ctx.req`). */
export function nodeSecureRequest(req: NodeRequestLike): SecureRequestInput {
  return {
    encrypted: (req.socket as { encrypted?: boolean } | null)?.encrypted === true,
    forwardedProto: req.headers['x-forwarded-proto'],
  };
}
