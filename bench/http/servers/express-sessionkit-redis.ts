/** sessionkit/express with the Redis store as configured by default (unsigned JSON). @module */
import { createRedisStore } from '../../../src/stores/redis.js';
import { benchPrefix, deletePrefix, REDIS_URL } from './_redis.js';
import { startSessionkitExpress } from './_sessionkit-express.js';

const prefix = benchPrefix('sessionkit');
startSessionkitExpress(createRedisStore({ url: REDIS_URL, prefix }), () => deletePrefix(prefix));
