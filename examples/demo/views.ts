/**
 * Server-rendered HTML of the demo site.
 */

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

/** The page frame. */
export function page(title: string, body: string, memberName?: string | null): string {
  const nav = memberName
    ? `Logged in as <strong id="member">${escapeHtml(memberName)}</strong>
       <form method="post" action="/logout" class="inline"><button id="logout">Log out</button></form>`
    : '<a href="/login" id="login-link">Log in</a>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · sessionkit demo</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}
nav{display:flex;gap:1rem;align-items:center;border-bottom:1px solid #ddd;padding-bottom:.5rem}
.inline{display:inline}.error{color:#b00020}pre{background:#f6f6f6;padding:1rem;overflow:auto}
label{display:block;margin:.5rem 0}</style></head>
<body><nav><a href="/">Home</a><a href="/session">Session</a><a href="/members">Members only</a>
<span style="margin-left:auto">${nav}</span></nav>
<h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
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
