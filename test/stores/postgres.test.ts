import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, InvalidSessionKey, StoreUnavailable } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import { createPostgresStore, postgresSchema } from '../../src/stores/postgres.js';
import { resolveStore } from '../../src/stores/resolve.js';
import type { SessionStore } from '../../src/stores/types.js';
import { describeStoreContract } from '../../src/testing/index.js';
import { announceSkip, createRecordingLogger, inCI, SECRET, silentServer } from '../helpers.js';
import { vitestRunner } from './runner.js';

const URL = process.env.SESSIONKIT_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONTRACT_TABLE = 'django_session_ct_pg';
const TABLE = 'django_session_st_pg';
const DDL_SCHEMA = 'sessionkit_pg_ddl';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const available = await reachable();
const skip = !available && !inCI;
if (skip) announceSkip('PostgreSQL store tests', `no PostgreSQL server at ${URL}`);

const settings = { logger: createRecordingLogger() };
const inAnHour = () => new Date(Date.now() + 3_600_000);

describeStoreContract(vitestRunner, {
  name: 'postgres',
  skip,
  async createStore() {
    const store = createPostgresStore({ url: URL, table: CONTRACT_TABLE });
    await store.createTable?.();
    return store;
  },
  async destroyStore(store) {
    const admin = new pg.Client({ connectionString: URL });
    await admin.connect();
    await admin.query(`DROP TABLE IF EXISTS "${CONTRACT_TABLE}"`);
    await admin.end();
    if (store.kind === 'server') await store.close?.();
  },
});

describe.skipIf(skip)('createPostgresStore', () => {
  let admin: pg.Pool;
  let store: SessionStore;

  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: URL, max: 2 });
    await admin.query(`DROP TABLE IF EXISTS "${TABLE}"`);
    store = createPostgresStore({ url: URL, table: TABLE, clearBatchSize: 4000 });
    await store.createTable?.();
  });
  afterAll(async () => {
    await store?.close?.();
    await admin?.query(`DROP TABLE IF EXISTS "${TABLE}"`);
    await admin?.end();
  });

  it("creates Django's django_session table: column types and index names", async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${DDL_SCHEMA} CASCADE`);
    await admin.query(`CREATE SCHEMA ${DDL_SCHEMA}`);
    const pool = new pg.Pool({ connectionString: URL, options: `-c search_path=${DDL_SCHEMA}` });
    const ddlStore = createPostgresStore({ pool });
    try {
      await ddlStore.createTable?.();
      const columns = await admin.query(
        `SELECT column_name, data_type, character_maximum_length, is_nullable FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = 'django_session' ORDER BY ordinal_position`,
        [DDL_SCHEMA],
      );
      expect(columns.rows).toEqual([
        {
          column_name: 'session_key',
          data_type: 'character varying',
          character_maximum_length: 40,
          is_nullable: 'NO',
        },
        { column_name: 'session_data', data_type: 'text', character_maximum_length: null, is_nullable: 'NO' },
        {
          column_name: 'expire_date',
          data_type: 'timestamp with time zone',
          character_maximum_length: null,
          is_nullable: 'NO',
        },
      ]);
      const indexes = await admin.query(
        'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname',
        [DDL_SCHEMA],
      );
      const on = `ON ${DDL_SCHEMA}.django_session USING btree`;
      expect(indexes.rows).toEqual([
        {
          indexname: 'django_session_expire_date_a5c62663',
          indexdef: `CREATE INDEX django_session_expire_date_a5c62663 ${on} (expire_date)`,
        },
        {
          indexname: 'django_session_pkey',
          indexdef: `CREATE UNIQUE INDEX django_session_pkey ${on} (session_key)`,
        },
        {
          indexname: 'django_session_session_key_c0390e0f_like',
          indexdef: `CREATE INDEX django_session_session_key_c0390e0f_like ${on} (session_key varchar_pattern_ops)`,
        },
      ]);
    } finally {
      await ddlStore.close?.();
      await pool.end();
      await admin.query(`DROP SCHEMA IF EXISTS ${DDL_SCHEMA} CASCADE`);
    }
  });

  it('prints the DDL Django runs for the default table', () => {
    expect(postgresSchema()).toEqual([
      'CREATE TABLE IF NOT EXISTS "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" timestamp with time zone NOT NULL)',
      'CREATE INDEX IF NOT EXISTS "django_session_expire_date_a5c62663" ON "django_session" ("expire_date")',
      'CREATE INDEX IF NOT EXISTS "django_session_session_key_c0390e0f_like" ON "django_session" ("session_key" varchar_pattern_ops)',
    ]);
  });

  it('createTable is idempotent, also when called concurrently', async () => {
    await Promise.all([store.createTable?.(), store.createTable?.(), store.createTable?.()]);
    await store.createTable?.();
    expect(await store.exists('abcdefgh')).toBe(false);
  });

  it('reads a row written the way Django writes it', async () => {
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const key = 'djangomadekeypg00000000000000000';
    await admin.query(`INSERT INTO "${TABLE}" VALUES ($1, $2, $3::timestamptz)`, [
      key,
      sessions.codec.encode({ 'a test key': 'a test value' }),
      '2099-12-12 15:55:34.744907+00',
    ]);
    expect(await sessions.open(key).get('a test key')).toBe('a test value');
    const stored = await store.load(key, new Date());
    expect(stored?.expireDate?.toISOString()).toBe('2099-12-12T15:55:34.744Z');
  });

  it('does not load an expired row, though it still exists', async () => {
    const key = 'expiredrowpg0000000000000000000a';
    await admin.query(`INSERT INTO "${TABLE}" VALUES ($1, 'x', now() - interval '1 second')`, [key]);
    expect(await store.load(key, new Date())).toBeNull();
    expect(await store.exists(key)).toBe(true);
  });

  it('stores expiry as an absolute UTC time whatever the connection time zone', async () => {
    const pool = new pg.Pool({ connectionString: URL, options: '-c TimeZone=Asia/Kolkata' });
    const zoned = createPostgresStore({ pool, table: TABLE });
    const expireDate = new Date(Date.UTC(2099, 0, 2, 3, 4, 5, 678));
    await zoned.create({ key: 'zonedrowpg000000', data: 'x', expireDate, maxAge: 60 });
    const { rows } = await admin.query(
      `SELECT to_char(expire_date AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') AS utc FROM "${TABLE}" WHERE session_key = $1`,
      ['zonedrowpg000000'],
    );
    expect(rows[0].utc).toBe('2099-01-02 03:04:05.678');
    expect((await zoned.load('zonedrowpg000000', new Date()))?.expireDate).toEqual(expireDate);
    await pool.end();
  });

  it('create never overwrites and update never resurrects', async () => {
    const record = { key: 'createupdatepg00', data: 'one', expireDate: inAnHour(), maxAge: 3600 };
    expect(await store.create(record)).toBe(true);
    expect(await store.create({ ...record, data: 'two' })).toBe(false);
    expect((await store.load(record.key, new Date()))?.data).toBe('one');
    expect(await store.update(record)).toBe(true);
    await store.delete(record.key);
    expect(await store.update(record)).toBe(false);
    expect(await store.exists(record.key)).toBe(false);
  });

  it('clears expired rows in batches and reports progress against the total', async () => {
    await admin.query(
      `INSERT INTO "${TABLE}" SELECT 'bulk' || lpad(g::text, 28, '0'), 'x', now() - interval '1 hour'
       FROM generate_series(1, 25000) AS g`,
    );
    await store.create({ key: 'livebulkrowpg000', data: 'x', expireDate: inAnHour(), maxAge: 3600 });
    const progress: Array<[number, number | undefined]> = [];
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const deleted = await sessions.clearExpired((done, total) => progress.push([done, total]));
    expect(deleted).toBeGreaterThanOrEqual(25_000);
    expect(progress.length).toBeGreaterThanOrEqual(7);
    expect(progress.slice(0, 2).map(([done]) => done)).toEqual([4000, 8000]);
    expect(progress.at(-1)).toEqual([deleted, deleted]);
    expect(await store.exists('livebulkrowpg000')).toBe(true);
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${TABLE}" WHERE expire_date < now()`);
    expect(rows[0].n).toBe(0);
  });

  it('loads a session with a corrupt row as empty, with a warning', async () => {
    const logger = createRecordingLogger();
    const sessions = createSessionManager({ secretKey: SECRET, store, logger });
    await admin.query(
      `INSERT INTO "${TABLE}" VALUES ('corruptrowpg0000', 'garbage:value', now() + interval '1 hour')`,
    );
    const session = sessions.open('corruptrowpg0000');
    expect(await session.items()).toEqual([]);
    expect(logger.records.map((r) => r.message)).toEqual(['Session data corrupted']);
  });

  it('rejects session keys longer than the varchar(40) column', () => {
    expect(() => store.validateKey?.('k'.repeat(41))).toThrow(InvalidSessionKey);
    expect(() => store.validateKey?.('k'.repeat(40))).not.toThrow();
  });

  it('creates the table on first use with createTable: true', async () => {
    const table = 'django_session_auto_pg';
    await admin.query(`DROP TABLE IF EXISTS "${table}"`);
    const auto = createPostgresStore({ url: `${URL}?table=${table}&createTable=true` });
    try {
      expect(await auto.exists('abcdefgh')).toBe(false);
      const { rowCount } = await admin.query('SELECT 1 FROM pg_tables WHERE tablename = $1', [table]);
      expect(rowCount).toBe(1);
    } finally {
      await auto.close?.();
      await admin.query(`DROP TABLE IF EXISTS "${table}"`);
    }
  });

  it('reports a missing table as StoreUnavailable that says how to create it', async () => {
    const missing = createPostgresStore({ url: URL, table: 'sessionkit_no_such_table' });
    const error = await missing.exists('abcdefgh').catch((e: unknown) => e);
    await missing.close?.();
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as StoreUnavailable).detail).toMatch(/does not exist.*createTable/);
  });

  it('reports a refused connection as StoreUnavailable', async () => {
    const down = createPostgresStore({ url: 'postgres://postgres@127.0.0.1:1/test', timeoutMs: 1000 });
    await expect(down.load('abcdefgh', new Date())).rejects.toBeInstanceOf(StoreUnavailable);
    await down.close?.();
  });

  it('reports a server that never answers as StoreUnavailable instead of hanging', async () => {
    const server = await silentServer();
    const hung = createPostgresStore({
      url: `postgres://postgres@127.0.0.1:${server.port}/test`,
      timeoutMs: 300,
    });
    const error = await hung.exists('abcdefgh').catch((e: unknown) => e);
    await server.close();
    await hung.close?.();
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as StoreUnavailable).status).toBe(503);
  });

  it('rejects a bad URL or bad options with ConfigError at construction', () => {
    expect(() => createPostgresStore({ url: 'not a url' })).toThrow(ConfigError);
    expect(() => createPostgresStore({ url: 'mysql://root@127.0.0.1/test' })).toThrow(ConfigError);
    expect(() => createPostgresStore({ url: 'postgres:///test' })).toThrow(ConfigError);
    expect(() => createPostgresStore({ url: `${URL}?timeout=soon` })).toThrow(ConfigError);
    expect(() => createPostgresStore({ url: URL, table: 'bad-name"; DROP' })).toThrow(ConfigError);
    expect(() => createPostgresStore({ url: URL, timeoutMs: 0 })).toThrow(ConfigError);
    expect(() => createPostgresStore({})).toThrow(ConfigError);
  });

  it('is built from postgres:// and postgresql:// URLs with table and timeout parameters', async () => {
    await store.create({ key: 'urlbuiltrowpg000', data: 'x', expireDate: inAnHour(), maxAge: 3600 });
    for (const scheme of ['postgres', 'postgresql']) {
      const url = `${URL.replace(/^postgres(ql)?/, scheme)}?table=${TABLE}&timeout=2000`;
      const resolved = await resolveStore(url, { cookieName: 'sessionid', ...settings });
      expect(resolved.name).toBe('postgres');
      if (resolved.kind !== 'server') throw new Error('expected a server store');
      expect(await resolved.exists('urlbuiltrowpg000')).toBe(true);
      await resolved.close?.();
    }
  });
});
