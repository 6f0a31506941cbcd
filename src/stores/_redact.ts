/**
 * Store URLs in error messages without their secrets. A malformed URL is exactly the one whose
 * password may hold unencoded `/`, `@`, `#` or `?`, so the URL is never parsed here: everything
 * between the scheme and the last `@` is treated as credentials.
 * @module
 */

const MASK = '***';

/** Query parameters drivers accept credentials under (`?password=`, `?sslkey=` ...). */
const SECRET_PARAM = /^(?:pass(?:word)?|pwd|secret|token|auth|sslkey|sslpassword|access[_-]?key)$/i;

/**
 * `url` with its credentials replaced by `***`: the userinfo (`user:password@` keeps `user`;
 * a bare `secret@` loses all of it) and the values of password-like query parameters. Over-redacts
 * rather than leak when the URL is malformed (an `@` in the query masks the host too).
 * @example redactUrl('mysql://root:S3CRET@127.0.0.1:3306') // 'mysql://root:***@127.0.0.1:3306'
 */
export function redactUrl(url: string): string {
  if (typeof url !== 'string') return MASK;
  const scheme = /^[a-z][a-z0-9+.-]*:(?:\/\/)?/i.exec(url);
  const start = scheme ? scheme[0].length : 0;
  let rest = url.slice(start);
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    const user = colon === -1 ? '' : userinfo.slice(0, colon);
    const keepUser = user !== '' && !/[/?#@]/.test(user);
    rest = `${keepUser ? `${user}:` : ''}${MASK}${rest.slice(at)}`;
  }
  const query = rest.indexOf('?');
  if (query !== -1) {
    const params = rest
      .slice(query + 1)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const name = eq === -1 ? pair : pair.slice(0, eq);
        return eq !== -1 && SECRET_PARAM.test(safeDecode(name)) ? `${name}=${MASK}` : pair;
      });
    rest = `${rest.slice(0, query)}?${params.join('&')}`;
  }
  return `${url.slice(0, start)}${rest}`;
}

/**
 * `JSON.stringify(redactUrl(url))`, for messages that quote the URL.
 */
export function quoteUrl(url: string): string {
  return JSON.stringify(redactUrl(url));
}

/** Whether `url` carries credentials (so parts of it should not be echoed on their own). */
export function hasCredentials(url: string): boolean {
  return typeof url === 'string' && (url.includes('@') || /[?&](?:pass|pwd|secret|token|auth)/i.test(url));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
