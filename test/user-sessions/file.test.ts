import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeUserSessions } from './scenario.js';

const directory = mkdtempSync(join(tmpdir(), 'sessionkit-user-sessions-file-'));

describeUserSessions({
  name: 'file (store URL: the index scans the directory)',
  skip: false,
  setup: () => ({
    options: () => ({ store: `file:${directory}`, userSessions: true }),
    cleanup: async () => rmSync(directory, { recursive: true, force: true }),
  }),
});
