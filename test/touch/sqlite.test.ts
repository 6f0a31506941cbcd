import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import { describeTouch } from './driver.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-touch-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeTouch({ name: 'sqlite', createStore: () => createSqliteStore({ path: join(dir, 'sessions.db') }) });
