import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/core/manager.js';
import { createClock, SECRET } from '../helpers.js';
import {
  type DjangoEnv,
  django,
  djangoProblem,
  largeData,
  mustSkip,
  RICH_DATA,
  wholeSecondNow,
} from './harness.js';

const skip = mustSkip('Django interop tests for file sessions', await djangoProblem());

const directory = mkdtempSync(join(tmpdir(), 'sessionkit-django-files-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Not the default name: Django's file backend uses SESSION_COOKIE_NAME as the file prefix. */
const COOKIE_NAME = 'sharedsid';
const env: DjangoEnv = { secretKey: SECRET, engine: 'file', filePath: directory, cookieName: COOKIE_NAME };

function manager(now = wholeSecondNow()) {
  const clock = createClock(now);
  // The store URL, as an application would write it: file:DIR, prefix = cookieName.
  return createSessionManager({
    secretKey: SECRET,
    store: `file:${directory}`,
    cookieName: COOKIE_NAME,
    now: clock.now,
  });
}

describe.skipIf(skip)("Django's file backend ⇄ createFileStore on one SESSION_FILE_PATH", () => {
  it('lets Django read and change a session file sessionkit wrote, under the same file name', async () => {
    const session = manager().open();
    await session.update(RICH_DATA);
    await session.save();
    const key = session.sessionKey!;
    expect(existsSync(join(directory, COOKIE_NAME + key))).toBe(true);
    const [loaded, changed] = await django(env, [
      { op: 'load', key },
      { op: 'modify', key, set: { fromDjango: 'ö' }, delete: ['markup'] },
    ]);
    expect(loaded.data).toEqual(RICH_DATA);
    expect(changed.key).toBe(key);
    const { markup: _, ...rest } = RICH_DATA;
    expect(await manager().open(key).toObject()).toEqual({ ...rest, fromDjango: 'ö' });
  });

  it('reads, changes and saves a session file Django wrote; Django sees the change', async () => {
    const data = largeData('django file');
    const [made] = await django(env, [{ op: 'create', data }]);
    const key = made.key!;
    expect(existsSync(join(directory, COOKIE_NAME + key))).toBe(true);
    const session = manager().open(key);
    expect(await session.toObject()).toEqual(data);
    await session.set('tag', 'changed by sessionkit');
    await session.save();
    expect(session.sessionKey).toBe(key);
    const [loaded] = await django(env, [{ op: 'load', key }]);
    expect(loaded.data).toEqual({ ...data, tag: 'changed by sessionkit' });
  });

  it("keeps Django's integer expiry in a session file", async () => {
    const [made] = await django(env, [{ op: 'create', data: { n: 1 }, expiry: 3600 }]);
    const session = manager().open(made.key);
    expect(await session.getExpiryAge()).toBe(3600);
    await session.set('n', 2);
    await session.save();
    const [loaded] = await django(env, [{ op: 'load', key: made.key, expiry_info: true }]);
    expect(loaded.data).toEqual({ n: 2, _session_expiry: 3600 });
    expect(loaded.expiry_age).toBe(3600);
  });

  it("Django's clearsessions deletes sessionkit's expired files; sessionkit's clearExpired deletes Django's", async () => {
    const sessions = manager();
    const keys: string[] = [];
    for (const expiry of [-60, null]) {
      const session = sessions.open();
      await session.set('who', 'sessionkit');
      await session.setExpiry(expiry);
      await session.save();
      keys.push(session.sessionKey!);
    }
    const [expired, live] = keys as [string, string];
    const [djExpired, djLive, , ...afterDjango] = await django(env, [
      { op: 'create', data: { who: 'django' }, expiry: -60 },
      { op: 'create', data: { who: 'django' } },
      { op: 'clearsessions' },
      { op: 'exists', key: expired },
      { op: 'exists', key: live },
      { op: 'exists', key: '$0' },
    ]);
    // Django's clearsessions removed both expired files, sessionkit's included.
    expect(afterDjango.map((result) => result.exists)).toEqual([false, true, false]);

    const [again] = await django(env, [{ op: 'create', data: { who: 'django' }, expiry: -60 }]);
    expect(await sessions.clearExpired()).toBe(1);
    const [gone, kept] = await django(env, [
      { op: 'exists', key: again.key },
      { op: 'exists', key: djLive.key },
    ]);
    expect([gone.exists, kept.exists]).toEqual([false, true]);
    expect(existsSync(join(directory, COOKIE_NAME + live))).toBe(true);
    expect(djExpired.key).not.toBe(again.key);
  });
});
