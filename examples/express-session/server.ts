/**
 * An express-session app on sessionkit: a view counter, Passport login/logout and flash messages. Only
 * the `session` import differs from the express-session version. Run: npx tsx examples/express-session/server.ts
 * (log in as alice / wonderland).
 */
import flash from 'connect-flash';
import express from 'express';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import session from 'sessionkit/express-session';
import { EXAMPLE_SECRET, listen, runIfMain, type Started } from '../_run.js';

declare module '../../src/express-session/index.js' {
  interface SessionData {
    views: number;
  }
}

const ALICE = { id: 1, name: 'alice' };

const page = (body: string) =>
  `<!doctype html><meta charset="utf-8"><title>express-session on sessionkit</title>${body}`;

export async function start(port = 3000, store = 'sqlite:./example-sessions.sqlite3'): Promise<Started> {
  passport.use(
    new LocalStrategy((username, password, done) =>
      username === 'alice' && password === 'wonderland'
        ? done(null, ALICE)
        : done(null, false, { message: 'Unknown user or wrong password.' }),
    ),
  );
  passport.serializeUser((user, done) => done(null, (user as typeof ALICE).id));
  passport.deserializeUser((id, done) => done(null, id === ALICE.id ? ALICE : false));

  const app = express();
  const sessions = session({ secret: EXAMPLE_SECRET, store, resave: false, saveUninitialized: false });
  app.use(express.urlencoded({ extended: false }));
  app.use(sessions);
  app.use(flash());
  app.use(passport.session());

  app.get('/', (req, res) => {
    req.session.views = (req.session.views ?? 0) + 1;
    const user = req.user as typeof ALICE | undefined;
    const messages = [...req.flash('info'), ...req.flash('error')].map((m) => `<p>${m}</p>`).join('');
    res.send(
      page(
        `${messages}<p>views: ${req.session.views}</p>` +
          (user
            ? `<p>signed in as ${user.name}</p><form method="post" action="/logout"><button>Sign out</button></form>`
            : '<form method="post" action="/login"><input name="username"><input name="password" type="password"><button>Sign in</button></form>'),
      ),
    );
  });
  app.post(
    '/login',
    passport.authenticate('local', { successRedirect: '/', failureRedirect: '/', failureFlash: true }),
  );
  app.post('/logout', (req, res, next) => {
    req.logout((error) => {
      if (error) return next(error);
      req.flash('info', 'Signed out.');
      res.redirect('/');
    });
  });
  return listen(app.listen(port, '127.0.0.1'), port, () => sessions.manager.close());
}

runIfMain(import.meta.url, start);
