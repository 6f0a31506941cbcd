import { redisClusterTestStore } from '../services/cache-stores.js';
import { describeTouch } from './driver.js';

describeTouch({
  name: 'redis-cluster',
  realTime: true,
  ...(await redisClusterTestStore(
    `sessionkit.test.touch.cluster.${process.pid}.`,
    'Redis Cluster touch tests',
  )),
});
