import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/core/manager.js';
import { createSignedCookieStore } from '../../src/stores/signed-cookie.js';
import { createClock, SECRET } from '../helpers.js';
import { type DjangoEnv, django, djangoProblem, mustSkip, RICH_DATA, wholeSecondNow } from './harness.js';

const skip = mustSkip('Django interop tests for signed cookies', await djangoProblem());

const COOKIE_AGE = 3600;
const env: DjangoEnv = { secretKey: SECRET, engine: 'signed_cookies', cookieAge: COOKIE_AGE };

function manager(now = wholeSecondNow()) {
  const clock = createClock(now);
  return createSessionManager({
    secretKey: SECRET,
    store: createSignedCookieStore(),
    cookieAge: COOKIE_AGE,
    now: clock.now,
  });
}

/** A session payload that compresses well but still fits in a 4 KB cookie. */
const COMPRESSIBLE = { items: Array.from({ length: 120 }, (_, i) => `line ${i % 7} — déjà vu`) };

describe.skipIf(skip)("Django's signed_cookies backend ⇄ createSignedCookieStore", () => {
  it("accepts a cookie made by Django's signed_cookies backend", async () => {
    const [made] = await django(env, [{ op: 'create', data: RICH_DATA }]);
    const session = manager().open(made.key);
    expect(await session.toObject()).toEqual(RICH_DATA);
    expect(session.modified).toBe(false);
  });

  it('gives Django a cookie it accepts', async () => {
    const session = manager().open();
    await session.update(RICH_DATA);
    await session.save();
    const [loaded] = await django(env, [{ op: 'load', key: session.sessionKey }]);
    expect(loaded.data).toEqual(RICH_DATA);
    expect(loaded.modified).toBe(false);
  });

  it('exchanges compressed cookies in both directions', async () => {
    const [made] = await django(env, [{ op: 'create', data: COMPRESSIBLE }]);
    expect(made.key?.startsWith('.')).toBe(true);
    const session = manager().open(made.key);
    expect(await session.toObject()).toEqual(COMPRESSIBLE);
    await session.set('by', 'sessionkit');
    await session.save();
    expect(session.sessionKey?.startsWith('.')).toBe(true);
    const [loaded] = await django(env, [{ op: 'load', key: session.sessionKey }]);
    expect(loaded.data).toEqual({ ...COMPRESSIBLE, by: 'sessionkit' });
  });

  it('both accept a cookie exactly SESSION_COOKIE_AGE seconds old and refuse it one second later', async () => {
    const signedAt = wholeSecondNow(-2 * COOKIE_AGE) / 1000;
    const [made, djangoAtLimit, djangoTooOld] = await django(env, [
      { op: 'create', data: { a: 1 }, now: signedAt },
      { op: 'load', key: '$0', now: signedAt + COOKIE_AGE },
      { op: 'load', key: '$0', now: signedAt + COOKIE_AGE + 1 },
    ]);
    expect(djangoAtLimit.data).toEqual({ a: 1 });
    expect(djangoTooOld).toMatchObject({ data: {}, modified: true });
    expect(
      await manager((signedAt + COOKIE_AGE) * 1000)
        .open(made.key)
        .get('a'),
    ).toBe(1);
    const expired = manager((signedAt + COOKIE_AGE + 1) * 1000).open(made.key);
    expect(await expired.get('a')).toBeUndefined();
    expect(expired.modified).toBe(true);
  });

  it('each side refuses an expired cookie made by the other', async () => {
    const session = manager(wholeSecondNow(-COOKIE_AGE - 60)).open();
    await session.set('stale', true);
    await session.save();
    const [djangoView, made] = await django(env, [
      { op: 'load', key: session.sessionKey },
      { op: 'create', data: { stale: true }, now: wholeSecondNow(-COOKIE_AGE - 60) / 1000 },
    ]);
    expect(djangoView).toMatchObject({ data: {}, modified: true });
    const fromDjango = manager().open(made.key);
    expect(await fromDjango.toObject()).toEqual({});
    expect(fromDjango.modified).toBe(true);
  });

  it('neither side enforces a custom expiry when loading a cookie (Django ticket #19201)', async () => {
    const session = manager().open();
    await session.set('x', 1);
    await session.setExpiry(-60);
    await session.save();
    const [loaded] = await django(env, [{ op: 'load', key: session.sessionKey }]);
    expect(loaded.data).toEqual({ x: 1, _session_expiry: -60 });
    expect(await manager().open(session.sessionKey).get('x')).toBe(1);
  });
});
