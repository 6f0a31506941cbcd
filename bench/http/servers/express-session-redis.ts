/** express-session + connect-redis on the same Redis as sessionkit's Redis variant. @module */
import { createRequire } from 'node:module';
import { startExpressSession } from './_express-session.js';
import { benchPrefix, connectRedis, deletePrefix } from './_redis.js';

type ConnectRedis = { RedisStore: new (options: { client: unknown; prefix?: string }) => object };

const { RedisStore } = createRequire(import.meta.url)('connect-redis') as ConnectRedis;
const prefix = benchPrefix('express-session');
const client = await connectRedis();
startExpressSession(new RedisStore({ client, prefix }), async () => {
  await deletePrefix(prefix);
  client.destroy();
});
