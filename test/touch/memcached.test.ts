import { createMemcachedStore } from '../../src/stores/memcached.js';
import { ensureMemcached } from '../services/memcached.js';
import { skipWithout } from '../services/probe.js';
import { describeTouch } from './driver.js';

let servers: string[] = [];
const problem = await ensureMemcached().then(
  (pool) => {
    servers = pool;
    return null;
  },
  (error: unknown) => (error as Error).message,
);

describeTouch({
  name: 'memcached',
  skip: skipWithout('memcached touch tests', problem),
  realTime: true,
  createStore: () => createMemcachedStore({ servers, prefix: `sessionkit.test.touch.${process.pid}.` }),
});
