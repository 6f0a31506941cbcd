import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import { type DjangoSettings, fromDjangoSettings } from '../../src/django/index.js';
import { SECRET } from '../helpers.js';
import { type DjangoEnv, django, djangoProblem, mustSkip, OLD_SECRET } from './harness.js';

const skip = mustSkip('Django settings interop test', await djangoProblem());

const BASE: DjangoSettings = { SECRET_KEY: SECRET };
const db = (ENGINE: string, extra: Partial<NonNullable<DjangoSettings['DATABASES']>['default']> = {}) => ({
  DATABASES: { default: { ENGINE, NAME: 'app', ...extra } },
});

describe('fromDjangoSettings', () => {
  it("maps Django's session settings to sessionkit's", () => {
    const options = fromDjangoSettings({
      ...BASE,
      SECRET_KEY_FALLBACKS: [OLD_SECRET],
      SESSION_COOKIE_NAME: 'sid',
      SESSION_COOKIE_AGE: 600,
      SESSION_COOKIE_DOMAIN: '.example.com',
      SESSION_COOKIE_SECURE: true,
      SESSION_COOKIE_PATH: '/app/',
      SESSION_COOKIE_HTTPONLY: false,
      SESSION_COOKIE_SAMESITE: 'Strict',
      SESSION_SAVE_EVERY_REQUEST: true,
      SESSION_EXPIRE_AT_BROWSER_CLOSE: true,
      ...db('django.db.backends.sqlite3', { NAME: '/srv/app/db.sqlite3' }),
    });
    expect(options).toMatchObject({
      secretKey: SECRET,
      secretKeyFallbacks: [OLD_SECRET],
      cookieName: 'sid',
      cookieAge: 600,
      cookieDomain: '.example.com',
      cookieSecure: true,
      cookiePath: '/app/',
      cookieHttpOnly: false,
      cookieSameSite: 'Strict',
      saveEveryRequest: true,
      expireAtBrowserClose: true,
      store: 'sqlite:/srv/app/db.sqlite3',
    });
  });

  it('builds the store URL of the database, the file directory or signed cookies', () => {
    const pg = db('django.db.backends.postgresql', {
      USER: 'app',
      PASSWORD: 'p@ss:word',
      HOST: 'db',
      PORT: '5433',
    });
    expect(fromDjangoSettings({ ...BASE, ...pg }).store).toBe('postgres://app:p%40ss%3Aword@db:5433/app');
    const cachedDb = { SESSION_ENGINE: 'django.contrib.sessions.backends.cached_db' };
    expect(
      fromDjangoSettings({ ...BASE, ...cachedDb, ...db('django.db.backends.mysql', { HOST: '10.0.0.5' }) })
        .store,
    ).toBe('mysql://10.0.0.5/app');
    const file = {
      SESSION_ENGINE: 'django.contrib.sessions.backends.file',
      SESSION_FILE_PATH: '/var/sessions',
    };
    expect(fromDjangoSettings({ ...BASE, ...file }).store).toBe('file:/var/sessions');
    const cookies = { SESSION_ENGINE: 'django.contrib.sessions.backends.signed_cookies' };
    expect(fromDjangoSettings({ ...BASE, ...cookies }).store).toBe('signed-cookie:');
    expect(fromDjangoSettings({ ...BASE, ...cookies, SESSION_COOKIE_SAMESITE: false }).cookieSameSite).toBe(
      false,
    );
  });

  it("refuses Django's cache engine and non-JSON serializers, which Node cannot share", () => {
    const cache = { ...BASE, SESSION_ENGINE: 'django.contrib.sessions.backends.cache' };
    expect(() => fromDjangoSettings(cache)).toThrow(/pickled.*cached_db/s);
    const pickle = { ...BASE, SESSION_SERIALIZER: 'django.contrib.sessions.serializers.PickleSerializer' };
    expect(() => fromDjangoSettings(pickle)).toThrow(ConfigError);
    expect(() => fromDjangoSettings({ ...BASE, ...db('django.db.backends.oracle') })).toThrow(/pass a store/);
  });

  it('lets explicit options win', () => {
    const cache = { ...BASE, SESSION_ENGINE: 'django.contrib.sessions.backends.cache' };
    expect(fromDjangoSettings(cache, { store: 'redis://127.0.0.1:6379', cookieName: 'x' })).toMatchObject({
      store: 'redis://127.0.0.1:6379',
      cookieName: 'x',
    });
  });
});

describe.skipIf(skip)('fromDjangoSettings with the settings of a running Django', () => {
  it('gives a manager that shares sessions with that Django', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'sessionkit-django-settings-'));
    const env: DjangoEnv = {
      secretKey: SECRET,
      db: { engine: 'sqlite3', name: join(directory, 'site.sqlite3') },
      cookieName: 'djsid',
      cookieAge: 7200,
    };
    const [, dumped] = await django(env, [{ op: 'migrate' }, { op: 'settings' }]);
    const sessions = createSessionManager(fromDjangoSettings(dumped.settings as unknown as DjangoSettings));
    try {
      expect(sessions.settings).toMatchObject({
        cookieName: 'djsid',
        cookieAge: 7200,
        cookieSameSite: 'Lax',
      });
      const session = sessions.open();
      await session.set('hello', 'Django');
      await session.save();
      const [loaded] = await django(env, [{ op: 'load', key: session.sessionKey }]);
      expect(loaded.data).toEqual({ hello: 'Django' });
    } finally {
      await sessions.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
