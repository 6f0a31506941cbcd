import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import { resolveSettings } from '../../src/core/settings.js';
import { SECRET } from '../helpers.js';

describe('resolveSettings', () => {
  it("fills in Django's defaults", () => {
    const s = resolveSettings({ secretKey: SECRET });
    expect(s).toMatchObject({
      cookieName: 'sessionid',
      cookieAge: 1209600,
      cookieDomain: null,
      cookieSecure: false,
      cookiePath: '/',
      cookieHttpOnly: true,
      cookieSameSite: 'Lax',
      saveEveryRequest: false,
      expireAtBrowserClose: false,
      keySalt: 'django.contrib.sessions.SessionStore',
      secretKeyFallbacks: [],
    });
  });

  it('refuses a missing or short secret, saying how to fix it', () => {
    expect(() => resolveSettings({} as never)).toThrow(/secretKey is missing/);
    expect(() => resolveSettings({ secretKey: 'short' })).toThrow(/at least 32/);
    expect(() => resolveSettings({ secretKey: SECRET, secretKeyFallbacks: ['old'] })).toThrow(
      /secretKeyFallbacks\[0\]/,
    );
  });

  it('normalises SameSite and refuses unknown values', () => {
    expect(resolveSettings({ secretKey: SECRET, cookieSameSite: 'strict' }).cookieSameSite).toBe('Strict');
    expect(resolveSettings({ secretKey: SECRET, cookieSameSite: false }).cookieSameSite).toBe(false);
    expect(() => resolveSettings({ secretKey: SECRET, cookieSameSite: 'Sometimes' as never })).toThrow(
      ConfigError,
    );
  });

  it('forces Secure with SameSite=None', () => {
    expect(resolveSettings({ secretKey: SECRET, cookieSameSite: 'None' }).cookieSecure).toBe(true);
  });

  it('validates __Secure- and __Host- cookie prefixes', () => {
    expect(() => resolveSettings({ secretKey: SECRET, cookieName: '__Secure-sid' })).toThrow(
      /must be Secure/,
    );
    expect(() =>
      resolveSettings({
        secretKey: SECRET,
        cookieName: '__Host-sid',
        cookieSecure: true,
        cookiePath: '/app',
      }),
    ).toThrow(/Path=\//);
    expect(
      resolveSettings({ secretKey: SECRET, cookieName: '__Host-sid', cookieSecure: true }).cookieName,
    ).toBe('__Host-sid');
  });

  it('refuses invalid cookie names and ages', () => {
    expect(() => resolveSettings({ secretKey: SECRET, cookieName: 'bad name' })).toThrow(
      /not a valid cookie name/,
    );
    expect(() => resolveSettings({ secretKey: SECRET, cookieAge: 1.5 })).toThrow(/whole number/);
  });
});

describe('createSessionManager', () => {
  it('refuses an unknown store URL at construction, listing the known ones', () => {
    expect(() => createSessionManager({ secretKey: SECRET, store: 'nosql://x' })).toThrow(
      /Unknown store URL/,
    );
    expect(() => createSessionManager({ secretKey: SECRET, store: 'nosql://x' })).toThrow(/sqlite:/);
  });

  it("reports a store without clearExpired like Django's clearsessions", async () => {
    const sessions = createSessionManager({
      secretKey: SECRET,
      store: {
        kind: 'server',
        name: 'custom',
        load: async () => null,
        exists: async () => false,
        create: async () => true,
        update: async () => true,
        delete: async () => {},
      },
    });
    await expect(sessions.clearExpired()).rejects.toThrow(/doesn't support clearing expired sessions/);
  });
});
