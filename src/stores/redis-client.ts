/**
 * The node-redis client behind the Redis stores, connected lazily on first use and tuned to fail fast:
 * during an outage a request gets {@link StoreUnavailable} within the store's timeout instead of
 * waiting in node-redis's offline queue. A cluster client also re-reads the slot map when a node's
 * connection fails, so it follows a failover (see {@link followFailovers}).
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

/**
 * Most commands a node-redis connection holds unanswered or unwritten (`commandsQueueMaxLength`, which
 * `clientOptions` may override): a healthy server keeps a few hundred in flight at most, and a hung one
 * must not make the queue grow for as long as TCP keeps the connection open.
 */
export const COMMAND_QUEUE_LIMIT = 10_000;

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
  const refreshers = new WeakMap<NodeRedisClient, TopologyRefresher>();

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
    // No node-redis command timeout: the store's own timer already bounds every call, and node-redis
    // arms an AbortSignal.timeout per command that fires long after the answer. Its only other effect,
    // dropping commands not yet written to a server that stopped reading, is replaced by the queue bound.
    // With the offline queue disabled, commands sent while disconnected reject at once.
    const failFast = (base: unknown) => {
      const options = (base ?? {}) as Record<string, unknown>;
      return {
        commandsQueueMaxLength: COMMAND_QUEUE_LIMIT,
        ...options,
        disableOfflineQueue: true,
        socket: { ...(options.socket as object | undefined), ...socket },
      };
    };
    const client =
      target.kind === 'client'
        ? redis.createClient({ ...failFast(target.options), url: target.url })
        : redis.createCluster({
            ...target.options,
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
    const topology = target.kind === 'cluster' ? followFailovers(client) : null;
    if (topology && !topology.supported) {
      config.logger?.warn(
        `${config.store}: this version of the redis package cannot re-read the slot map, so sessions of a failed-over master answer 503 until it returns; upgrade redis`,
      );
    }
    // node-redis emits node-error on each failed reconnect of a node, so a dead master keeps asking
    // for a refresh until its replica's promotion shows in the slot map.
    if (topology) {
      client.on('node-error', () => {
        if (connected) topology.refresh();
      });
    }
    try {
      await withTimeout(config.store, config.timeoutMs, () => client.connect());
      connected = true;
      if (topology) refreshers.set(client, topology);
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
      // A refresh still running would connect to the nodes it finds after the close: let it end
      // first, but never wait longer than a command may take.
      const topology = refreshers.get(client);
      if (topology) {
        await withTimeout(config.store, config.timeoutMs, () => topology.stop()).catch(() => {});
      }
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

/** The part of node-redis's cluster client that re-reads the slot map (5.12 has it; v4 keeps it private). */
interface ClusterInternals {
  readonly masters?: ReadonlyArray<{ client?: { isReady?: boolean } }>;
  readonly _slots?: { rediscover?(startWith: unknown): Promise<void> };
}

/** Least time between two slot-map refreshes of one cluster client. */
export const TOPOLOGY_REFRESH_GAP_MS = 1000;

/** Refreshes a cluster client's slot map on demand (see {@link followFailovers}). */
export interface TopologyRefresher {
  /** Whether this node-redis release lets the store re-read the slot map (if not, `refresh()` does nothing). */
  readonly supported: boolean;
  /** Start a refresh, unless one is running or the last one ended less than the gap ago. */
  refresh(): void;
  /** No refresh starts any more; resolves once a running one has ended. */
  stop(): Promise<void>;
}

/**
 * Let a node-redis cluster client follow a failover. node-redis re-reads the slot map only when a node
 * answers MOVED or ASK, which a dead master never does: its client keeps reconnecting to the dead
 * address and, with the offline queue disabled, each command for its slots fails at once, even after
 * its replica's promotion. `refresh()` runs node-redis's own slot-map refresh (the one it runs on
 * MOVED, which drops the dead node and connects to the new master), one at a time and at most one per
 * {@link TOPOLOGY_REFRESH_GAP_MS}, so a stampede of failures costs one refresh. It starts from a master
 * whose connection is up (node-redis falls back to the seed nodes). With a node-redis release that keeps
 * that refresh private (v4), `refresh()` does nothing.
 * @param cluster A node-redis cluster client (connected or not yet).
 * @param now The clock the gap is measured on.
 */
export function followFailovers(cluster: object, now: () => number = Date.now): TopologyRefresher {
  const internals = cluster as ClusterInternals;
  let running: Promise<void> | null = null;
  let stopped = false;
  let notBefore = 0;
  const slots = internals._slots;
  const rediscover = typeof slots?.rediscover === 'function' ? slots.rediscover.bind(slots) : null;
  const supported = rediscover !== null;
  return {
    supported,
    refresh() {
      if (!rediscover || stopped || running || now() < notBefore) return;
      const masters = internals.masters ?? [];
      const start = (masters.find((master) => master.client?.isReady) ?? masters[0])?.client;
      if (!start) return;
      running = rediscover(start)
        // A failed refresh was reported as an `error` event; the next node failure tries again.
        .catch(() => {})
        .finally(() => {
          running = null;
          notBefore = now() + TOPOLOGY_REFRESH_GAP_MS;
        });
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
