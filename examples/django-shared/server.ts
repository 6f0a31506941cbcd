/**
 * The Node half of the shared-session example: a plain `node:http` site on :3000 that shares the Django
 * site's sessions (same `django_session` table, same cookie) and honours its logins. See README.md.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { authenticateDjangoSession, type DjangoSettings, fromDjangoSettings } from 'sessionkit/django';
import { session } from 'sessionkit/node';

const here = fileURLToPath(new URL('.', import.meta.url));
const python = process.env.PYTHON ?? '/usr/bin/python3';
const port = Number(process.env.PORT ?? 3000);

// One source of truth: ask Django for the settings sessions depend on (secret, cookie, engine, database).
const dump =
  'import json; from django.conf import settings as s; ' +
  "print(json.dumps({k: getattr(s, k) for k in dir(s) if k.startswith(('SECRET_KEY', 'SESSION_', 'DATABASES'))}, default=str))";
const django = JSON.parse(
  execFileSync(python, ['manage.py', 'shell', '-c', dump], { cwd: here, encoding: 'utf8' }),
) as DjangoSettings;

// Read-only access to Django's users, for the login check (auth_user.password is what the hash covers).
const users = new Database(django.DATABASES?.default?.NAME ?? '', { readonly: true, fileMustExist: true });
const byId = users.prepare<[string], { username: string; password: string }>(
  'SELECT username, password FROM auth_user WHERE id = ? AND is_active',
);

const withSession = session(fromDjangoSettings(django));

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

createServer(
  withSession(async (req, res) => {
    if (req.method === 'POST' && req.url === '/logout') {
      await req.session.flush(); // Django's logout(): the Django site is logged out too
      res.writeHead(303, { Location: '/' }).end();
      return;
    }
    // Django's get_user(): the login counts only while the password hash still matches.
    const user = await authenticateDjangoSession(req.session, {
      getPasswordHash: (id) => byId.get(id)?.password,
    });
    const visits = (((await req.session.get('node_visits')) as number | undefined) ?? 0) + 1;
    await req.session.set('node_visits', visits);
    const djangoVisits = ((await req.session.get('django_visits')) as number | undefined) ?? 0;
    const host = escapeHtml((req.headers.host ?? 'localhost').split(':')[0] ?? 'localhost');
    const who = user
      ? `Logged in on the Django site as <b>${escapeHtml(byId.get(user.userId)?.username ?? '?')}</b> (user ${escapeHtml(user.userId)}).
         <form method="post" action="/logout"><button>Log out (from both sites)</button></form>`
      : 'Not logged in. Log in on the Django site.';
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><title>Node</title><h1>Node site (sessionkit)</h1><p>${who}</p>
<p>Visits counted by Node: ${visits}. Visits counted by Django: ${djangoVisits}.</p>
<p><a href="http://${host}:8000/">Go to the Django site</a></p>`);
  }),
).listen(port, () => console.log(`Node site on http://localhost:${port}/ (Django on :8000)`));
