import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, InvalidSessionKey } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import { createFileStore } from '../../src/stores/file.js';
import { describeStoreContract } from '../../src/testing/index.js';
import { SECRET } from '../helpers.js';
import { vitestRunner } from './runner.js';

const root = mkdtempSync(join(tmpdir(), 'sessionkit-file-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const freshDir = (name: string): string => mkdtempSync(join(root, `${name}-`));

describeStoreContract(vitestRunner, {
  name: 'file',
  createStore: () => createFileStore({ directory: freshDir('contract') }),
});

describe('createFileStore', () => {
  it('refuses a directory that does not exist', () => {
    expect(() => createFileStore({ directory: join(root, 'nope') })).toThrow(ConfigError);
    expect(() => createFileStore({ directory: join(root, 'nope') })).toThrow(/doesn't exist/);
  });

  it('names files cookie name + key and writes the signed data as ASCII', async () => {
    const directory = freshDir('layout');
    const sessions = createSessionManager({
      secretKey: SECRET,
      cookieName: 'mysession',
      store: createFileStore({ directory, prefix: 'mysession' }),
    });
    const s = sessions.open();
    await s.set('a', 1);
    await s.save();
    const file = join(directory, `mysession${s.sessionKey}`);
    expect(readFileSync(file, 'latin1')).toMatch(/^eyJhIjoxfQ:[0-9A-Za-z]+:[\w-]{43}$/);
    expect(readdirSync(directory)).toEqual([`mysession${s.sessionKey}`]);
  });

  it('treats a cookie key too long for a file name as a missing session (a new session, not a 503)', async () => {
    const directory = freshDir('long-key');
    const sessions = createSessionManager({ secretKey: SECRET, store: createFileStore({ directory }) });
    for (const length of [247, 300, 4096]) {
      const s = sessions.open('a'.repeat(length));
      expect(await s.get('x')).toBeUndefined();
      expect(s.sessionKey).toBeNull();
      await s.set('x', 1);
      await s.save();
      expect(s.sessionKey).toHaveLength(32);
    }
  });

  it('rejects keys with path characters before touching the file system', async () => {
    const directory = freshDir('traversal');
    const store = createFileStore({ directory });
    expect(() => store.validateKey?.('a\\b\\c')).toThrow(InvalidSessionKey);
    expect(() => store.validateKey?.('a/b/c')).toThrow(InvalidSessionKey);
    expect(() => store.validateKey?.('../../../etc/passwd')).toThrow(InvalidSessionKey);
    await expect(store.load('../../etc/passwd', new Date())).rejects.toBeInstanceOf(InvalidSessionKey);
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const s = sessions.open('../../../../tmp/evil');
    expect(await s.items()).toEqual([]);
    expect(s.sessionKey).toBeNull();
  });

  it('expires by file modification time when no custom expiry is set', async () => {
    const directory = freshDir('mtime');
    const sessions = createSessionManager({
      secretKey: SECRET,
      cookieAge: 60,
      store: createFileStore({ directory }),
    });
    const s = sessions.open();
    await s.set('a', 1);
    await s.save();
    const file = join(directory, `sessionid${s.sessionKey}`);
    expect(await sessions.open(s.sessionKey).get('a')).toBe(1);
    const old = new Date(Date.now() - 120_000);
    utimesSync(file, old, old);
    expect(await sessions.open(s.sessionKey).get('a')).toBeUndefined();
    expect(existsSync(file)).toBe(false);
  });

  it('never expires a positive integer custom expiry by mtime (Django quirk, spec §7.1 item 138)', async () => {
    const directory = freshDir('quirk');
    const sessions = createSessionManager({
      secretKey: SECRET,
      cookieAge: 60,
      store: createFileStore({ directory }),
    });
    const s = sessions.open();
    await s.set('a', 1);
    await s.setExpiry(3600);
    await s.save();
    const file = join(directory, `sessionid${s.sessionKey}`);
    const old = new Date(Date.now() - 7_200_000);
    utimesSync(file, old, old);
    expect(await sessions.open(s.sessionKey).get('a')).toBe(1);
  });

  it('clearExpired leaves only the live session (Django FileSessionTests clearsessions)', async () => {
    const directory = freshDir('clear');
    const sessions = createSessionManager({
      secretKey: SECRET,
      cookieAge: 0,
      store: createFileStore({ directory }),
    });
    for (const expiry of [3600, -3600, null]) {
      const s = sessions.open();
      await s.set('x', 1);
      await s.setExpiry(expiry === null ? null : { seconds: expiry });
      await s.save();
    }
    writeFileSync(join(directory, 'sessionidabc_out_12345'), 'temp');
    expect(readdirSync(directory).filter((n) => !n.includes('_out_'))).toHaveLength(3);
    expect(await sessions.clearExpired()).toBe(2);
    expect(readdirSync(directory).filter((n) => !n.includes('_out_'))).toHaveLength(1);
  });

  it('treats an empty placeholder file as an empty session that keeps its key', async () => {
    const directory = freshDir('placeholder');
    writeFileSync(join(directory, 'sessionidplaceholder00000000000'), '');
    const sessions = createSessionManager({ secretKey: SECRET, store: createFileStore({ directory }) });
    const s = sessions.open('placeholder00000000000');
    expect(await s.items()).toEqual([]);
    expect(s.sessionKey).toBe('placeholder00000000000');
  });
});
