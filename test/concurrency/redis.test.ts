import { createRedisStore } from '../../src/stores/redis.js';
import { skipWithout } from '../services/probe.js';
import { REDIS_URL, redisProblem } from '../services/redis.js';
import { describeConcurrency } from './driver.js';

describeConcurrency({
  name: 'redis',
  skip: skipWithout('Redis concurrency tests', await redisProblem()),
  createStore: () =>
    createRedisStore({ url: REDIS_URL, prefix: `sessionkit.test.concurrency.${process.pid}.` }),
});
