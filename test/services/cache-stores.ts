/**
 * The memcached pool and the Redis Cluster as stores for the per-store suites (concurrency, touch): each
 * suite gets its own key prefix; skipped locally when the service cannot be had (failed in CI).
 */
import { createMemcachedStore } from '../../src/stores/memcached.js';
import { createRedisClusterStore } from '../../src/stores/redis.js';
import type { SessionStore } from '../../src/stores/types.js';
import { memcachedPool } from './memcached.js';
import { skipWithout } from './probe.js';
import { redisClusterSeeds } from './redis-cluster.js';
import type { TestStoreOptions } from './sql-stores.js';

/** What a per-store suite needs: whether to skip, and how to make its store. */
export interface CacheTestStore {
  skip: boolean;
  createStore(): SessionStore;
}

/** A memcached store on the test pool, under `prefix`; `what` names the suite in the skip message. */
export async function memcachedTestStore(
  prefix: string,
  what: string,
  options: TestStoreOptions = {},
): Promise<CacheTestStore> {
  const { servers, problem } = await memcachedPool();
  return {
    skip: skipWithout(what, problem),
    createStore: () => createMemcachedStore({ servers, prefix, ...options }),
  };
}

/** A Redis Cluster store on the test cluster, under `prefix`; `what` names the suite in the skip message. */
export async function redisClusterTestStore(
  prefix: string,
  what: string,
  options: TestStoreOptions = {},
): Promise<CacheTestStore> {
  const { nodes, problem } = await redisClusterSeeds();
  return {
    skip: skipWithout(what, problem),
    createStore: () => createRedisClusterStore({ nodes, prefix, ...options }),
  };
}
