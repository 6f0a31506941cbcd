import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import { MAX_COOKIE_AGE, resolveSettings, weakSecretReason } from '../../src/core/settings.js';
import { createRecordingLogger, SECRET } from '../helpers.js';

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

describe('resolveSettings ranges (issue 17 defect 5)', () => {
  it('takes cookieAge from 0 (expire at once, as Django tests use) to ten years, and nothing else', () => {
    expect(resolveSettings({ secretKey: SECRET, cookieAge: 0 }).cookieAge).toBe(0);
    expect(resolveSettings({ secretKey: SECRET, cookieAge: MAX_COOKIE_AGE }).cookieAge).toBe(315_360_000);
    for (const cookieAge of [-1, -5, 1e13, MAX_COOKIE_AGE + 1, Number.NaN, Number.POSITIVE_INFINITY, 1.5]) {
      expect(() => resolveSettings({ secretKey: SECRET, cookieAge }), String(cookieAge)).toThrow(
        /cookieAge must be a whole number of seconds from 0 to 315360000/,
      );
    }
    expect(() => resolveSettings({ secretKey: SECRET, cookieAge: '60' as never })).toThrow(ConfigError);
  });

  it('saves and reloads a session with the longest cookieAge in SQLite', async () => {
    const sessions = createSessionManager({
      secretKey: SECRET,
      store: 'sqlite::memory:',
      cookieAge: MAX_COOKIE_AGE,
    });
    const s = sessions.open();
    await s.set('n', 1);
    await s.save();
    expect(await sessions.open(s.sessionKey!).get('n')).toBe(1);
  });

  it('checks maxDataDepth and maxDataBytes', () => {
    const s = resolveSettings({ secretKey: SECRET });
    expect([s.maxDataDepth, s.maxDataBytes]).toEqual([1000, 1024 * 1024]);
    expect(resolveSettings({ secretKey: SECRET, maxDataDepth: 1500, maxDataBytes: 1 }).maxDataDepth).toBe(
      1500,
    );
    for (const maxDataDepth of [0, 1501, 2.5, -1]) {
      expect(() => resolveSettings({ secretKey: SECRET, maxDataDepth })).toThrow(/maxDataDepth/);
    }
    for (const maxDataBytes of [0, 2 ** 28 + 1, Number.NaN]) {
      expect(() => resolveSettings({ secretKey: SECRET, maxDataBytes })).toThrow(/maxDataBytes/);
    }
  });

  it("warns, as Django's deployment check does, about weak keys it accepts", () => {
    const warnings = (secretKey: string, fallbacks: string[] = []) => {
      const logger = createRecordingLogger();
      resolveSettings({ secretKey, secretKeyFallbacks: fallbacks, logger });
      return logger.records.map((r) => r.message);
    };
    expect(warnings(SECRET)).toEqual([]);
    expect(warnings('a'.repeat(32))[0]).toMatch(/secretKey has 32 characters.*security\.W009/);
    expect(warnings('ab'.repeat(30))[0]).toMatch(/only 2 distinct characters/);
    expect(warnings(`django-insecure-${SECRET}`)[0]).toMatch(/starts with 'django-insecure-'/);
    expect(warnings(SECRET, ['x'.repeat(50)])[0]).toMatch(/secretKeyFallbacks\[0\] has only 1 distinct/);
    expect(weakSecretReason('x'.repeat(50))).toBe('has only 1 distinct characters');
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
