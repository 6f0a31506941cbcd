/**
 * The onEvent option on the core: each event type, its fields, a throwing listener, and no keys or
 * data in what is reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import type { SessionEvent } from '../../src/core/events.js';
import type { Logger } from '../../src/core/logger.js';
import { createSessionManager, type SessionOptions } from '../../src/core/manager.js';
import { finalizeSession } from '../../src/http/response.js';
import { dumps } from '../../src/signing/dumps.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import type { SessionStore } from '../../src/stores/types.js';
import { createClock, SECRET } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function managerWith(store: SessionOptions['store'], extra: Partial<SessionOptions> = {}) {
  const events: SessionEvent[] = [];
  const manager = createSessionManager({
    secretKey: SECRET,
    store,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { manager, events };
}

describe('onEvent', () => {
  it('reports create, load, save, create on a key cycle and delete, with store and duration', async () => {
    const { manager, events } = managerWith(createSqliteStore({ path: join(dir, 'a.sqlite3') }));
    const first = manager.open();
    await first.set('user', 'alice-secret-value');
    await first.save();
    const key = first.sessionKey!;
    const second = manager.open(key);
    await second.get('user');
    await second.set('n', 1);
    await second.save();
    await second.cycleKey();
    await second.flush();
    expect(events.map((e) => [e.type, e.outcome])).toEqual([
      ['create', 'ok'],
      ['load', 'found'],
      ['save', 'ok'],
      ['create', 'cycled'],
      ['delete', 'ok'],
    ]);
    for (const event of events) {
      expect(event.store).toBe('sqlite');
      expect(typeof event.durationMs).toBe('number');
    }
    const text = JSON.stringify(events);
    expect(text).not.toContain(key);
    expect(text).not.toContain('alice-secret-value');
    await manager.close();
  });

  it('reports a load of a missing session as missing', async () => {
    const { manager, events } = managerWith('memory:');
    await manager.open('abcdefghijklmnopqrstuvwxyz012345').get('x');
    expect(events).toEqual([
      { type: 'load', store: 'memory', outcome: 'missing', durationMs: expect.any(Number) },
    ]);
  });

  it('reports a lost compare-and-swap as conflict, then the merged save', async () => {
    const { manager, events } = managerWith('memory:');
    const created = manager.open();
    await created.set('a', 0);
    await created.save();
    const one = manager.open(created.sessionKey);
    const two = manager.open(created.sessionKey);
    await one.get('a');
    await two.get('a');
    await one.set('b', 1);
    await one.save();
    await two.set('c', 2);
    await two.save();
    const conflicts = events.filter((e) => e.type === 'conflict');
    expect(conflicts).toEqual([
      { type: 'conflict', store: 'memory', outcome: 'merging', operation: 'save', durationMs: 0 },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'save', outcome: 'ok' });
  });

  it('reports forged stored data and a forged signed cookie as tampered', async () => {
    const store = createMemoryStore();
    const { manager, events } = managerWith(store);
    const key = 'abcdefghijklmnopqrstuvwxyz012345';
    await store.create({ key, data: 'forged:data', expireDate: new Date(Date.now() + 60_000), maxAge: 60 });
    expect(await manager.open(key).get('x')).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['tampered', 'load']);
    expect(events[0]).toMatchObject({ store: 'memory', outcome: 'refused', operation: 'load' });

    const cookie = managerWith('signed-cookie:', { logger: quiet() });
    const forged = dumps(
      { admin: true },
      { key: 'another-secret-key-that-is-long-enough-to-sign-0123456789' },
    );
    await cookie.manager.open(forged).get('admin');
    expect(cookie.events).toContainEqual(
      expect.objectContaining({ type: 'tampered', store: 'signed-cookie', outcome: 'refused' }),
    );
  });

  it('reports a failing store as error with the operation and the error code', async () => {
    const failing: SessionStore = {
      ...createMemoryStore(),
      load() {
        throw Object.assign(new Error('down'), { code: 'ERR_STORE_UNAVAILABLE' });
      },
    };
    const { manager, events } = managerWith(failing);
    await expect(manager.open('abcdefghijklmnopqrstuvwxyz012345').get('x')).rejects.toThrow('down');
    expect(events).toEqual([
      {
        type: 'error',
        store: 'memory',
        outcome: 'ERR_STORE_UNAVAILABLE',
        operation: 'load',
        durationMs: expect.any(Number),
      },
    ]);
  });

  it('logs what a listener throws and lets the request go on', async () => {
    const logged: string[] = [];
    const logger: Logger = { warn: () => {}, error: (message) => logged.push(message) };
    const manager = createSessionManager({
      secretKey: SECRET,
      store: 'memory:',
      logger,
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    const session = manager.open();
    await session.set('a', 1);
    await expect(session.save()).resolves.toBeUndefined();
    expect(logged).toEqual(['An onEvent listener threw; the request goes on']);
  });

  it('leaves touch-only rolling working with a listener attached', async () => {
    const clock = createClock(Date.UTC(2030, 0, 1));
    const { manager } = managerWith(createMemoryStore(), {
      now: clock.now,
      rolling: 'touch',
      touchInterval: 60,
    });
    const first = manager.open();
    await first.set('n', 1);
    await first.save();
    clock.advance(120);
    const again = manager.open(first.sessionKey);
    expect(await again.get('n')).toBe(1);
    expect(again.touchDue()).toBe(true);
    const result = await finalizeSession(again, {
      status: 200,
      secureRequest: false,
      requestHadCookie: true,
    });
    expect(result.setCookie).toHaveLength(1);
    expect(result.setCookie[0]).toContain(`sessionid=${first.sessionKey}`);
  });

  it('rejects an onEvent that is not a function', () => {
    expect(() =>
      createSessionManager({ secretKey: SECRET, store: 'memory:', onEvent: 'x' as unknown as () => void }),
    ).toThrow(ConfigError);
  });
});

function quiet(): Logger {
  return { warn: () => {}, error: () => {} };
}
