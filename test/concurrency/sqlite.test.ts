import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import { describeConcurrency } from './driver.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-concurrency-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeConcurrency({
  name: 'sqlite',
  createStore: () => createSqliteStore({ path: join(dir, 'sessions.db') }),
});
