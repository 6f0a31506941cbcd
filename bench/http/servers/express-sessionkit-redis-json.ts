/** sessionkit/express with the Redis store keeping unsigned JSON (`dataFormat: 'json'`). @module */
import { createRedisStore } from '../../../src/stores/redis.js';
import { benchPrefix, deletePrefix, REDIS_URL } from './_redis.js';
import { startSessionkitExpress } from './_sessionkit-express.js';

const prefix = benchPrefix('sessionkit-json');
startSessionkitExpress(createRedisStore({ url: REDIS_URL, prefix, dataFormat: 'json' }), () =>
  deletePrefix(prefix),
);
