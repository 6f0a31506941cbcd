/**
 * The shared Redis of the Redis variants: its URL, a key prefix of this process's own, and removing
 * that prefix's keys when the server stops (the shared Redis is never flushed).
 * @module
 */
import { createClient } from 'redis';

/** Redis on loopback (env SESSIONKIT_REDIS_URL). */
export const REDIS_URL = process.env.SESSIONKIT_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other process uses: `bench-http:<variant>:<pid>:`. */
export function benchPrefix(variant: string): string {
  return `bench-http:${variant}:${process.pid}:`;
}

/** A connected node-redis client. */
export async function connectRedis(): Promise<ReturnType<typeof createClient>> {
  const client = createClient({ url: REDIS_URL });
  client.on('error', () => {}); // reported by the commands that fail
  await client.connect();
  return client;
}

/** Delete every key under `prefix`. */
export async function deletePrefix(prefix: string): Promise<void> {
  const client = await connectRedis();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    client.destroy();
  }
}
