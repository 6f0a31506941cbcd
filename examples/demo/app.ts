/**
 * The demo site: an Express app using `sessionkit/express` — login against a member table with the
 * test-cookie check, session-key cycling on login, "remember me" expiry, logout with flush, a page
 * counter and a page that shows the session.
 */
import express, { type Request } from 'express';
import type { AnyStore } from 'sessionkit';
import { getSession, session } from 'sessionkit/express';
import { openMembers } from './members.js';
import { escapeHtml, loginForm, page } from './views.js';

/** What the demo keeps in a session. */
export type DemoSession = {
  visits: number;
  memberId: number;
  memberName: string;
};

/** Options of {@link createDemoApp}. */
export interface DemoOptions {
  /** Store URL or instance. @default 'sqlite:./demo-sessions.sqlite3' */
  store?: string | AnyStore;
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

/** Build the demo app; `close()` releases the session store and the member database. */
export function createDemoApp(options: DemoOptions) {
  const members = openMembers(options.membersPath);
  const middleware = session<DemoSession>({
    store: options.store ?? 'sqlite:./demo-sessions.sqlite3',
    secretKey: options.secretKey,
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false, limit: '10kb' }));
  app.use(middleware);

  const sessionOf = (req: Request) => getSession<DemoSession>(req);

  app.get('/', async (req, res) => {
    const s = sessionOf(req);
    const visits = ((await s.get('visits')) ?? 0) + 1;
    await s.set('visits', visits);
    const name = await s.get('memberName');
    res.send(
      page(
        'Welcome',
        `<p id="greeting">${name ? `Hello, ${escapeHtml(name)}!` : 'Hello, visitor.'}</p>
         <p>You have viewed this page <strong id="visits">${visits}</strong> time${visits === 1 ? '' : 's'} in this session.</p>`,
        name,
      ),
    );
  });

  app.get('/login', async (req, res) => {
    const s = sessionOf(req);
    await s.setTestCookie();
    res.send(page('Log in', loginForm(undefined, safeNext(req.query.next)), await s.get('memberName')));
  });

  app.post('/login', async (req, res) => {
    const s = sessionOf(req);
    const next = safeNext(req.body?.next);
    if (!(await s.testCookieWorked())) {
      // The browser did not send back the cookie set by GET /login (Django's test-cookie idiom).
      await s.setTestCookie();
      res.status(400).send(page('Log in', loginForm('Please enable cookies and try again.', next)));
      return;
    }
    const member = members.authenticate(String(req.body?.username ?? ''), String(req.body?.password ?? ''));
    if (!member) {
      res.status(401).send(page('Log in', loginForm('Wrong username or password.', next)));
      return;
    }
    await s.deleteTestCookie();
    await s.cycleKey(); // a new key on login: defence against session fixation
    await s.set('memberId', member.id);
    await s.set('memberName', member.displayName);
    await s.setExpiry(req.body?.remember === '1' ? REMEMBER_ME : 0);
    res.redirect(303, next);
  });

  app.post('/logout', async (req, res) => {
    await sessionOf(req).flush();
    res.redirect(303, '/');
  });

  app.get('/members', async (req, res) => {
    const s = sessionOf(req);
    const memberId = await s.get('memberId');
    const member = memberId === undefined ? null : members.byId(memberId);
    if (!member) {
      res.redirect(302, '/login?next=/members');
      return;
    }
    res.send(
      page(
        'Members only',
        `<p id="secret">Welcome to the members' area, ${escapeHtml(member.displayName)}.</p>`,
        member.displayName,
      ),
    );
  });

  app.get('/session', async (req, res) => {
    const s = sessionOf(req);
    const data = await s.toObject();
    const browserClose = await s.getExpireAtBrowserClose();
    const expiry = browserClose
      ? '<span id="expiry">when the browser closes</span>'
      : `<span id="expiry">${escapeHtml((await s.getExpiryDate()).toISOString())}</span> (in ${await s.getExpiryAge()} s of inactivity)`;
    res.send(
      page(
        'Your session',
        `<p>Key: <code id="key">${s.sessionKey ? `${escapeHtml(s.sessionKey.slice(0, 6))}…` : '(none yet)'}</code></p>
         <p>Expires: ${expiry}</p>
         <pre id="data">${escapeHtml(JSON.stringify(data, null, 2))}</pre>`,
        data.memberName,
      ),
    );
  });

  return {
    app,
    async close() {
      await middleware.manager.close();
      members.close();
    },
  };
}
