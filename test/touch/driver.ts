/**
 * Touch-only rolling on one store, through the framework-neutral HTTP runtime: a session read more
 * often than its interval, for longer than its age, stays alive; the store sees at most one write per
 * interval and never a rewrite of the data; the cookie's expiry moves; a touch after a logout does not
 * bring the session back. A store's test file calls {@link describeTouch} once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { createSessionManager } from '../../src/core/manager.js';
import { createSessionRuntime, type SessionRuntime } from '../../src/http/options.js';
import { httpDate } from '../../src/http/set-cookie.js';
import type { SessionRecord, SessionStore, TouchRecord } from '../../src/stores/types.js';
import { createClock, SECRET, type TestClock } from '../helpers.js';

/** What a store's test file hands to {@link describeTouch}. */
export interface TouchTarget {
  /** Name in the report. */
  name: string;
  /** Skip (service unavailable locally). */
  skip?: boolean;
  /**
   * Whether the store expires entries on the wall clock (Redis, memcached TTLs): the test then waits
   * for real, with a 3 s cookie age, instead of moving an injected clock.
   */
  realTime?: boolean;
  /** Build the store once for the file. */
  createStore(): SessionStore | Promise<SessionStore>;
  /** Tear it down (drop tables, close connections). @default store.close() */
  destroyStore?(store: SessionStore): Promise<void>;
}

/** Writes the store was asked to make, by kind. */
export interface Writes {
  data: number;
  touches: number;
}

/** `store` with its writes counted: data writes, and touches that extended a session. */
export function counted(store: SessionStore, writes: Writes): SessionStore {
  const data =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      writes.data++;
      return write(...args);
    };
  const wrapped: SessionStore = {
    ...store,
    create: data((record: SessionRecord) => store.create(record)),
    update: data((record: SessionRecord) => store.update(record)),
  };
  if (store.replace) wrapped.replace = data(store.replace.bind(store));
  if (store.touch) {
    const touch = store.touch.bind(store);
    wrapped.touch = async (record: TouchRecord) => {
      const touched = await touch(record);
      if (touched) writes.touches++;
      return touched;
    };
  }
  return wrapped;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The session cookie's value and attributes in a `Set-Cookie` list, if one is set. */
function sessionCookie(setCookie: string[]): { value: string; maxAge: number; expires: string } | null {
  const cookie = setCookie.find((line) => line.startsWith('sessionid=') && !line.includes('Max-Age=0'));
  if (cookie === undefined) return null;
  return {
    value: /^sessionid=([^;]*)/.exec(cookie)?.[1] ?? '',
    maxAge: Number(/Max-Age=(\d+)/.exec(cookie)?.[1]),
    expires: /expires=([^;]*)/.exec(cookie)?.[1] ?? '',
  };
}

/** Run the touch suite on one store. */
export function describeTouch(target: TouchTarget): void {
  const realTime = target.realTime ?? false;
  // A 4 s session touched at most every 2 s on an injected clock; 3 s and 1 s on the wall clock.
  const cookieAge = realTime ? 3 : 4;
  const touchInterval = realTime ? 1 : 2;

  describe.skipIf(target.skip)(`rolling: 'touch' on ${target.name}`, () => {
    let store: SessionStore;
    const writes: Writes = { data: 0, touches: 0 };
    let clock: TestClock;
    let runtime: SessionRuntime;

    beforeAll(async () => {
      store = await target.createStore();
      clock = createClock(Date.now());
      const manager = createSessionManager({
        secretKey: SECRET,
        store: counted(store, writes),
        cookieAge,
        rolling: 'touch',
        touchInterval,
        logger: silentLogger,
        ...(realTime ? {} : { now: clock.now }),
      });
      runtime = createSessionRuntime({ manager });
    });

    afterAll(async () => {
      if (target.destroyStore) await target.destroyStore(store);
      else await store.close?.();
    });

    const now = () => (realTime ? Date.now() : clock.now());
    /** Let time pass: the injected clock moves, or the test waits. */
    const elapse = async (seconds: number) => {
      if (realTime) await pause(seconds * 1000);
      else clock.advance(seconds);
    };

    /** One request that reads `user` from the session (and sets it when `login`). */
    async function request(key: string | null, login = false) {
      const handle = runtime.open(key === null ? null : `sessionid=${key}`);
      if (login) await handle.session.set('user', 'alice');
      const user = await handle.session.get('user');
      const result = await handle.finalize({ status: 200, secureRequest: false });
      return { user, cookie: sessionCookie(result.setCookie), handle };
    }

    async function login(): Promise<string> {
      const { cookie } = await request(null, true);
      expect(cookie).not.toBeNull();
      return cookie!.value;
    }

    /** The stored data string, read from the store itself (not counted). */
    async function storedData(key: string): Promise<string | null> {
      return (await store.load(key, new Date(now())))?.data ?? null;
    }

    it('keeps a session read more often than its age alive, for longer than its age', async () => {
      const key = await login();
      const started = now();
      let requests = 0;
      // Reads every half interval for twice the cookie age and more.
      while (now() - started < (2 * cookieAge + 1) * 1000) {
        await elapse(touchInterval / 2);
        const { user } = await request(key);
        expect(user).toBe('alice');
        requests++;
      }
      expect(requests).toBeGreaterThan(2 * cookieAge);
    });

    it('writes at most once per interval and never rewrites the data', async () => {
      const key = await login();
      const data = await storedData(key);
      expect(data).not.toBeNull();
      writes.data = 0;
      writes.touches = 0;
      const started = now();
      for (let i = 0; i < 4 * cookieAge; i++) {
        await elapse(touchInterval / 4);
        expect((await request(key)).user).toBe('alice');
      }
      const elapsed = (now() - started) / 1000;
      expect(writes.data).toBe(0);
      expect(writes.touches).toBeGreaterThanOrEqual(1);
      expect(writes.touches).toBeLessThanOrEqual(Math.floor(elapsed / touchInterval) + 1);
      expect(await storedData(key)).toBe(data);
    });

    it('sends the cookie again with the moved expiry when it touches, and not in between', async () => {
      const key = await login();
      await elapse(touchInterval + 0.5);
      const touchedAt = now();
      const touched = await request(key);
      expect(touched.cookie).not.toBeNull();
      expect(touched.cookie!.value).toBe(key);
      expect(touched.cookie!.maxAge).toBe(cookieAge);
      if (!realTime) expect(touched.cookie!.expires).toBe(httpDate(touchedAt + cookieAge * 1000));
      // Right after a touch the next one is not due: no write, no cookie.
      const next = await request(key);
      expect(next.user).toBe('alice');
      expect(next.cookie).toBeNull();
    });

    it('does not bring a session back when the touch comes after a logout', async () => {
      const key = await login();
      await elapse(touchInterval + 0.5);
      // A request reads the session; a logout deletes it before that request's touch.
      const reader = runtime.open(`sessionid=${key}`);
      expect(await reader.session.get('user')).toBe('alice');
      const logout = runtime.open(`sessionid=${key}`);
      await logout.session.flush();
      await logout.finalize({ status: 200, secureRequest: false });
      expect(reader.decide({ status: 200, secureRequest: false }).save).toBe(true);
      const result = await reader.finalize({ status: 200, secureRequest: false });
      expect(sessionCookie(result.setCookie)).toBeNull();
      expect(await storedData(key)).toBeNull();
      expect(await store.exists(key)).toBe(false);
    });
  });
}
