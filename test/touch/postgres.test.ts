import pg from 'pg';
import { createPostgresStore } from '../../src/stores/postgres.js';
import { listens, skipWithout } from '../services/probe.js';
import { describeTouch } from './driver.js';

const URL = process.env.SESSIONKIT_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TABLE = 'django_session_touch_pg';

describeTouch({
  name: 'postgres',
  skip: skipWithout(
    'PostgreSQL touch tests',
    (await listens(5432)) ? null : 'nothing listens on 127.0.0.1:5432',
  ),
  async createStore() {
    const store = createPostgresStore({ url: URL, table: TABLE });
    await store.createTable?.();
    return store;
  },
  async destroyStore(store) {
    await store.close?.();
    const admin = new pg.Client({ connectionString: URL });
    await admin.connect();
    await admin.query(`DROP TABLE IF EXISTS "${TABLE}"`);
    await admin.end();
  },
});
