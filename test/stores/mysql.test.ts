import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, InvalidSessionKey, StoreUnavailable } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import { createMysqlStore, mysqlSchema } from '../../src/stores/mysql.js';
import { resolveStore } from '../../src/stores/resolve.js';
import type { SessionStore } from '../../src/stores/types.js';
import { describeStoreContract } from '../../src/testing/index.js';
import { announceSkip, createRecordingLogger, inCI, SECRET, silentServer } from '../helpers.js';
import { vitestRunner } from './runner.js';

const URL = process.env.SESSIONKIT_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const CONTRACT_TABLE = 'django_session_ct_mysql';
const TABLE = 'django_session_st_mysql';
const DDL_DATABASE = 'sessionkit_mysql_ddl';

async function reachable(): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({ uri: URL, connectTimeout: 2000 });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

const available = await reachable();
const skip = !available && !inCI;
if (skip) announceSkip('MySQL/MariaDB store tests', `no MySQL/MariaDB server at ${URL}`);

const inAnHour = () => new Date(Date.now() + 3_600_000);

describeStoreContract(vitestRunner, {
  name: 'mysql',
  skip,
  async createStore() {
    const store = createMysqlStore({ url: URL, table: CONTRACT_TABLE });
    await store.createTable?.();
    return store;
  },
  async destroyStore(store) {
    const admin = await mysql.createConnection({ uri: URL });
    await admin.query(`DROP TABLE IF EXISTS \`${CONTRACT_TABLE}\``);
    await admin.end();
    if (store.kind === 'server') await store.close?.();
  },
});

describe.skipIf(skip)('createMysqlStore', () => {
  let admin: mysql.Pool;
  let store: SessionStore;
  const utcText = async (key: string): Promise<string> => {
    const [rows] = await admin.query<mysql.RowDataPacket[]>(
      `SELECT DATE_FORMAT(expire_date, '%Y-%m-%d %H:%i:%s.%f') AS t FROM \`${TABLE}\` WHERE session_key = ?`,
      [key],
    );
    return String(rows[0]?.t);
  };

  beforeAll(async () => {
    admin = mysql.createPool({ uri: URL, connectionLimit: 2 });
    await admin.query(`DROP TABLE IF EXISTS \`${TABLE}\``);
    store = createMysqlStore({ url: URL, table: TABLE, clearBatchSize: 4000 });
    await store.createTable?.();
  });
  afterAll(async () => {
    await store?.close?.();
    await admin?.query(`DROP TABLE IF EXISTS \`${TABLE}\``);
    await admin?.end();
  });

  it("creates Django's django_session table: column types and index names", async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${DDL_DATABASE}`);
    await admin.query(`CREATE DATABASE ${DDL_DATABASE}`);
    const pool = mysql.createPool({ uri: URL.replace(/\/[^/?]*$/, `/${DDL_DATABASE}`) });
    const ddlStore = createMysqlStore({ pool });
    try {
      await ddlStore.createTable?.();
      await ddlStore.createTable?.();
      const [columns] = await admin.query<mysql.RowDataPacket[]>(
        `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_KEY AS k
         FROM information_schema.columns WHERE table_schema = ? AND table_name = 'django_session'
         ORDER BY ordinal_position`,
        [DDL_DATABASE],
      );
      expect(columns.map((c) => ({ ...c }))).toEqual([
        { name: 'session_key', type: 'varchar(40)', nullable: 'NO', k: 'PRI' },
        { name: 'session_data', type: 'longtext', nullable: 'NO', k: '' },
        { name: 'expire_date', type: 'datetime(6)', nullable: 'NO', k: 'MUL' },
      ]);
      const [indexes] = await admin.query<mysql.RowDataPacket[]>(
        `SELECT INDEX_NAME AS name, COLUMN_NAME AS col, NON_UNIQUE AS nonUnique FROM information_schema.statistics
         WHERE table_schema = ? AND table_name = 'django_session' ORDER BY INDEX_NAME`,
        [DDL_DATABASE],
      );
      expect(indexes.map((i) => ({ ...i, nonUnique: Number(i.nonUnique) }))).toEqual([
        { name: 'django_session_expire_date_a5c62663', col: 'expire_date', nonUnique: 1 },
        { name: 'PRIMARY', col: 'session_key', nonUnique: 0 },
      ]);
    } finally {
      await ddlStore.close?.();
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${DDL_DATABASE}`);
    }
  });

  it('prints the DDL Django runs for the default table', () => {
    expect(mysqlSchema()).toEqual([
      'CREATE TABLE IF NOT EXISTS `django_session` (`session_key` varchar(40) NOT NULL PRIMARY KEY, `session_data` longtext NOT NULL, `expire_date` datetime(6) NOT NULL)',
      'CREATE INDEX `django_session_expire_date_a5c62663` ON `django_session` (`expire_date`)',
    ]);
  });

  it('createTable is idempotent, also when called concurrently', async () => {
    await Promise.all([store.createTable?.(), store.createTable?.(), store.createTable?.()]);
    await store.createTable?.();
    expect(await store.exists('abcdefgh')).toBe(false);
  });

  it('reads a row written the way Django writes it (UTC datetime(6))', async () => {
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const key = 'djangomadekeymysql00000000000000';
    await admin.query(`INSERT INTO \`${TABLE}\` VALUES (?, ?, '2099-12-12 15:55:34.744907')`, [
      key,
      sessions.codec.encode({ 'a test key': 'a test value' }),
    ]);
    expect(await sessions.open(key).get('a test key')).toBe('a test value');
    const stored = await store.load(key, new Date());
    expect(stored?.expireDate?.toISOString()).toBe('2099-12-12T15:55:34.744Z');
  });

  it('does not load an expired row, though it still exists', async () => {
    const key = 'expiredrowmysql0000000000000000a';
    await admin.query(`INSERT INTO \`${TABLE}\` VALUES (?, 'x', UTC_TIMESTAMP(6) - INTERVAL 1 SECOND)`, [
      key,
    ]);
    expect(await store.load(key, new Date())).toBeNull();
    expect(await store.exists(key)).toBe(true);
  });

  it('writes UTC whatever time zone an injected pool converts dates with', async () => {
    const pool = mysql.createPool({ uri: URL, timezone: '+05:30' });
    const zoned = createMysqlStore({ pool, table: TABLE });
    const expireDate = new Date(Date.UTC(2099, 0, 2, 3, 4, 5, 678));
    try {
      await zoned.create({ key: 'zonedrowmysql000', data: 'x', expireDate, maxAge: 60 });
      expect(await utcText('zonedrowmysql000')).toBe('2099-01-02 03:04:05.678000');
      expect((await zoned.load('zonedrowmysql000', new Date()))?.expireDate).toEqual(expireDate);
    } finally {
      await pool.end();
    }
  });

  it('create never overwrites and update never resurrects', async () => {
    const record = { key: 'createupdatemy00', data: 'one', expireDate: inAnHour(), maxAge: 3600 };
    expect(await store.create(record)).toBe(true);
    expect(await store.create({ ...record, data: 'two' })).toBe(false);
    expect((await store.load(record.key, new Date()))?.data).toBe('one');
    await store.delete(record.key);
    expect(await store.update(record)).toBe(false);
    expect(await store.exists(record.key)).toBe(false);
  });

  it('update of an unchanged row still reports it found, even without FOUND_ROWS', async () => {
    const pool = mysql.createPool({ uri: URL, flags: ['-FOUND_ROWS'] });
    const plain = createMysqlStore({ pool, table: TABLE });
    const record = { key: 'unchangedrowmy00', data: 'same', expireDate: inAnHour(), maxAge: 3600 };
    try {
      expect(await plain.create(record)).toBe(true);
      expect(await plain.update(record)).toBe(true);
      expect(await plain.update(record)).toBe(true);
      expect(await store.update(record)).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('reports a failed insert other than a taken key as an error, not as a collision', async () => {
    const record = { key: 'k'.repeat(41), data: 'x', expireDate: inAnHour(), maxAge: 3600 };
    await expect(store.create(record)).rejects.toBeInstanceOf(StoreUnavailable);
    expect(await store.exists('k'.repeat(40))).toBe(false);
  });

  it('clears expired rows in batches and reports progress against the total', async () => {
    const digits =
      '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
    await admin.query(
      `INSERT INTO \`${TABLE}\` SELECT CONCAT('bulk', LPAD(n, 28, '0')), 'x', UTC_TIMESTAMP(6) - INTERVAL 1 HOUR
       FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS n
             FROM ${digits} a, ${digits} b, ${digits} c, ${digits} e, ${digits} f) AS numbers
       WHERE n < 25000`,
    );
    await store.create({ key: 'livebulkrowmy000', data: 'x', expireDate: inAnHour(), maxAge: 3600 });
    const progress: Array<[number, number | undefined]> = [];
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const deleted = await sessions.clearExpired((done, total) => progress.push([done, total]));
    expect(deleted).toBeGreaterThanOrEqual(25_000);
    expect(progress.length).toBeGreaterThanOrEqual(7);
    expect(progress.slice(0, 2).map(([done]) => done)).toEqual([4000, 8000]);
    expect(progress.at(-1)).toEqual([deleted, deleted]);
    expect(await store.exists('livebulkrowmy000')).toBe(true);
    const [rows] = await admin.query<mysql.RowDataPacket[]>(
      `SELECT count(*) AS n FROM \`${TABLE}\` WHERE expire_date < UTC_TIMESTAMP(6)`,
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('loads a session with a corrupt row as empty, with a warning', async () => {
    const logger = createRecordingLogger();
    const sessions = createSessionManager({ secretKey: SECRET, store, logger });
    await admin.query(
      `INSERT INTO \`${TABLE}\` VALUES ('corruptrowmy0000', 'garbage:value', UTC_TIMESTAMP(6) + INTERVAL 1 HOUR)`,
    );
    const session = sessions.open('corruptrowmy0000');
    expect(await session.items()).toEqual([]);
    expect(logger.records.map((r) => r.message)).toEqual(['Session data corrupted']);
  });

  it('rejects session keys longer than the varchar(40) column', () => {
    expect(() => store.validateKey?.('k'.repeat(41))).toThrow(InvalidSessionKey);
    expect(() => store.validateKey?.('k'.repeat(40))).not.toThrow();
  });

  it('creates the table on first use with createTable: true', async () => {
    const table = 'django_session_auto_mysql';
    await admin.query(`DROP TABLE IF EXISTS \`${table}\``);
    const auto = createMysqlStore({ url: `${URL}?table=${table}&createTable=true` });
    try {
      expect(await auto.exists('abcdefgh')).toBe(false);
      const [rows] = await admin.query<mysql.RowDataPacket[]>(
        'SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
        [table],
      );
      expect(rows).toHaveLength(1);
    } finally {
      await auto.close?.();
      await admin.query(`DROP TABLE IF EXISTS \`${table}\``);
    }
  });

  it('reports a missing table as StoreUnavailable that says how to create it', async () => {
    const missing = createMysqlStore({ url: URL, table: 'sessionkit_no_such_table' });
    const error = await missing.exists('abcdefgh').catch((e: unknown) => e);
    await missing.close?.();
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as StoreUnavailable).detail).toMatch(/does not exist.*createTable/);
  });

  it('reports a refused connection as StoreUnavailable', async () => {
    const down = createMysqlStore({ url: 'mysql://root@127.0.0.1:1/test', timeoutMs: 1000 });
    await expect(down.load('abcdefgh', new Date())).rejects.toBeInstanceOf(StoreUnavailable);
    await down.close?.();
  });

  it('reports a server that never answers as StoreUnavailable instead of hanging', async () => {
    const server = await silentServer();
    const hung = createMysqlStore({ url: `mysql://root@127.0.0.1:${server.port}/test`, timeoutMs: 300 });
    const error = await hung.exists('abcdefgh').catch((e: unknown) => e);
    await server.close();
    await hung.close?.();
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as StoreUnavailable).status).toBe(503);
  });

  it('rejects a bad URL or bad options with ConfigError at construction', () => {
    expect(() => createMysqlStore({ url: 'not a url' })).toThrow(ConfigError);
    expect(() => createMysqlStore({ url: 'postgres://root@127.0.0.1/test' })).toThrow(ConfigError);
    expect(() => createMysqlStore({ url: 'mysql://root@127.0.0.1:3306' })).toThrow(ConfigError);
    expect(() => createMysqlStore({ url: `${URL}?poolSize=-1` })).toThrow(ConfigError);
    expect(() => createMysqlStore({ url: `${URL}?sslmode=on` })).toThrow(ConfigError);
    expect(() => createMysqlStore({ url: URL, table: 'bad`name' })).toThrow(ConfigError);
    expect(() => createMysqlStore({})).toThrow(ConfigError);
  });

  it('is built from mysql:// and mariadb:// URLs with table and timeout parameters', async () => {
    await store.create({ key: 'urlbuiltrowmy000', data: 'x', expireDate: inAnHour(), maxAge: 3600 });
    for (const scheme of ['mysql', 'mariadb']) {
      const url = `${URL.replace(/^(mysql|mariadb)/, scheme)}?table=${TABLE}&timeout=2000`;
      const resolved = await resolveStore(url, { cookieName: 'sessionid', logger: createRecordingLogger() });
      expect(resolved.name).toBe('mysql');
      if (resolved.kind !== 'server') throw new Error('expected a server store');
      expect(await resolved.exists('urlbuiltrowmy000')).toBe(true);
      await resolved.close?.();
    }
  });

  it('stores dates as the same UTC text Django writes', async () => {
    const expireDate = new Date(Date.UTC(2099, 5, 7, 8, 9, 10, 11));
    await store.create({ key: 'utctextmysql0000', data: 'x', expireDate, maxAge: 60 });
    expect(await utcText('utctextmysql0000')).toBe('2099-06-07 08:09:10.011000');
  });
});
