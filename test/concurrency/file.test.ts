import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createFileStore } from '../../src/stores/file.js';
import { describeConcurrency } from './driver.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-concurrency-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeConcurrency({ name: 'file', createStore: () => createFileStore({ directory: dir }) });
