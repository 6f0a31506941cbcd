import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import { djangoProblem, mustSkip } from './harness.js';
import { describeDjangoDatabase } from './shared-db.js';

const skip = mustSkip('Django interop tests on SQLite', await djangoProblem());

describeDjangoDatabase({
  name: 'SQLite',
  skip,
  async setup() {
    const directory = mkdtempSync(join(tmpdir(), 'sessionkit-django-sqlite-'));
    const path = join(directory, 'shared.sqlite3');
    let reader: Database.Database | null = null;
    return {
      db: { engine: 'sqlite3', name: path },
      // Opened after Django's migrate, so the table is Django's own; createTable: false proves it.
      createStore: () => createSqliteStore({ path, createTable: false }),
      async passwordHash(userId) {
        reader ??= new Database(path, { readonly: true });
        const row = reader.prepare('SELECT password FROM auth_user WHERE id = ? AND is_active').get(userId) as
          | { password: string }
          | undefined;
        return row?.password ?? null;
      },
      async close() {
        reader?.close();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  },
});
