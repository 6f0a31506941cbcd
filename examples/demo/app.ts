/**
 * The demo site: an Express app using `sessionkit/express` — login against a member table with the
 * test-cookie check, session-key cycling on login, "remember me" expiry, logout with flush, flash
 * messages, a page counter, a page that shows the session and a "your sessions" page (list, end one,
 * log out everywhere else). Every page explains itself: the store, the cookie, what login changed.
 *
 * Every change of state is a POST. The session cookie's SameSite=Lax keeps other sites' forms from
 * posting with it; a real site adds a CSRF token on top (Django's CsrfViewMiddleware).
 */
import express, { type Request, type Response } from 'express';
import type { AnyStore, Session } from 'sessionkit';
import { getSession, session } from 'sessionkit/express';
import { info, messages, success } from 'sessionkit/messages';
import { recordClient } from 'sessionkit/user-sessions';
import { createCookieRecorder, maskStoreUrl, shortKey } from './explain.js';
import { openMembers } from './members.js';
import { escapeHtml, type LoginNote, loginForm, loginPanel, page, sessionsTable, when } from './views.js';

/** What the demo keeps in a session. */
export type DemoSession = {
  visits: number;
  /** The member's id as text, under Django's `auth.login()` key: what `userSessions` indexes. */
  _auth_user_id: string;
  loginNote: LoginNote;
};

/** Options of {@link createDemoApp}. */
export interface DemoOptions {
  /** Store URL or instance. @default 'sqlite:./demo-sessions.sqlite3' */
  store?: string | AnyStore;
  /** How the pages name a store given as an instance. @default 'a store instance given in code' */
  storeLabel?: string;
  /** Signing secret (≥ 32 characters). */
  secretKey: string;
  /** Member database file. @default ':memory:' */
  membersPath?: string;
}

const REMEMBER_ME = { days: 30 };

/** Only same-site relative paths are followed after login (no open redirect). */
function safeNext(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/';
}

/**
 * The session middleware, with user sessions where the store can list them. The signed-cookie store
 * cannot and memcached has no index: the demo runs without the "your sessions" page there and says why.
 */
function sessionMiddleware(store: string | AnyStore, secretKey: string) {
  try {
    return {
      middleware: session<DemoSession>({ store, secretKey, userSessions: true }),
      noUserSessions: null,
    };
  } catch (error) {
    // Any other configuration error throws again here.
    const middleware = session<DemoSession>({ store, secretKey });
    return { middleware, noUserSessions: error instanceof Error ? error.message : String(error) };
  }
}

/** Build the demo app; `close()` releases the session store and the member database. */
export function createDemoApp(options: DemoOptions) {
  const members = openMembers(options.membersPath);
  const store = options.store ?? 'sqlite:./demo-sessions.sqlite3';
  const storeLabel =
    typeof store === 'string'
      ? maskStoreUrl(store)
      : (options.storeLabel ?? 'a store instance given in code');
  const { middleware, noUserSessions } = sessionMiddleware(store, options.secretKey);
  const manager = middleware.manager;
  const cookies = createCookieRecorder(manager.settings.cookieName);
  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false, limit: '10kb' }));
  app.use(cookies.middleware); // before the session middleware: it reads the Set-Cookie that one adds
  app.use(middleware);

  const sessionOf = (req: Request) => getSession<DemoSession>(req);

  /** The logged-in member of a session, or `null`. */
  async function memberOf(s: Session<DemoSession>) {
    const id = await s.get('_auth_user_id');
    return id === undefined ? null : members.byId(Number(id));
  }

  /** Send a page with the frame every page has: member, flash messages (shown once), store and cookie. */
  async function render(req: Request, res: Response, title: string, body: string, status = 200) {
    const s = sessionOf(req);
    const member = await memberOf(s); // loads the session, so sessionKey is the live key or null
    res.status(status).send(
      page(title, body, {
        memberName: member?.displayName,
        messages: await messages(s),
        store: storeLabel,
        cookie: cookies.report(req),
        liveKey: s.sessionKey,
      }),
    );
  }

  /** The member, or a redirect to the login form (then `null`). */
  async function requireMember(req: Request, res: Response, path: string) {
    const member = await memberOf(sessionOf(req));
    if (!member) res.redirect(302, `/login?next=${encodeURIComponent(path)}`);
    return member;
  }

  app.get('/', async (req, res) => {
    const s = sessionOf(req);
    const visits = ((await s.get('visits')) ?? 0) + 1;
    await s.set('visits', visits);
    const member = await memberOf(s);
    await render(
      req,
      res,
      'Welcome',
      `<p id="greeting">${member ? `Hello, ${escapeHtml(member.displayName)}!` : 'Hello, visitor.'}</p>
       <p>You have viewed this page <strong id="visits">${visits}</strong> time${visits === 1 ? '' : 's'} in this session.</p>
       ${loginPanel(await s.get('loginNote'), s.sessionKey)}`,
    );
  });

  app.get('/login', async (req, res) => {
    await sessionOf(req).setTestCookie();
    await render(req, res, 'Log in', loginForm(undefined, safeNext(req.query.next)));
  });

  app.post('/login', async (req, res) => {
    const s = sessionOf(req);
    const next = safeNext(req.body?.next);
    if (!(await s.testCookieWorked())) {
      // The browser did not send back the cookie set by GET /login (Django's test-cookie idiom).
      await s.setTestCookie();
      await render(req, res, 'Log in', loginForm('Please enable cookies and try again.', next), 400);
      return;
    }
    const member = members.authenticate(String(req.body?.username ?? ''), String(req.body?.password ?? ''));
    if (!member) {
      await render(req, res, 'Log in', loginForm('Wrong username or password.', next), 401);
      return;
    }
    await s.deleteTestCookie();
    const keyBefore = s.sessionKey;
    const previous = await s.get('_auth_user_id');
    // As Django's auth.login(): another member's data must not carry over, so a switch of member
    // flushes; otherwise a new key, same data (against session fixation).
    const switched = previous !== undefined && previous !== String(member.id);
    if (switched) await s.flush();
    else await s.cycleKey();
    await s.set('loginNote', {
      keyBefore: shortKey(keyBefore),
      keyAfter: shortKey(s.sessionKey), // null after a flush: the new key comes with this response
      keptKeys: (await s.keys()).filter((k) => !k.startsWith('_') && k !== 'loginNote'),
      switched,
      visits: (await s.get('visits')) ?? 0,
    });
    await s.set('_auth_user_id', String(member.id));
    await recordClient(s, { userAgent: req.get('user-agent'), ip: req.ip });
    await s.setExpiry(req.body?.remember === '1' ? REMEMBER_ME : 0);
    await success(s, `You are logged in as ${member.displayName}.`);
    res.redirect(303, next);
  });

  app.post('/logout', async (req, res) => {
    const s = sessionOf(req);
    await s.flush();
    await info(s, 'You are logged out.'); // in the new, empty session: shown on the next page
    res.redirect(303, '/');
  });

  app.get('/members', async (req, res) => {
    const member = await requireMember(req, res, '/members');
    if (!member) return;
    await render(
      req,
      res,
      'Members only',
      `<p id="secret">Welcome to the members' area, ${escapeHtml(member.displayName)}.</p>`,
    );
  });

  app.get('/session', async (req, res) => {
    const s = sessionOf(req);
    const data = await s.toObject();
    const expiry = (await s.getExpireAtBrowserClose())
      ? '<span id="expiry">when the browser closes</span>'
      : `<span id="expiry">${escapeHtml(when(await s.getExpiryDate()))}</span> (after ${await s.getExpiryAge()} s without a save)`;
    await render(
      req,
      res,
      'Your session',
      `<p>Key: <code id="key">${escapeHtml(shortKey(s.sessionKey) ?? '(none yet)')}</code></p>
       <p>Expires: ${expiry}</p>
       ${loginPanel(data.loginNote, s.sessionKey)}
       <p>The data in the store (decoded):</p>
       <pre id="data">${escapeHtml(JSON.stringify(data, null, 2))}</pre>`,
    );
  });

  app.get('/sessions', async (req, res) => {
    const member = await requireMember(req, res, '/sessions');
    if (!member) return;
    if (noUserSessions) {
      const reason = `<p id="no-user-sessions">This store cannot list your sessions: ${escapeHtml(noUserSessions)}</p>`;
      await render(req, res, 'Your sessions', reason);
      return;
    }
    const list = await manager.sessionsOf(member.id, sessionOf(req).sessionKey);
    await render(req, res, 'Your sessions', sessionsTable(list));
  });

  app.post('/sessions/end', async (req, res) => {
    const member = await requireMember(req, res, '/sessions');
    if (!member) return;
    // The handle stands for a key without revealing it; endSession accepts only this member's.
    const ended = await manager.endSession(member.id, String(req.body?.handle ?? ''));
    await info(sessionOf(req), ended ? 'That session was ended.' : 'That session had already ended.');
    res.redirect(303, '/sessions');
  });

  app.post('/sessions/end-others', async (req, res) => {
    const member = await requireMember(req, res, '/sessions');
    if (!member) return;
    const s = sessionOf(req);
    const ended = await manager.endSessionsOf(member.id, { except: s.sessionKey });
    await info(s, `Other sessions ended: ${ended}.`);
    res.redirect(303, '/sessions');
  });

  return {
    app,
    async close() {
      await manager.close();
      members.close();
    },
  };
}
