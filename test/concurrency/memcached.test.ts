import { createMemcachedStore } from '../../src/stores/memcached.js';
import { ensureMemcached } from '../services/memcached.js';
import { skipWithout } from '../services/probe.js';
import { describeConcurrency } from './driver.js';

let servers: string[] = [];
const problem = await ensureMemcached().then(
  (pool) => {
    servers = pool;
    return null;
  },
  (error: unknown) => (error as Error).message,
);

describeConcurrency({
  name: 'memcached',
  skip: skipWithout('memcached concurrency tests', problem),
  locks: false,
  createStore: () => createMemcachedStore({ servers, prefix: `sessionkit.test.concurrency.${process.pid}.` }),
});
