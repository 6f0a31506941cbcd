import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { createCachedDbStore } from '../../src/stores/cached-db.js';
import { createRedisStore } from '../../src/stores/redis.js';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import { skipWithout } from '../services/probe.js';
import { REDIS_URL, redisProblem } from '../services/redis.js';
import { describeTouch } from './driver.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-touch-cached-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The cache is Redis (wall-clock TTLs), so the test runs on the wall clock.
describeTouch({
  name: 'cached-db (sqlite + redis)',
  skip: skipWithout('cached-db touch tests', await redisProblem()),
  realTime: true,
  createStore: () =>
    createCachedDbStore({
      db: createSqliteStore({ path: join(dir, 'sessions.db') }),
      cache: createRedisStore({ url: REDIS_URL, prefix: `sessionkit.test.touch.cdb.${process.pid}.` }),
      logger: silentLogger,
    }),
});
