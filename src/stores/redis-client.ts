/**
 * The node-redis client behind the Redis stores, connected lazily on first use and tuned to fail fast:
 * during an outage a request gets {@link StoreUnavailable} within the store's timeout instead of
 * waiting in node-redis's offline queue.
 * @module
 */
import type { Logger } from '../core/logger.js';
import { loadPeer, withTimeout } from './_shared.js';
import type { RedisLikeClient } from './redis.js';

/** What the stores use of a node-redis v4/v5 client or cluster (typed locally: `redis` is optional). */
interface NodeRedisClient extends RedisLikeClient {
  connect(): Promise<unknown>;
  /** v5; v4 has `disconnect`. */
  destroy?(): void;
  disconnect?(): Promise<void>;
  /** v5; v4 has `quit`. */
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
  on(event: string, listener: (error: unknown) => void): unknown;
}

interface NodeRedisModule {
  createClient(options: Record<string, unknown>): NodeRedisClient;
  createCluster(options: Record<string, unknown>): NodeRedisClient;
}

/** Which node-redis client to build. */
export type NodeRedisTarget =
  | { kind: 'client'; url: string; options?: Record<string, unknown> }
  | { kind: 'cluster'; rootUrls: string[]; options?: Record<string, unknown> };

/** A lazily connected client: `get()` connects on first use; a failed connect is retried by the next call. */
export interface LazyRedisClient {
  get(): Promise<RedisLikeClient>;
  close(): Promise<void>;
}

/** Create a {@link LazyRedisClient} for `target`; nothing is loaded or connected until `get()`. */
export function lazyNodeRedis(
  target: NodeRedisTarget,
  config: { store: string; timeoutMs: number; logger?: Logger | undefined },
): LazyRedisClient {
  let pending: Promise<NodeRedisClient> | null = null;

  async function open(): Promise<NodeRedisClient> {
    const redis = loadPeer<NodeRedisModule>('redis', config.store);
    let connected = false;
    let healthy = true;
    const socket = {
      connectTimeout: config.timeoutMs,
      // Before the first connection, fail at once (this request gets a 503, the next one tries again);
      // afterwards reconnect in the background with a capped backoff.
      reconnectStrategy: (retries: number, cause: Error) =>
        connected ? Math.min(50 * 2 ** retries, 2000) : cause,
    };
    const commandOptions = { timeout: config.timeoutMs };
    // With the offline queue disabled, commands sent while disconnected reject at once.
    const failFast = (base: unknown) => {
      const options = (base ?? {}) as Record<string, unknown>;
      return {
        ...options,
        disableOfflineQueue: true,
        socket: { ...(options.socket as object | undefined), ...socket },
      };
    };
    const client =
      target.kind === 'client'
        ? redis.createClient({ ...failFast(target.options), commandOptions, url: target.url })
        : redis.createCluster({
            ...target.options,
            commandOptions,
            rootNodes: target.rootUrls.map((url) => ({ url })),
            defaults: failFast(target.options?.defaults),
          });
    const onError = (error: unknown) => {
      // node-redis emits an error per reconnect attempt: log the first of each outage only.
      if (connected && healthy) config.logger?.error(`${config.store} connection error`, { error });
      healthy = false;
    };
    const onReady = () => {
      healthy = true;
    };
    client.on('error', onError);
    client.on('node-error', onError);
    client.on('ready', onReady);
    client.on('node-ready', onReady);
    try {
      await withTimeout(config.store, config.timeoutMs, () => client.connect());
      connected = true;
      return client;
    } catch (error) {
      discard(client);
      throw error;
    }
  }

  return {
    get() {
      pending ??= open().catch((error: unknown) => {
        pending = null;
        throw error;
      });
      return pending;
    },
    async close() {
      const current = pending;
      pending = null;
      if (!current) return;
      const client = await current.catch(() => null);
      if (!client) return;
      try {
        await (client.close ?? client.quit)?.call(client);
      } catch {
        discard(client);
      }
    },
  };
}

function discard(client: NodeRedisClient): void {
  try {
    if (client.destroy) client.destroy();
    else void client.disconnect?.().catch(() => {});
  } catch {
    // Already closed.
  }
}
