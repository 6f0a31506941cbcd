import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailable } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import { fromSqliteDatetime, toSqliteDatetime } from '../../src/stores/_shared.js';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import { describeStoreContract } from '../../src/testing/index.js';
import { createRecordingLogger, SECRET } from '../helpers.js';
import { vitestRunner } from './runner.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreContract(vitestRunner, {
  name: 'sqlite',
  createStore: () => createSqliteStore({ path: join(dir, 'contract.db') }),
});

describe('createSqliteStore', () => {
  it("creates Django's django_session table and expiry index", async () => {
    const path = join(dir, 'ddl.db');
    const store = createSqliteStore({ path });
    await store.exists('abcdefgh');
    const db = new Database(path, { readonly: true });
    const table = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'django_session'").pluck().get();
    const index = db
      .prepare("SELECT sql FROM sqlite_master WHERE name = 'django_session_expire_date_a5c62663'")
      .pluck()
      .get();
    db.close();
    await store.close?.();
    expect(table).toBe(
      'CREATE TABLE "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL)',
    );
    expect(index).toBe(
      'CREATE INDEX "django_session_expire_date_a5c62663" ON "django_session" ("expire_date")',
    );
  });

  it('writes expire_date as Django does: UTC text, fraction only when non-zero', () => {
    expect(toSqliteDatetime(new Date(Date.UTC(2026, 11, 12, 15, 55, 34, 744)))).toBe(
      '2026-12-12 15:55:34.744000',
    );
    expect(toSqliteDatetime(new Date(Date.UTC(2026, 11, 12, 15, 55, 34)))).toBe('2026-12-12 15:55:34');
    expect(fromSqliteDatetime('2026-12-12 15:55:34.744907').getTime()).toBe(
      Date.UTC(2026, 11, 12, 15, 55, 34, 744),
    );
  });

  it('reads a row written the way Django writes it', async () => {
    const path = join(dir, 'django-row.db');
    const store = createSqliteStore({ path });
    const sessions = createSessionManager({ secretKey: SECRET, store });
    await store.exists('warmup00');
    const db = new Database(path);
    db.prepare('INSERT INTO django_session VALUES (?, ?, ?)').run(
      'djangomadekey0000000000000000000',
      sessions.codec.encode({ 'a test key': 'a test value' }),
      toSqliteDatetime(new Date(Date.now() + 3_600_000)),
    );
    db.close();
    expect(await sessions.open('djangomadekey0000000000000000000').get('a test key')).toBe('a test value');
    await store.close?.();
  });

  it('clears expired rows in batches and reports progress', async () => {
    const store = createSqliteStore({ path: join(dir, 'clear.db') });
    const sessions = createSessionManager({ secretKey: SECRET, store });
    for (const expiry of [3600, -3600, -7200]) {
      const s = sessions.open();
      await s.set('x', expiry);
      await s.setExpiry(expiry);
      await s.save();
    }
    const progress: number[] = [];
    expect(await sessions.clearExpired((deleted) => progress.push(deleted))).toBe(2);
    expect(progress.at(-1)).toBe(2);
    expect(await sessions.clearExpired()).toBe(0);
    await store.close?.();
  });

  it('creates the table on demand when auto-creation is off, idempotently', async () => {
    const store = createSqliteStore({ path: join(dir, 'manual.db'), createTable: false });
    await store.createTable?.();
    await store.createTable?.();
    expect(await store.exists('abcdefgh')).toBe(false);
    await store.close?.();
  });

  it('reports an unopenable database as StoreUnavailable', async () => {
    const store = createSqliteStore({ path: join(dir, 'missing-dir', 'x.db') });
    await expect(store.exists('abcdefgh')).rejects.toBeInstanceOf(StoreUnavailable);
  });

  it('loads a session with a corrupt row as empty, with a warning', async () => {
    const store = createSqliteStore({ path: join(dir, 'corrupt.db') });
    const logger = createRecordingLogger();
    const sessions = createSessionManager({ secretKey: SECRET, store, logger });
    await store.create({
      key: 'corruptrow000000',
      data: '\u0000garbage',
      expireDate: new Date(Date.now() + 60_000),
      maxAge: 60,
    });
    const s = sessions.open('corruptrow000000');
    expect(await s.items()).toEqual([]);
    expect(logger.records).toHaveLength(1);
    await store.close?.();
  });
});
