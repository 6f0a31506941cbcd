import { memcachedTestStore } from '../services/cache-stores.js';
import { describeConcurrency } from './driver.js';

describeConcurrency({
  name: 'memcached',
  locks: false,
  ...(await memcachedTestStore(`sessionkit.test.concurrency.${process.pid}.`, 'memcached concurrency tests')),
});
