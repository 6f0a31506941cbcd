import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CookieTooLarge } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import { createSignedCookieStore } from '../../src/stores/signed-cookie.js';
import { describeStoreContract } from '../../src/testing/index.js';
import { createClock, SECRET } from '../helpers.js';
import { vitestRunner } from './runner.js';

describeStoreContract(vitestRunner, {
  name: 'signed-cookie',
  kind: 'cookie',
  createStore: () => createSignedCookieStore(),
});

const DJANGO_SECRET = 'x'.repeat(50);
const T = 1_700_000_000_000;
/** Django 6.0.4: signed_cookies SessionStore for {"a": 1} with SECRET_KEY 'x'*50 at t=1700000000 (spec §4.5). */
const DJANGO_COOKIE = 'eyJhIjoxfQ:1r31eq:yBGji9xOROemxjDs0jaKYAI7l3mvZmnueD_Itpj5iRw';

function manager(now: () => number, extra: Record<string, unknown> = {}) {
  return createSessionManager({ secretKey: DJANGO_SECRET, store: createSignedCookieStore(), now, ...extra });
}

describe('createSignedCookieStore', () => {
  it("writes exactly Django's signed cookie", async () => {
    const s = manager(() => T).open();
    await s.set('a', 1);
    await s.save();
    expect(s.sessionKey).toBe(DJANGO_COOKIE);
  });

  it("reads Django's cookie, up to and including cookieAge seconds old", async () => {
    const clock = createClock(T + 1_209_600_000);
    expect(await manager(clock.now).open(DJANGO_COOKIE).get('a')).toBe(1);
    clock.advance(1);
    const expired = manager(clock.now).open(DJANGO_COOKIE);
    expect(await expired.get('a')).toBeUndefined();
    expect(expired.modified).toBe(true);
  });

  it('resets a tampered cookie to an empty, modified session without throwing', async () => {
    const s = manager(() => T).open(DJANGO_COOKIE.replace('yBG', 'yBH'));
    expect(await s.items()).toEqual([]);
    expect(s.modified).toBe(true);
  });

  it('accepts a cookie signed with a fallback key and re-signs with the current one', async () => {
    const rotated = createSessionManager({
      secretKey: SECRET,
      secretKeyFallbacks: [DJANGO_SECRET],
      store: createSignedCookieStore(),
      now: () => T,
    });
    const s = rotated.open(DJANGO_COOKIE);
    expect(await s.get('a')).toBe(1);
    await s.save();
    expect(s.sessionKey).not.toBe(DJANGO_COOKIE);
    expect(
      await manager(() => T, { secretKey: SECRET })
        .open(s.sessionKey)
        .get('a'),
    ).toBe(1);
  });

  it('does not enforce a custom expiry on load (Django ticket #19201)', async () => {
    const clock = createClock(T);
    const s = manager(clock.now).open();
    await s.set('a', 1);
    await s.setExpiry(10);
    await s.save();
    clock.advance(60);
    expect(await manager(clock.now).open(s.sessionKey).get('a')).toBe(1);
  });

  it('refuses to save a cookie browsers would drop, stating the size and the fix', async () => {
    const s = manager(() => T).open();
    await s.set('blob', randomBytes(4000).toString('base64'));
    const error = await s.save().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CookieTooLarge);
    expect((error as CookieTooLarge).size).toBeGreaterThan(4096);
    expect((error as CookieTooLarge).message).toMatch(/server-side store/);
  });

  it('compresses large repetitive data to stay under the limit', async () => {
    const s = manager(() => T).open();
    await s.set('text', 'y'.repeat(10_000));
    await s.save();
    expect(s.sessionKey!.startsWith('.')).toBe(true);
    expect(
      await manager(() => T)
        .open(s.sessionKey)
        .get('text'),
    ).toBe('y'.repeat(10_000));
  });

  it('destroy empties the session and drops the key', async () => {
    const s = manager(() => T).open(DJANGO_COOKIE);
    await s.destroy();
    expect(s.sessionKey).toBeNull();
    expect(await s.items()).toEqual([]);
    expect(s.modified).toBe(true);
  });

  it('cycleKey re-signs the same data', async () => {
    const clock = createClock(T);
    const s = manager(clock.now).open(DJANGO_COOKIE);
    clock.advance(5);
    await s.cycleKey();
    expect(s.sessionKey).not.toBe(DJANGO_COOKIE);
    expect(await manager(clock.now).open(s.sessionKey).get('a')).toBe(1);
  });
});
