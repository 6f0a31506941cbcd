import mysql from 'mysql2/promise';
import { createMysqlStore } from '../../src/stores/mysql.js';
import { createMysqlUserIndex } from '../../src/stores/user-index/mysql.js';
import { skipWithout } from '../services/probe.js';
import { describeUserSessions } from './scenario.js';

const URL = process.env.SESSIONKIT_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const TABLE = 'us_session_my';

async function problem(): Promise<string | null> {
  try {
    const connection = await mysql.createConnection({ uri: URL, connectTimeout: 2000 });
    await connection.query(`DROP TABLE IF EXISTS ${TABLE}_user, ${TABLE}_url_user`);
    await connection.end();
    return null;
  } catch (error) {
    return `no MariaDB/MySQL server at ${URL} (${(error as Error).message})`;
  }
}

const skip = skipWithout('user-sessions tests on MariaDB', await problem());

describeUserSessions({
  name: 'mysql/mariadb (store URL)',
  skip,
  setup: () => ({
    options: () => ({ store: `${URL}?table=${TABLE}_url&createTable=true`, userSessions: true }),
  }),
});

describeUserSessions({
  name: 'mysql/mariadb (shared pool)',
  skip,
  setup() {
    const pool = mysql.createPool({ uri: URL, connectionLimit: 4, timezone: 'Z', dateStrings: true });
    return {
      options: () => ({
        store: createMysqlStore({ pool, table: TABLE, createTable: true }),
        userSessions: { index: createMysqlUserIndex({ pool, table: TABLE }) },
      }),
      cleanup: () => pool.end(),
    };
  },
});
