import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { session } from '../../src/adapters/express.js';
import { createSessionManager } from '../../src/core/manager.js';
import { createCachedDbStore } from '../../src/stores/cached-db.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import { createSqliteUserIndex } from '../../src/stores/user-index/sqlite.js';
import { SECRET } from '../helpers.js';
import { describeUserSessions } from './scenario.js';

const directory = mkdtempSync(join(tmpdir(), 'sessionkit-user-sessions-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describeUserSessions({
  name: 'sqlite (store URL: the index opens the same file)',
  skip: false,
  setup: () => ({
    options: () => ({ store: `sqlite:${join(directory, 'url.sqlite3')}`, userSessions: true }),
  }),
});

describeUserSessions({
  name: 'cached-db (sqlite database, memory cache)',
  skip: false,
  setup() {
    const database = new Database(join(directory, 'cached-db.sqlite3'));
    return {
      options: () => ({
        store: createCachedDbStore({
          db: createSqliteStore({ database, table: 'us_cached_db' }),
          cache: createMemoryStore(),
        }),
        userSessions: { index: createSqliteUserIndex({ database, table: 'us_cached_db' }) },
      }),
      async cleanup() {
        database.close();
      },
    };
  },
});

describe('userSessions through an adapter option', () => {
  it('indexes the sessions of sessionkit/express created from options, and lists them on its manager', async () => {
    const middleware = session({
      secretKey: SECRET,
      store: `sqlite:${join(directory, 'adapter.sqlite3')}`,
      userSessions: { userKey: 'account' },
    });
    try {
      const first = middleware.manager.open();
      await first.set('account', 'acct-1');
      await first.save();
      expect((await middleware.manager.sessionsOf('acct-1', first.sessionKey)).map((s) => s.current)).toEqual(
        [true],
      );
    } finally {
      await middleware.manager.close();
    }
  });
});

describe('sessionsOf on a table written without the index', () => {
  it('finds every unindexed session, swept a batch at a time', async () => {
    const path = join(directory, 'unindexed.sqlite3');
    const writer = createSessionManager({ secretKey: SECRET, store: `sqlite:${path}` });
    for (let i = 0; i < 2100; i++) {
      const session = writer.open();
      await session.set('_auth_user_id', `u${i % 3}`);
      await session.save();
    }
    await writer.close();
    const reader = createSessionManager({ secretKey: SECRET, store: `sqlite:${path}`, userSessions: true });
    try {
      expect((await reader.sessionsOf('u0')).length).toBe(700);
      expect(await reader.endSessionsOf('u1')).toBe(700);
      expect((await reader.sessionsOf('u2')).length).toBe(700);
    } finally {
      await reader.close();
    }
  });
});
