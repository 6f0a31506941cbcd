import { createRedisStore } from '../../src/stores/redis.js';
import { skipWithout } from '../services/probe.js';
import { REDIS_URL, redisProblem } from '../services/redis.js';
import { describeTouch } from './driver.js';

describeTouch({
  name: 'redis',
  skip: skipWithout('Redis touch tests', await redisProblem()),
  realTime: true,
  createStore: () => createRedisStore({ url: REDIS_URL, prefix: `sessionkit.test.touch.${process.pid}.` }),
});
