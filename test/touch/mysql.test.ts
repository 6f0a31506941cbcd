import mysql from 'mysql2/promise';
import { createMysqlStore } from '../../src/stores/mysql.js';
import { listens, skipWithout } from '../services/probe.js';
import { describeTouch } from './driver.js';

const URL = process.env.SESSIONKIT_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const TABLE = 'django_session_touch_mysql';

describeTouch({
  name: 'mysql',
  skip: skipWithout(
    'MariaDB touch tests',
    (await listens(3306)) ? null : 'nothing listens on 127.0.0.1:3306',
  ),
  async createStore() {
    const store = createMysqlStore({ url: URL, table: TABLE });
    await store.createTable?.();
    return store;
  },
  async destroyStore(store) {
    await store.close?.();
    const admin = await mysql.createConnection({ uri: URL });
    await admin.query(`DROP TABLE IF EXISTS \`${TABLE}\``);
    await admin.end();
  },
});
