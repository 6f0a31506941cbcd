/**
 * Server-rendered HTML of the demo site.
 */
import type { FlashMessage } from 'sessionkit/messages';
import type { UserSessionInfo } from 'sessionkit/user-sessions';
import { type CookieReport, shortKey } from './explain.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for HTML. */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A date as the demo prints it: minutes, UTC. */
export function when(date: Date | null): string {
  return date ? `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—';
}

/** What every page shows besides its own content. */
export interface Frame {
  memberName?: string | null | undefined;
  /** Flash messages to show (each once: they were read from the session for this page). */
  messages?: readonly FlashMessage[];
  /** The store, for display (password masked). */
  store: string;
  cookie: CookieReport;
  /** The session key after this request loaded the session (`null`: none in the store). */
  liveKey: string | null;
}

/** The "how this page was served" panel: the store, and the session cookie as the browser has it. */
function explainPanel({ store, cookie, liveKey }: Frame): string {
  const sent = shortKey(cookie.sentKey);
  const a = cookie.attributes;
  const flags = a
    ? [
        a.httpOnly ? 'HttpOnly' : 'not HttpOnly',
        `SameSite=${a.sameSite ?? '(none)'}`,
        a.secure ? 'Secure' : 'not Secure',
        `Path=${a.path ?? '(none)'}`,
      ].join(' · ')
    : null;
  let cookieRows: string;
  if (!sent) {
    cookieRows =
      '<dd id="cookie-key">none sent with this request (a page that stores something sets one)</dd>';
  } else {
    const stale = cookie.sentKey !== liveKey;
    cookieRows = `<dd><code id="cookie-key">${escapeHtml(sent)}</code>${
      stale
        ? ' <span id="cookie-stale" class="error">— not a live session in the store (ended, expired or flushed): this request starts a new one</span>'
        : ''
    }</dd>
<dt>Flags</dt><dd id="cookie-flags">${flags ? escapeHtml(flags) : 'set before this server process started (not known here)'}</dd>
<dt>Expires</dt><dd id="cookie-expires">${a ? (a.expires ? escapeHtml(when(a.expires)) : 'when the browser closes') : '—'}</dd>`;
  }
  return `<aside class="explain" id="explain"><h2>How this page was served</h2><dl>
<dt>Session store</dt><dd><code id="store">${escapeHtml(store)}</code></dd>
<dt>Session cookie</dt>${cookieRows}
</dl><p class="note">The key comes from this request's <code>Cookie</code> header; flags and expiry from the
<code>Set-Cookie</code> the server last sent for that key (browsers never send them back). It is HttpOnly, so
page scripts cannot read it: this panel is rendered by the server.</p></aside>`;
}

function messageList(messages: readonly FlashMessage[] = []): string {
  if (messages.length === 0) return '';
  const items = messages.map((m) => `<li class="${escapeHtml(m.tags)}">${escapeHtml(m.message)}</li>`);
  return `<ul class="messages" id="messages">${items.join('')}</ul>`;
}

/** The page frame. */
export function page(title: string, body: string, frame: Frame): string {
  const nav = frame.memberName
    ? `Logged in as <strong id="member">${escapeHtml(frame.memberName)}</strong>
       <form method="post" action="/logout" class="inline"><button id="logout">Log out</button></form>`
    : '<a href="/login" id="login-link">Log in</a>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · sessionkit demo</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:1.5rem auto;padding:0 1rem;color:#222}
nav{display:flex;gap:1rem;align-items:center;border-bottom:1px solid #ddd;padding-bottom:.5rem}
.inline{display:inline}.error{color:#b00020}pre{background:#f6f6f6;padding:1rem;overflow:auto}
label{display:block;margin:.5rem 0}table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{border-bottom:1px solid #e4e4e4;padding:.35rem .5rem;text-align:left;vertical-align:top}
.messages{list-style:none;padding:0}.messages li{padding:.5rem .8rem;margin:.3rem 0;border-radius:4px;background:#e8f0fe}
.messages .success{background:#e6f4ea}.messages .warning{background:#fef7e0}
.explain{margin-top:2rem;padding:.5rem 1rem;background:#fafafa;border:1px solid #e4e4e4;border-radius:4px;font-size:.9rem}
.explain h2,.login h2{font-size:1rem;margin:.3rem 0}.explain dl{display:grid;grid-template-columns:9rem 1fr;margin:0}
.explain dd{margin:0}.note{color:#666;font-size:.85rem}.login{padding:.5rem 1rem;background:#f3f8ff;border-radius:4px}
.ua{color:#555;font-size:.8rem}.here{font-weight:600;color:#1a7f37}</style></head>
<body><nav><a href="/">Home</a><a href="/session">Session</a><a href="/sessions">Your sessions</a>
<a href="/members">Members only</a><span style="margin-left:auto">${nav}</span></nav>
${messageList(frame.messages)}
<h1>${escapeHtml(title)}</h1>
${body}
${explainPanel(frame)}
</body></html>`;
}

/** What the demo notes in the session when a member logs in (shown on the home and session pages). */
export interface LoginNote {
  /** The shortened key before and after login (`null` after: the key the response brings). */
  keyBefore: string | null;
  keyAfter: string | null;
  /** The demo's keys in the session after login: all from before it (`cycleKey` keeps the data), unless flushed. */
  keptKeys: string[];
  /** Whether another member was logged in: then the session was flushed, nothing kept. */
  switched: boolean;
  /** The page counter at login, still counting after it. */
  visits: number;
}

/** "What changed at login": a new key, the same data. */
export function loginPanel(note: LoginNote | undefined, currentKey: string | null): string {
  if (!note) return '';
  const after = note.keyAfter ?? shortKey(currentKey) ?? '(none)';
  const how = note.switched
    ? `by <code>flush()</code>: another member was logged in, so nothing of that session is kept (Django's
<code>login()</code> does the same)`
    : `by <code>cycleKey()</code> (Django's <code>cycle_key</code>): a key planted in your browser before you
logged in is useless after it (session fixation)`;
  const counter = note.keptKeys.includes('visits')
    ? ` — the page counter was <strong id="visits-at-login">${note.visits}</strong> at login and kept counting`
    : '';
  const kept = `<span id="kept">${note.keptKeys.length ? note.keptKeys.map(escapeHtml).join(', ') : 'nothing'}</span>${counter}`;
  return `<section class="login" id="login-change"><h2>What changed at login</h2>
<p>Session key: <code id="key-before">${escapeHtml(note.keyBefore ?? '(none)')}</code> →
<code id="key-after">${escapeHtml(after)}</code>, ${how}.</p>
<p>Data kept: ${kept}.</p></section>`;
}

/** The login form, with an optional error message. */
export function loginForm(error?: string, next = '/'): string {
  return `${error ? `<p class="error" id="error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/login">
  <input type="hidden" name="next" value="${escapeHtml(next)}">
  <label>Username <input name="username" id="username" autocomplete="username" required></label>
  <label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
  <label><input type="checkbox" name="remember" id="remember" value="1"> Remember me for 30 days</label>
  <button id="submit">Log in</button>
</form>
<p>Demo members: <code>alice</code> / <code>wonderland</code>, <code>bob</code> / <code>builder</code>.</p>`;
}

/** The "your sessions" list: this browser marked, every other one with an "end" button. */
export function sessionsTable(sessions: readonly UserSessionInfo[]): string {
  const rows = sessions.map(
    (s) => `<tr class="${s.current ? 'current' : 'other'}">
<td>${s.current ? '<span class="here">This browser</span>' : 'Another browser'}<br><span class="ua">${escapeHtml(s.userAgent ?? 'user agent not recorded')}</span></td>
<td>${escapeHtml(s.ip ?? '—')}</td><td>${when(s.createdAt)}</td><td>${when(s.lastSeenAt)}</td><td>${when(s.expiresAt)}</td>
<td>${
      s.current
        ? ''
        : `<form method="post" action="/sessions/end"><input type="hidden" name="handle" value="${escapeHtml(s.handle)}"><button class="end">End</button></form>`
    }</td></tr>`,
  );
  const others = sessions.some((s) => !s.current);
  return `<p>Every browser where you are logged in. Ending one deletes its session from the store: that browser is
logged out at its next request.</p>
<table id="sessions"><thead><tr><th>Browser</th><th>IP</th><th>Logged in</th><th>Last seen</th><th>Expires in the store</th><th></th></tr></thead>
<tbody>${rows.join('')}</tbody></table>
${
  others
    ? '<form method="post" action="/sessions/end-others"><p><button id="end-others">Log out everywhere else</button></p></form>'
    : '<p id="only-one">No other sessions.</p>'
}`;
}
