/**
 * The standalone Redis on 127.0.0.1:6379 (scripts/services.sh starts it), and a raw node-redis client
 * for tests that inspect what the store wrote.
 */
import { createClient } from 'redis';
import { ask } from './probe.js';

/** The test Redis URL. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Why Redis is unusable, or `null` when it answers PING. */
export async function redisProblem(port = 6379): Promise<string | null> {
  const answer = await ask(port, 'PING\r\n');
  return answer?.startsWith('+PONG')
    ? null
    : `nothing answers PING on 127.0.0.1:${port} (run scripts/services.sh)`;
}

/** A connected raw client; `close()` it when done. */
export async function rawRedis(url: string = REDIS_URL) {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  return client;
}
