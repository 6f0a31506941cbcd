/** sessionkit/express with the Redis store in Django's signed format (`dataFormat: 'django'`). @module */
import { createRedisStore } from '../../../src/stores/redis.js';
import { benchPrefix, deletePrefix, REDIS_URL } from './_redis.js';
import { startSessionkitExpress } from './_sessionkit-express.js';

const prefix = benchPrefix('sessionkit-django');
startSessionkitExpress(createRedisStore({ url: REDIS_URL, prefix, dataFormat: 'django' }), () =>
  deletePrefix(prefix),
);
