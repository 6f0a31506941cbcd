import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createFileStore } from '../../src/stores/file.js';
import { describeTouch } from './driver.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-touch-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The expiry is the file's mtime (wall clock) + age: the test runs on the wall clock.
describeTouch({ name: 'file', realTime: true, createStore: () => createFileStore({ directory: dir }) });
