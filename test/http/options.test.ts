import { describe, expect, it } from 'vitest';
import { ConfigError, SessionInterrupted, StoreUnavailable, UpdateError } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import { LockTimeout, SaveConflict } from '../../src/core/merge.js';
import { SESSION_BUSY_BODY, STORE_UNAVAILABLE_BODY, sessionErrorResponse } from '../../src/http/errors.js';
import { createSessionRuntime } from '../../src/http/options.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createRecordingLogger, SECRET } from '../helpers.js';

describe('createSessionRuntime', () => {
  it('throws ConfigError at construction for bad settings', () => {
    expect(() => createSessionRuntime({ secretKey: '', store: createMemoryStore() })).toThrow(ConfigError);
    expect(() => createSessionRuntime({ secretKey: SECRET, store: 'nosuch:thing' })).toThrow(ConfigError);
    expect(() =>
      createSessionRuntime({ secretKey: SECRET, store: createMemoryStore(), cookieDomain: 'bad domain' }),
    ).toThrow(/cookie domain/);
    expect(() =>
      createSessionRuntime({ secretKey: SECRET, store: createMemoryStore(), cookiePath: '/a;b' }),
    ).toThrow(/cookie path/);
  });

  it('shares an existing manager, and refuses other options next to it', () => {
    const manager = createSessionManager({ secretKey: SECRET, store: createMemoryStore() });
    const runtime = createSessionRuntime({ manager });
    expect(runtime.manager).toBe(manager);
    expect(runtime.ownsManager).toBe(false);
    expect(() => createSessionRuntime({ manager, cookieName: 'x' } as never)).toThrow(/either \{ manager \}/);
    expect(createSessionRuntime({ secretKey: SECRET, store: createMemoryStore() }).ownsManager).toBe(true);
  });

  it('opens a lazy session from the Cookie header and remembers that a cookie was sent', () => {
    const runtime = createSessionRuntime({ secretKey: SECRET, store: createMemoryStore() });
    const handle = runtime.open('sessionid=abcdefghijkl');
    expect(handle.session.sessionKey).toBe('abcdefghijkl');
    expect(handle.session.isLoaded).toBe(false);
    expect(handle.requestHadCookie).toBe(true);
    const bad = runtime.open('sessionid=a\\b');
    expect(bad.session.sessionKey).toBeNull();
    expect(bad.requestHadCookie).toBe(true);
    expect(runtime.open(undefined).requestHadCookie).toBe(false);
  });

  it('finalizes a request only once', async () => {
    const runtime = createSessionRuntime({ secretKey: SECRET, store: createMemoryStore() });
    const handle = runtime.open(null);
    await handle.session.set('a', 1);
    const response = { status: 200, secureRequest: false, existingVary: null };
    const first = handle.finalize(response);
    expect(handle.finalize(response)).toBe(first);
    expect((await first).setCookie).toHaveLength(1);
  });

  it('maps session errors to responses and logs store outages', () => {
    const logger = createRecordingLogger();
    const runtime = createSessionRuntime({ secretKey: SECRET, store: createMemoryStore(), logger });
    expect(runtime.errorResponse(new StoreUnavailable('redis down'))).toEqual({
      status: 503,
      contentType: 'text/plain; charset=utf-8',
      body: STORE_UNAVAILABLE_BODY,
    });
    expect(logger.records).toMatchObject([
      { level: 'error', message: 'Session store unavailable; answering 503' },
    ]);
    expect(runtime.errorResponse(new Error('other'))).toBeNull();
  });
});

describe('sessionErrorResponse', () => {
  it("answers SessionInterrupted with 400 and Django's message", () => {
    const error = new SessionInterrupted({ cause: new UpdateError('gone') });
    expect(sessionErrorResponse(error)).toEqual({
      status: 400,
      contentType: 'text/plain; charset=utf-8',
      body: error.message,
    });
  });

  it('matches on code, so errors from another copy of the package work', () => {
    const foreign = Object.assign(new Error('x'), { code: 'ERR_STORE_UNAVAILABLE' });
    expect(sessionErrorResponse(foreign)?.status).toBe(503);
    expect(sessionErrorResponse(null)).toBeNull();
    expect(sessionErrorResponse('ERR_STORE_UNAVAILABLE')).toBeNull();
  });

  it('answers a lock wait that ran out and a save that kept conflicting with 503, keys kept out of the body', () => {
    for (const error of [new LockTimeout('The session stayed locked'), new SaveConflict('saved by others')]) {
      expect(sessionErrorResponse(error)).toEqual({
        status: 503,
        contentType: 'text/plain; charset=utf-8',
        body: SESSION_BUSY_BODY,
      });
    }
  });
});
