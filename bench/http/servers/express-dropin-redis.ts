/**
 * sessionkit/express-session (the drop-in) with the Redis store (Django's signed format), under a key
 * prefix of this process's own, deleted at stop (the shared Redis is never flushed).
 * @module
 */
import { createClient } from 'redis';
import { createRedisStore } from '../../../src/stores/redis.js';
import { startDropin } from './express-dropin-app.js';

const url = process.env.SESSIONKIT_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-http:dropin:${process.pid}:`;

startDropin(createRedisStore({ url, prefix }), async () => {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length > 0) await client.del(keys);
  }
  client.destroy();
});
