/**
 * Issue 17 defect 3: deep or huge session data. Limits are checked when decoding (refused data loads
 * as an empty session plus a security warning, so the session can be saved again) and when encoding
 * (a typed `DataLimitExceeded`, never a stack overflow).
 */
import { describe, expect, it } from 'vitest';
import { DataLimitExceeded, MalformedPayload } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { createSessionManager } from '../../src/core/manager.js';
import { dumps } from '../../src/signing/dumps.js';
import { pythonJsonDumps, pythonJsonLoads } from '../../src/signing/python-json.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createSignedCookieStore } from '../../src/stores/signed-cookie.js';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import type { SessionStore } from '../../src/stores/types.js';
import { createRecordingLogger, SECRET } from '../helpers.js';

const SALT = 'django.contrib.sessions.SessionStore';
const KEY = 'hardeningdatalimitskey0123456789';

/** `{"a": [[...[1]...]]}`, `depth` levels in all (the outer object counts). */
function nested(depth: number): Record<string, unknown> {
  let value: unknown = 1;
  for (let i = 1; i < depth; i++) value = [value];
  return { a: value };
}
const nestedText = (depth: number, inner = '1') =>
  `{"a":${'['.repeat(depth - 1)}${inner}${']'.repeat(depth - 1)}}`;

/** Write `text` under KEY straight into the store, as another program (or an attacker with store access) could. */
/** A signed value holding `text` as its JSON, which our own writer would refuse to produce. */
const signText = (text: string, salt = SALT) =>
  dumps(null, { key: SECRET, salt, compress: true, serializer: { dumps: () => text, loads: JSON.parse } });

async function plant(store: SessionStore, text: string): Promise<void> {
  await store.create({ key: KEY, data: text, expireDate: new Date(Date.now() + 3600_000), maxAge: 3600 });
}

function refusedWarnings(logger: ReturnType<typeof createRecordingLogger>) {
  return logger.records.filter((r) => r.message.startsWith('Session data refused'));
}

describe('pythonJsonDumps and pythonJsonLoads depth limit', () => {
  it('writes and reads data exactly 1000 levels deep, as Python can', () => {
    const text = pythonJsonDumps(nested(1000));
    expect(text).toBe(nestedText(1000));
    expect(pythonJsonLoads(text)).toEqual(nested(1000));
  });

  it('refuses deeper data with DataLimitExceeded instead of overflowing the stack', () => {
    for (const depth of [1001, 5000, 100_000]) {
      expect(() => pythonJsonDumps(nested(depth))).toThrow(DataLimitExceeded);
      expect(() => pythonJsonLoads(nestedText(depth))).toThrow(DataLimitExceeded);
      // Python's NaN token sends the text to the fallback parser, which recurses.
      expect(() => pythonJsonLoads(nestedText(depth, 'NaN'))).toThrow(DataLimitExceeded);
    }
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = `{"s":"${'[{'.repeat(3000)}\\"${'['.repeat(3000)}"}`;
    expect(pythonJsonLoads(text)).toEqual({ s: `${'[{'.repeat(3000)}"${'['.repeat(3000)}` });
  });

  it('takes another limit', () => {
    expect(() => pythonJsonDumps(nested(11), { maxDepth: 10 })).toThrow(DataLimitExceeded);
    expect(pythonJsonLoads(nestedText(11), { maxDepth: 11 })).toEqual(nested(11));
  });
});

describe('sessions over the data limits', () => {
  it('load a too-deep stored record as an empty session with a security warning, and save again', async () => {
    for (const store of [createMemoryStore(), createSqliteStore({ path: ':memory:' })]) {
      const logger = createRecordingLogger();
      const sessions = createSessionManager({ secretKey: SECRET, store, logger });
      // JSON (memory store's format) and Django's signed format (SQLite's), both deeper than allowed.
      const signed = signText(nestedText(5000));
      await plant(store, store.dataFormat === 'json' ? nestedText(5000) : signed);
      const s = sessions.open(KEY);
      expect(await s.keys()).toEqual([]);
      expect(refusedWarnings(logger)).toHaveLength(1);
      expect(refusedWarnings(logger)[0]!.details).toMatchObject({ limit: 'maxDataDepth', max: 1000 });
      await s.set('n', 1);
      await s.save();
      expect(await sessions.open(s.sessionKey!).get('n')).toBe(1);
    }
  });

  it('refuse a huge stored record before parsing it', async () => {
    for (const store of [createMemoryStore(), createSqliteStore({ path: ':memory:' })]) {
      const logger = createRecordingLogger();
      const sessions = createSessionManager({ secretKey: SECRET, store, logger, maxDataBytes: 64 * 1024 });
      const big = { blob: 'x'.repeat(100 * 1024) };
      await plant(
        store,
        store.dataFormat === 'json' ? JSON.stringify(big) : dumps(big, { key: SECRET, salt: SALT }),
      );
      expect(await sessions.open(KEY).keys()).toEqual([]);
      expect(refusedWarnings(logger)[0]!.details).toMatchObject({ limit: 'maxDataBytes', max: 65536 });
    }
  });

  it('refuse a compressed record that inflates past maxDataBytes', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    const logger = createRecordingLogger();
    const sessions = createSessionManager({ secretKey: SECRET, store, logger, maxDataBytes: 64 * 1024 });
    await plant(store, dumps({ blob: 'x'.repeat(100 * 1024) }, { key: SECRET, salt: SALT, compress: true }));
    expect(await sessions.open(KEY).keys()).toEqual([]);
    expect(refusedWarnings(logger)).toHaveLength(1);
  });

  it('throw DataLimitExceeded with a stable code when a handler stores too much', async () => {
    const stores = [createMemoryStore(), createSqliteStore({ path: ':memory:' }), createSignedCookieStore()];
    for (const store of stores) {
      const sessions = createSessionManager({ secretKey: SECRET, store, maxDataBytes: 4096 });
      const deep = sessions.open();
      await deep.set('a', nested(2000).a);
      await expect(deep.save()).rejects.toMatchObject({
        code: 'ERR_SESSION_DATA_LIMIT',
        limit: 'maxDataDepth',
      });
      if (store.kind === 'cookie') continue; // the cookie's own 4 KB limit answers first
      const big = sessions.open();
      await big.set('blob', 'x'.repeat(5000));
      await expect(big.save()).rejects.toMatchObject({
        code: 'ERR_SESSION_DATA_LIMIT',
        limit: 'maxDataBytes',
      });
    }
  });

  it('refuse a too-deep signed cookie as a new session', async () => {
    const sessions = createSessionManager({ secretKey: SECRET, store: createSignedCookieStore() });
    const cookie = signText(nestedText(3000), 'django.contrib.sessions.backends.signed_cookies');
    const s = sessions.open(cookie);
    expect(await s.keys()).toEqual([]);
  });

  it('apply a lower maxDataDepth to every store, signed cookies included', async () => {
    const sessions = createSessionManager({
      secretKey: SECRET,
      store: createSignedCookieStore(),
      maxDataDepth: 5,
      logger: silentLogger,
    });
    const s = sessions.open();
    await s.set('a', nested(5).a);
    await s.save();
    await s.set('a', nested(6).a);
    await expect(s.save()).rejects.toThrow(DataLimitExceeded);
    expect(() => sessions.codec.decode(dumps(nested(6), { key: SECRET, salt: SALT }))).not.toThrow();
  });

  it('keep refusing malformed payloads as before', () => {
    expect(() => pythonJsonLoads('{"a":')).toThrow(MalformedPayload);
  });
});
