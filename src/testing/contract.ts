/**
 * The store contract: Django's `SessionTestsMixin` (spec §7, items 1–65) plus sessionkit's own
 * guarantees, which every built-in store passes. A store test file calls {@link describeStoreContract}
 * once with its test runner's functions (Vitest's, `node:test`'s ...) and a way to build the store.
 * @module
 */
import { CreateError, NotSupported, SessionKeyMissing, UpdateError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { createSessionManager, type SessionManager } from '../core/manager.js';
import type { SessionSettings } from '../core/settings.js';
import { TimestampSigner } from '../signing/signer.js';
import type { AnyStore } from '../stores/types.js';
import { createClock, type TestClock } from './clock.js';
import { expect } from './expect.js';

/** A test body, sync or async. */
export type TestBody = () => void | Promise<void>;

/** A test runner's `it` or `describe`: a call that registers, and `.skip` that registers skipped. */
export interface Registrar<Body> {
  (name: string, body: Body): unknown;
  /** Register the test (or group) as skipped. */
  skip(name: string, body: Body): unknown;
}

/**
 * The functions of your test runner the contract registers its tests with. Vitest and Jest: pass their
 * exports as they are. `node:test`: `{ describe, it, beforeAll: before, afterAll: after, beforeEach, afterEach }`.
 */
export interface TestRunner {
  /** Groups tests. */
  describe: Registrar<() => void>;
  /** Registers one test. */
  it: Registrar<TestBody>;
  /** Runs once before the group's tests (`node:test`: `before`). */
  beforeAll(body: TestBody): unknown;
  /** Runs once after the group's tests (`node:test`: `after`). */
  afterAll(body: TestBody): unknown;
  /** Runs before each test. */
  beforeEach(body: TestBody): unknown;
  /** Runs after each test. */
  afterEach(body: TestBody): unknown;
}

/** A secret only the contract's own managers use. */
const SECRET = 'sessionkit-contract-secret-key-0123456789-abcdefghijkl';

interface RecordingLogger extends Logger {
  records: Array<{ level: 'warn' | 'error'; message: string; details?: Record<string, unknown> }>;
}

function createRecordingLogger(): RecordingLogger {
  const records: RecordingLogger['records'] = [];
  return {
    records,
    warn: (message, details) => records.push({ level: 'warn', message, details }),
    error: (message, details) => records.push({ level: 'error', message, details }),
  };
}

/** What a store test file hands to the contract. */
export interface ContractTarget {
  /** Name shown in the test report. */
  name: string;
  /** `cookie` for the signed-cookie store (server-side behaviours are then skipped). @default 'server' */
  kind?: 'server' | 'cookie';
  /** Build the store (called once per file). */
  createStore(): AnyStore | Promise<AnyStore>;
  /** Tear the store down after the suite (close connections, drop tables ...). */
  destroyStore?(store: AnyStore): Promise<void>;
  /** Extra settings (e.g. a file store's cookie name). */
  settings?: Partial<SessionSettings>;
  /** Skip the whole suite (service unavailable locally). */
  skip?: boolean;
}

/**
 * Register the store contract's tests for `target` with `runner`.
 * @example
 * import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest';
 * import { describeStoreContract } from 'sessionkit/testing';
 * describeStoreContract(
 *   { describe, it, beforeAll, afterAll, beforeEach, afterEach },
 *   { name: 'my store', createStore: () => createMyStore() },
 * );
 */
export function describeStoreContract(runner: TestRunner, target: ContractTarget): void {
  const { describe, it, beforeAll, afterAll, beforeEach, afterEach } = runner;
  const skipIf =
    <Body>(registrar: Registrar<Body>, skip: boolean) =>
    (name: string, body: Body): unknown =>
      skip ? registrar.skip(name, body) : registrar(name, body);
  skipIf(describe, target.skip ?? false)(`store contract: ${target.name}`, () => {
    let store: AnyStore;
    let clock: TestClock;
    let logger: RecordingLogger;
    let manager: SessionManager;
    const opened: string[] = [];
    const isCookie = () => target.kind === 'cookie';

    const make = (settings: Partial<SessionSettings> = {}) =>
      createSessionManager({
        secretKey: SECRET,
        store,
        now: clock.now,
        logger,
        ...target.settings,
        ...settings,
      });
    const open = (key?: string | null) => manager.open(key);

    beforeAll(async () => {
      store = await target.createStore();
    });
    afterAll(async () => {
      if (target.destroyStore) await target.destroyStore(store);
      else if (store.kind === 'server') await store.close?.();
    });
    beforeEach(() => {
      clock = createClock();
      logger = createRecordingLogger();
      manager = make();
    });
    afterEach(async () => {
      const server = store;
      if (server.kind === 'server')
        for (const key of opened.splice(0))
          await Promise.resolve(key)
            .then((k) => server.delete(k))
            .catch(() => {});
    });
    const track = async (session: { sessionKey: string | null }) => {
      if (session.sessionKey) opened.push(session.sessionKey);
    };

    describe('dict-like access (Django SessionTestsMixin 1–26)', () => {
      it('starts neither accessed nor modified', () => {
        const s = open();
        expect(s.modified).toBe(false);
        expect(s.accessed).toBe(false);
      });

      it('returns undefined for a missing key', async () => {
        expect(await open().get('cat')).toBeUndefined();
      });

      it('marks the session modified on set, and pop returns the value', async () => {
        const s = open();
        await s.set('cat', 'dog');
        expect(s.modified).toBe(true);
        expect(await s.pop('cat')).toBe('dog');
      });

      it('pop removes the key and marks accessed and modified', async () => {
        const s = open();
        await s.set('some key', 'exists');
        s.accessed = false;
        s.modified = false;
        expect(await s.pop('some key')).toBe('exists');
        expect(s.accessed).toBe(true);
        expect(s.modified).toBe(true);
        expect(await s.get('some key')).toBeUndefined();
      });

      it('pop with a default returns it without modifying', async () => {
        const s = open();
        expect(await s.pop('some key', 'does not exist')).toBe('does not exist');
        expect(s.accessed).toBe(true);
        expect(s.modified).toBe(false);
      });

      it('pop with an explicit undefined default does not throw', async () => {
        const s = open();
        expect(await s.pop('some key', undefined)).toBeUndefined();
        expect(s.modified).toBe(false);
      });

      it('pop of a missing key without a default throws SessionKeyMissing', async () => {
        const error = await open()
          .pop('some key')
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SessionKeyMissing);
        expect((error as SessionKeyMissing).code).toBe('ERR_SESSION_KEY_MISSING');
      });

      it('setDefault stores only the first value', async () => {
        const s = open();
        expect(await s.setDefault('foo', 'bar')).toBe('bar');
        expect(await s.setDefault('foo', 'baz')).toBe('bar');
        expect(s.accessed).toBe(true);
        expect(s.modified).toBe(true);
      });

      it('update copies entries and marks modified', async () => {
        const s = open();
        await s.update({ 'update key': 1 });
        expect(s.accessed).toBe(true);
        expect(s.modified).toBe(true);
        expect(await s.get('update key')).toBe(1);
      });

      it('update with an empty object still marks modified', async () => {
        const s = open();
        await s.update({});
        expect(s.modified).toBe(true);
      });

      it('has marks accessed but not modified', async () => {
        const s = open();
        await s.set('some key', 1);
        s.accessed = false;
        s.modified = false;
        expect(await s.has('some key')).toBe(true);
        expect(s.accessed).toBe(true);
        expect(s.modified).toBe(false);
      });

      it('values, keys and items read without modifying', async () => {
        const s = open();
        expect(await s.values()).toEqual([]);
        expect(s.accessed).toBe(true);
        await s.set('x', 1);
        s.accessed = false;
        s.modified = false;
        expect(await s.values()).toEqual([1]);
        expect(await s.keys()).toEqual(['x']);
        expect(await s.items()).toEqual([['x', 1]]);
        expect(s.accessed).toBe(true);
        expect(s.modified).toBe(false);
      });

      it('clear empties the session and marks accessed and modified', async () => {
        const s = open();
        await s.set('x', 1);
        s.accessed = false;
        s.modified = false;
        s.clear();
        expect(await s.items()).toEqual([]);
        expect(s.accessed).toBe(true);
        expect(s.modified).toBe(true);
      });

      it('delete reports whether the key was there and only then modifies', async () => {
        const s = open();
        expect(await s.delete('nope')).toBe(false);
        expect(s.modified).toBe(false);
        await s.set('x', 1);
        s.modified = false;
        expect(await s.delete('x')).toBe(true);
        expect(s.modified).toBe(true);
      });

      it('tracks which keys a request set and deleted', async () => {
        const s = open();
        await s.set('a', 1);
        await s.update({ b: 2 });
        await s.set('c', 3);
        await s.delete('c');
        const changes = s.changes();
        expect([...changes.set].sort()).toEqual(['a', 'b']);
        expect([...changes.deleted]).toEqual(['c']);
        expect(changes.cleared).toBe(false);
      });
    });

    describe('persistence (Django SessionTestsMixin 27–40, 60–65)', () => {
      skipIf(it, isCookie())('save makes the key exist', async () => {
        const s = open();
        await s.set('x', 1);
        await s.save();
        await track(s);
        expect(await s.exists(s.sessionKey!)).toBe(true);
      });

      skipIf(it, isCookie())('destroy removes the record', async () => {
        const s = open();
        await s.set('x', 1);
        await s.save();
        const key = s.sessionKey!;
        await s.destroy(key);
        expect(await s.exists(key)).toBe(false);
      });

      it('flush deletes the record and drops the key', async () => {
        const s = open();
        await s.set('foo', 'bar');
        await s.save();
        await track(s);
        const prev = s.sessionKey;
        await s.flush();
        if (!isCookie()) expect(await s.exists(prev!)).toBe(false);
        expect(s.sessionKey).not.toBe(prev);
        expect(s.sessionKey).toBeNull();
        expect(s.modified).toBe(true);
        expect(s.accessed).toBe(true);
      });

      skipIf(it, isCookie())('cycleKey moves the data to a new key and deletes the old record', async () => {
        const s = open();
        await s.set('a', 'c');
        await s.set('b', 'd');
        await s.save();
        const prev = s.sessionKey!;
        const items = await s.items();
        await s.cycleKey();
        await track(s);
        expect(await s.exists(prev)).toBe(false);
        expect(s.sessionKey).not.toBe(prev);
        expect(await s.items()).toEqual(items);
        const reopened = open(s.sessionKey);
        expect(await reopened.get('a')).toBe('c');
      });

      skipIf(it, isCookie())('cycleKey loads the data first when nothing was loaded yet', async () => {
        const s = open();
        await s.set('a', 'c');
        await s.save();
        await track(s);
        const fresh = open(s.sessionKey);
        expect(fresh.isLoaded).toBe(false);
        await fresh.cycleKey();
        await track(fresh);
        expect(await fresh.get('a')).toBe('c');
      });

      it('keeps its data readable after save', async () => {
        const s = open();
        const data = { a: 'test', b: 'test2' };
        await s.update(data);
        await s.save();
        await track(s);
        expect(await s.get('a')).toBe('test');
        expect(await s.get('b')).toBe('test2');
      });

      it('never adopts an invalid key: save mints a new one', async () => {
        const s = open('1');
        await s.save();
        await track(s);
        expect(s.sessionKey).not.toBe('1');
        expect(await s.get('cat')).toBeUndefined();
      });

      it('drops keys shorter than 8 characters and keeps 8', () => {
        expect(open('').sessionKey).toBeNull();
        expect(open('1234567').sessionKey).toBeNull();
        expect(open('12345678').sessionKey).toBe('12345678');
      });

      it('has a read-only sessionKey', () => {
        const s = open();
        expect(() => {
          (s as unknown as { sessionKey: string }).sessionKey = 'abcdefghij';
        }).toThrow(TypeError);
      });

      skipIf(it, isCookie())('round-trips data through the store in a new session object', async () => {
        const s = open();
        const value = { text: 'Grüße, 日本語 🎉', nested: { list: [1, 2.5, null, true], tab: 'a\tb' } };
        await s.set('value', value);
        await s.save();
        await track(s);
        expect(await open(s.sessionKey).get('value')).toEqual(value);
      });

      skipIf(it, isCookie())('makes a session with a past custom expiry unreadable', async () => {
        const s = open();
        await s.set('foo', 'bar');
        await s.setExpiry({ seconds: -10 });
        await s.save();
        await track(s);
        expect(await open(s.sessionKey).has('foo')).toBe(false);
      });

      skipIf(it, isCookie())('does not find a session after its expiry passes', async () => {
        const s = open();
        await s.set('foo', 'bar');
        await s.setExpiry(2);
        await s.save();
        await track(s);
        clock.advance(3);
        // TTL-based stores (caches) expire on the wall clock, which the test clock cannot move; the file store
        // never expires a positive integer expiry by mtime (Django quirk, spec §7.1 item 138).
        if (store.kind === 'server' && ['redis', 'redis-cluster', 'memcached', 'file'].includes(store.name))
          return;
        expect(await open(s.sessionKey).has('foo')).toBe(false);
      });

      skipIf(it, isCookie())('does not create a record when loading an unknown key', async () => {
        const s = open('someunknownkey');
        await s.load();
        expect(s.sessionKey).not.toBe('someunknownkey');
        expect(s.sessionKey).toBeNull();
        expect(await s.exists('someunknownkey')).toBe(false);
      });

      skipIf(it, isCookie())('never resurrects a session deleted by another request', async () => {
        const s1 = open();
        await s1.set('foo', 'bar');
        await s1.save({ mustCreate: true });
        const s2 = open(s1.sessionKey);
        await s2.destroy();
        await s1.set('foo', 'baz');
        await expect(s1.save()).rejects.toBeInstanceOf(UpdateError);
        expect(await s1.load()).toEqual({});
      });

      skipIf(it, isCookie())('refuses to create over an existing key', async () => {
        const s1 = open();
        await s1.set('a', 1);
        await s1.save();
        await track(s1);
        const s2 = open(s1.sessionKey);
        await s2.set('a', 2);
        await expect(s2.save({ mustCreate: true })).rejects.toBeInstanceOf(CreateError);
        expect(await open(s1.sessionKey).get('a')).toBe(1);
      });

      skipIf(it, isCookie())('answers every operation with a promise', async () => {
        if (store.kind !== 'server') return;
        const key = 'promisekey0000000000000000000abc';
        opened.push(key);
        const record = { key, data: 'first', expireDate: new Date(clock.now() + 60_000), maxAge: 60 };
        // A promise of any realm or library: what the contract asks is an answer to await.
        const later = async <T>(operation: string, answer: Promise<T>): Promise<T> => {
          expect(`${operation}: ${typeof (answer as { then?: unknown } | null)?.then}`).toBe(
            `${operation}: function`,
          );
          return answer;
        };
        expect(await later('create', store.create(record))).toBe(true);
        expect(await later('exists', store.exists(key))).toBe(true);
        const loaded = await later('load', store.load(key, new Date(clock.now())));
        expect(loaded?.data).toBe('first');
        expect(await later('update', store.update({ ...record, data: 'second' }))).toBe(true);
        if (store.replace) {
          const expected = {
            data: 'second',
            version: (await store.load(key, new Date(clock.now())))?.version,
          };
          expect(await later('replace', store.replace({ ...record, data: 'third' }, expected))).toBe('ok');
        }
        if (store.touch) {
          const touch = { key, expireDate: new Date(clock.now() + 120_000), maxAge: 120 };
          expect(await later('touch', store.touch(touch))).toBe(true);
        }
        await later('delete', store.delete(key));
        expect(await store.load(key, new Date(clock.now()))).toBeNull();
      });

      skipIf(it, isCookie())('gives an empty session and a warning for tampered stored data', async () => {
        if (store.kind !== 'server') return;
        const key = 'tamperedkey0000000000000000000ab';
        opened.push(key);
        await store.create({
          key,
          data: 'eyJhIjoxfQ:1r31eq:forgedforgedforged',
          expireDate: new Date(clock.now() + 60_000),
          maxAge: 60,
        });
        const s = open(key);
        expect(await s.get('a')).toBeUndefined();
        expect(s.isEmpty()).toBe(false);
        expect(logger.records.some((r) => r.message === 'Session data corrupted')).toBe(true);
      });

      it('loads lazily: opening and checking emptiness touches no data', async () => {
        const s = open('abcdefghijklmnop');
        expect(s.isLoaded).toBe(false);
        expect(s.isEmpty()).toBe(false);
        expect(s.accessed).toBe(false);
        expect(s.isLoaded).toBe(false);
      });

      it('is empty when new and untouched', () => {
        expect(open().isEmpty()).toBe(true);
      });
    });

    describe('expiry (Django SessionTestsMixin 45–56)', () => {
      it('defaults to cookieAge, also after setExpiry(0)', async () => {
        const s = open();
        expect(await s.getExpiryAge()).toBe(1209600);
        await s.setExpiry(0);
        expect(await s.getExpiryAge()).toBe(1209600);
      });

      it('accepts seconds', async () => {
        const s = open();
        const modification = new Date(clock.now());
        await s.setExpiry(10);
        expect((await s.getExpiryDate({ modification })).getTime()).toBe(modification.getTime() + 10_000);
        expect(await s.getExpiryAge({ modification })).toBe(10);
      });

      it('accepts a duration from now', async () => {
        const s = open();
        const modification = new Date(Date.UTC(2024, 0, 1, 12));
        clock.set(modification.getTime());
        await s.setExpiry({ seconds: 10 });
        expect(await s.get('_session_expiry')).toBe('2024-01-01T12:00:10+00:00');
        expect((await s.getExpiryDate({ modification })).getTime()).toBe(modification.getTime() + 10_000);
        expect(await s.getExpiryAge({ modification })).toBe(10);
      });

      it('accepts a date, stored as an ISO string', async () => {
        const s = open();
        const modification = new Date(clock.now());
        await s.setExpiry(new Date(modification.getTime() + 10_000));
        expect((await s.getExpiryDate({ modification })).getTime()).toBe(modification.getTime() + 10_000);
        expect(await s.getExpiryAge({ modification })).toBe(10);
      });

      it('resets to the default with null', async () => {
        const s = open();
        await s.setExpiry(null);
        await s.setExpiry(10);
        await s.setExpiry(null);
        expect(await s.getExpiryAge()).toBe(1209600);
      });

      it('honours expireAtBrowserClose only when no custom expiry is set', async () => {
        for (const setting of [false, true]) {
          manager = make({ expireAtBrowserClose: setting });
          const s = open();
          await s.setExpiry(10);
          expect(await s.getExpireAtBrowserClose()).toBe(false);
          await s.setExpiry(0);
          expect(await s.getExpireAtBrowserClose()).toBe(true);
          await s.setExpiry(null);
          expect(await s.getExpireAtBrowserClose()).toBe(setting);
        }
      });

      it('uses the expiry override without loading', async () => {
        const s = open('abcdefghijklmnop');
        expect(await s.getExpiryAge({ expiry: null })).toBe(1209600);
        expect(s.isLoaded).toBe(false);
      });
    });

    describe('test cookie (Django SessionBaseTests 124)', () => {
      it('sets, checks and deletes the test value', async () => {
        const s = open();
        expect(await s.has('testcookie')).toBe(false);
        await s.setTestCookie();
        expect(await s.testCookieWorked()).toBe(true);
        await s.deleteTestCookie();
        expect(await s.has('testcookie')).toBe(false);
        expect(s.modified).toBe(true);
      });
    });

    describe('encoding (Django SessionTestsMixin 57–59)', () => {
      it('decodes what it encodes', () => {
        const data = { 'a test key': 'a test value' };
        expect(manager.codec.decode(manager.codec.encode(data))).toEqual(data);
      });

      it('logs "Session data corrupted" and returns nothing for bad data', () => {
        const legacyLooking = Buffer.from('flaskdj:alkdjf').toString('base64');
        expect(manager.codec.decode(legacyLooking)).toBeNull();
        expect(manager.codec.decode('bad:encoded:value')).toBeNull();
        const corrupted = logger.records.filter(
          (r) => r.level === 'warn' && r.message === 'Session data corrupted',
        );
        expect(corrupted).toHaveLength(2);
      });

      it('returns nothing, without throwing, for validly signed non-JSON data', () => {
        const signer = new TimestampSigner({ key: SECRET, salt: manager.settings.keySalt });
        const signed = signer.sign(Buffer.from('invalid data').toString('base64url'));
        expect(manager.codec.decode(signed)).toBeNull();
      });
    });

    skipIf(describe, isCookie())('replace (compare-and-swap)', () => {
      const recordOf = (key: string, data: string) => ({
        key,
        data,
        expireDate: new Date(clock.now() + 60_000),
        maxAge: 60,
      });
      const server = () => {
        if (store.kind !== 'server' || !store.replace) return null;
        return store as typeof store & { replace: NonNullable<typeof store.replace> };
      };
      const fresh = async (data: string) => {
        const s = server()!;
        const key = `cas${Math.random().toString(36).slice(2, 12)}${Date.now().toString(36)}`;
        opened.push(key);
        expect(await s.create(recordOf(key, data))).toBe(true);
        return { s, key, loaded: (await s.load(key, new Date(clock.now())))! };
      };

      it('writes when the record still holds what was loaded (ok)', async () => {
        if (!server()) return;
        const { s, key, loaded } = await fresh('one');
        expect(await s.replace(recordOf(key, 'two'), loaded)).toBe('ok');
        expect((await s.load(key, new Date(clock.now())))?.data).toBe('two');
      });

      it('writes nothing when another save changed the record (conflict)', async () => {
        if (!server()) return;
        const { s, key, loaded } = await fresh('one');
        expect(await s.replace(recordOf(key, 'two'), loaded)).toBe('ok');
        expect(await s.replace(recordOf(key, 'three'), loaded)).toBe('conflict');
        expect((await s.load(key, new Date(clock.now())))?.data).toBe('two');
      });

      it('creates nothing when the record is gone (missing)', async () => {
        if (!server()) return;
        const { s, key, loaded } = await fresh('one');
        await s.delete(key);
        expect(await s.replace(recordOf(key, 'two'), loaded)).toBe('missing');
        expect(await s.load(key, new Date(clock.now()))).toBeNull();
      });
    });

    skipIf(describe, isCookie())('merge on save', () => {
      /** A saved session and two requests that loaded it. */
      const twoRequests = async () => {
        const first = open();
        await first.set('seed', 1);
        await first.save();
        await track(first);
        const a = open(first.sessionKey);
        const b = open(first.sessionKey);
        await Promise.all([a.get('seed'), b.get('seed')]);
        return { key: first.sessionKey!, a, b };
      };
      const merges = () => store.kind === 'server' && store.replace !== undefined;

      it('keeps changes to different keys from two requests', async () => {
        const { key, a, b } = await twoRequests();
        await a.set('a', 1);
        await b.set('b', 2);
        await b.delete('seed');
        await a.save();
        await b.save();
        const data = await open(key).toObject();
        if (merges()) expect(data).toEqual({ a: 1, b: 2 });
        else expect(data).toEqual({ b: 2 });
      });

      it('lets the save that lands last win for one key', async () => {
        const { key, a, b } = await twoRequests();
        await a.set('x', 'a');
        await b.set('x', 'b');
        await b.save();
        await a.save();
        expect(await open(key).get('x')).toBe('a');
      });

      it('keeps a value changed in place and flagged modified', async () => {
        const first = open();
        await first.set('cart', ['apple']);
        await first.save();
        await track(first);
        const a = open(first.sessionKey);
        const b = open(first.sessionKey);
        ((await a.get('cart')) as string[]).push('pear');
        a.modified = true;
        await b.set('other', true);
        await b.save();
        await a.save();
        const data = await open(first.sessionKey).toObject();
        expect(data.cart).toEqual(['apple', 'pear']);
        if (merges()) expect(data.other).toBe(true);
      });

      it('leaves a session deleted meanwhile deleted (UpdateError)', async () => {
        const { key, a, b } = await twoRequests();
        await b.flush();
        await a.set('a', 1);
        await expect(a.save()).rejects.toBeInstanceOf(UpdateError);
        expect(await open(key).load()).toEqual({});
      });

      it('never merges a cycled session back into its old key', async () => {
        const { key, a, b } = await twoRequests();
        await b.set('user', 'alice');
        await b.cycleKey();
        await track(b);
        await a.set('a', 1);
        await expect(a.save()).rejects.toBeInstanceOf(UpdateError);
        expect(await open(key).load()).toEqual({});
        expect(await open(b.sessionKey).get('user')).toBe('alice');
      });

      it('clears what it loaded on clear(), keeping what it set afterwards', async () => {
        const { key, a, b } = await twoRequests();
        a.clear();
        await a.set('fresh', 1);
        await b.set('b', 2);
        await b.save();
        await a.save();
        expect(await open(key).toObject()).toEqual({ fresh: 1 });
      });
    });

    skipIf(describe, isCookie())('lock', () => {
      const locking = () => store.kind === 'server' && store.lock !== undefined;
      const saved = async () => {
        const s = open();
        await s.set('n', 0);
        await s.save();
        await track(s);
        return s.sessionKey!;
      };

      it('holds a key exclusively until unlock', async () => {
        const key = await saved();
        const a = open(key);
        if (!locking()) {
          await expect(a.lock()).rejects.toBeInstanceOf(NotSupported);
          return;
        }
        await a.lock({ timeout: 10_000, wait: 0 });
        expect(a.locked).toBe(true);
        const b = open(key);
        await expect(b.lock({ wait: 0 })).rejects.toMatchObject({ code: 'ERR_LOCK_TIMEOUT' });
        await a.unlock();
        await a.unlock();
        await b.lock({ wait: 2000 });
        await b.unlock();
      });

      it('lets a waiting request in when the holder releases', async () => {
        const key = await saved();
        if (!locking()) return;
        const a = open(key);
        await a.lock();
        const b = open(key);
        const waiting = b.lock({ wait: 10_000 });
        await new Promise((resolve) => setTimeout(resolve, 50));
        a.requestFinished();
        await waiting;
        expect(b.locked).toBe(true);
        await b.unlock();
      });

      it('expires a lock its holder never released', async () => {
        const key = await saved();
        if (!locking()) return;
        await open(key).lock({ timeout: 300 });
        const b = open(key);
        await b.lock({ wait: 10_000 });
        expect(b.locked).toBe(true);
        await b.unlock();
      });

      it('reloads data read before the lock', async () => {
        const key = await saved();
        if (!locking()) return;
        const a = open(key);
        expect(await a.get('n')).toBe(0);
        const b = open(key);
        await b.set('n', 1);
        await b.save();
        await a.lock();
        expect(await a.get('n')).toBe(1);
        await a.unlock();
      });
    });

    skipIf(describe, isCookie())('clearExpired', () => {
      it('deletes expired sessions and keeps live ones', async () => {
        if (store.kind !== 'server' || !store.clearExpired) return;
        const live = open();
        await live.set('k', 'live');
        await live.setExpiry(3600);
        await live.save();
        await track(live);
        const dead = open();
        await dead.set('k', 'dead');
        await dead.setExpiry(-3600);
        await dead.save();
        await track(dead);
        await manager.clearExpired();
        expect(await live.exists(live.sessionKey!)).toBe(true);
        if (!['redis', 'redis-cluster', 'memcached'].includes(store.name)) {
          expect(await dead.exists(dead.sessionKey!)).toBe(false);
        }
      });
    });
  });
}
