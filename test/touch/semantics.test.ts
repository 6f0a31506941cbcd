/**
 * What a touch means for each kind of session (browser-close, custom relative or absolute expiry), for
 * stores without `touch` and for signed cookies, and the settings' validation. Memory store, injected clock.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { createSessionManager, type SessionOptions } from '../../src/core/manager.js';
import { resolveSettings } from '../../src/core/settings.js';
import { createSessionRuntime } from '../../src/http/options.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createSignedCookieStore } from '../../src/stores/signed-cookie.js';
import type { SessionStore } from '../../src/stores/types.js';
import { createClock, SECRET } from '../helpers.js';

const OK = { status: 200, secureRequest: false } as const;

/** A runtime on `store` with touch rolling, a 100 s cookie age and a 10 s interval. */
function setup(
  store: SessionStore | ReturnType<typeof createSignedCookieStore>,
  extra: Partial<SessionOptions> = {},
) {
  const clock = createClock(Date.UTC(2026, 0, 1));
  const manager = createSessionManager({
    secretKey: SECRET,
    store,
    cookieAge: 100,
    rolling: 'touch',
    touchInterval: 10,
    logger: silentLogger,
    now: clock.now,
    ...extra,
  } as SessionOptions);
  const runtime = createSessionRuntime({ manager });
  /** One request; `change` runs on the session first. */
  const request = async (
    key: string | null,
    change?: (s: ReturnType<typeof runtime.open>['session']) => Promise<unknown>,
  ) => {
    const handle = runtime.open(key === null ? null : `sessionid=${key}`);
    if (change) await change(handle.session);
    const user = await handle.session.get('user');
    const { setCookie } = await handle.finalize(OK);
    const cookie = setCookie.find((line) => line.startsWith('sessionid='));
    return { user, cookie, key: cookie ? /^sessionid=([^;]*)/.exec(cookie)![1]! : key };
  };
  return { clock, request, runtime };
}

describe("rolling: 'touch' semantics", () => {
  it('extends a browser-close session in the store but sends no cookie (it has no expiry to move)', async () => {
    const memory = createMemoryStore();
    const { clock, request } = setup(memory, { expireAtBrowserClose: true });
    const { key } = await request(null, (s) => s.set('user', 'alice'));
    clock.advance(60);
    const touched = await request(key);
    expect(touched.user).toBe('alice');
    expect(touched.cookie).toBeUndefined();
    clock.advance(60); // 120 s after login, 60 s after the touch: alive only because of it.
    expect((await request(key)).user).toBe('alice');
  });

  it('rolls a custom relative expiry (setExpiry(seconds)) by its own age', async () => {
    const { clock, request } = setup(createMemoryStore());
    const { key } = await request(null, async (s) => {
      await s.set('user', 'alice');
      await s.setExpiry(30);
    });
    clock.advance(20);
    const touched = await request(key);
    expect(touched.cookie).toMatch(/Max-Age=30;/);
    clock.advance(20);
    expect((await request(key)).user).toBe('alice');
  });

  it('never moves an absolute expiry (setExpiry(date))', async () => {
    const memory = createMemoryStore();
    const { clock, request } = setup(memory);
    const { key } = await request(null, async (s) => {
      await s.set('user', 'alice');
      await s.setExpiry(new Date(clock.now() + 50_000));
    });
    clock.advance(40);
    const late = await request(key);
    expect(late.user).toBe('alice');
    expect(late.cookie).toBeUndefined();
    clock.advance(20);
    expect((await request(key)).user).toBeUndefined();
  });

  it('does not touch a session the request never read, nor on a 5xx response', async () => {
    const { clock, request, runtime } = setup(createMemoryStore());
    const { key } = await request(null, (s) => s.set('user', 'alice'));
    clock.advance(60);
    expect(runtime.open(`sessionid=${key}`).decide(OK).save).toBe(false);
    const failed = runtime.open(`sessionid=${key}`);
    expect(await failed.session.get('user')).toBe('alice');
    expect(failed.decide({ status: 500, secureRequest: false }).save).toBe(false);
    const read = runtime.open(`sessionid=${key}`);
    expect(await read.session.get('user')).toBe('alice');
    expect(read.decide(OK).save).toBe(true);
    expect((await read.finalize(OK)).setCookie[0]).toMatch(/Max-Age=100;/);
  });

  it('falls back to a full save on a store without touch, at most once per interval', async () => {
    const memory = createMemoryStore();
    const { touch: _dropped, ...withoutTouch } = memory;
    let updates = 0;
    const store: SessionStore = {
      ...withoutTouch,
      replace(record, expected) {
        updates++;
        return memory.replace!(record, expected);
      },
    };
    const { clock, request } = setup(store);
    const { key } = await request(null, (s) => s.set('user', 'alice'));
    clock.advance(5);
    expect((await request(key)).cookie).toBeUndefined();
    expect(updates).toBe(0);
    clock.advance(10);
    expect((await request(key)).cookie).toMatch(/Max-Age=100;/);
    expect(updates).toBe(1);
    clock.advance(95);
    expect((await request(key)).user).toBe('alice');
  });

  it('signs a signed-cookie session again once the interval passed', async () => {
    const { clock, request } = setup(createSignedCookieStore());
    const first = await request(null, (s) => s.set('user', 'alice'));
    clock.advance(5);
    expect((await request(first.key)).cookie).toBeUndefined();
    clock.advance(10);
    const resigned = await request(first.key);
    expect(resigned.cookie).toMatch(/Max-Age=100;/);
    expect(resigned.key).not.toBe(first.key);
    clock.advance(95); // the first cookie's signature is now 110 s old: only the new one is valid.
    expect((await request(first.key)).user).toBeUndefined();
    expect((await request(resigned.key)).user).toBe('alice');
  });
});

describe('rolling settings', () => {
  it("accepts 'touch' and false, and defaults the interval to min(60, cookieAge / 2)", () => {
    expect(resolveSettings({ secretKey: SECRET }).rolling).toBe(false);
    expect(resolveSettings({ secretKey: SECRET, rolling: 'touch' }).touchInterval).toBe(60);
    expect(resolveSettings({ secretKey: SECRET, rolling: 'touch', cookieAge: 30 }).touchInterval).toBe(15);
  });

  it('rejects other values and an interval not below the cookie age', () => {
    expect(() => resolveSettings({ secretKey: SECRET, rolling: true as never })).toThrow(ConfigError);
    expect(() => resolveSettings({ secretKey: SECRET, cookieAge: 30, touchInterval: 30 })).toThrow(
      /touchInterval/,
    );
    expect(() => resolveSettings({ secretKey: SECRET, touchInterval: -1 })).toThrow(ConfigError);
    expect(() => resolveSettings({ secretKey: SECRET, touchInterval: 1.5 })).toThrow(ConfigError);
  });
});
