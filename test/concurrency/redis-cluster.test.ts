import { redisClusterTestStore } from '../services/cache-stores.js';
import { describeConcurrency } from './driver.js';

describeConcurrency({
  name: 'redis-cluster',
  ...(await redisClusterTestStore(
    `sessionkit.test.concurrency.cluster.${process.pid}.`,
    'Redis Cluster concurrency tests',
  )),
});
