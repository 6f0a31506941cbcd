import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, StoreUnavailable } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { createSessionManager } from '../../src/core/manager.js';
import { createRedisClusterStore, createRedisStoreFromUrl } from '../../src/stores/redis.js';
import { resolveStore } from '../../src/stores/resolve.js';
import type { SessionStore } from '../../src/stores/types.js';
import { describeStoreContract } from '../../src/testing/index.js';
import { SECRET } from '../helpers.js';
import { skipWithout } from '../services/probe.js';
import { rawRedis } from '../services/redis.js';
import { CLUSTER_PORTS, redisClusterSeeds } from '../services/redis-cluster.js';
import { vitestRunner } from './runner.js';

const { nodes, problem } = await redisClusterSeeds();
const skip = skipWithout('Redis Cluster tests', problem);
/** Unique to this file, so parallel test files never share keys. */
const PREFIX = `sessionkit.test.cluster.${process.pid}.`;

describeStoreContract(vitestRunner, {
  name: 'redis-cluster (3 masters)',
  skip,
  createStore: () => createRedisClusterStore({ nodes, prefix: PREFIX }),
});

describe.skipIf(skip)('createRedisClusterStore', () => {
  let store: SessionStore;
  beforeAll(() => {
    store = createRedisClusterStore({ nodes, prefix: PREFIX });
  });
  afterAll(async () => {
    await store.close?.();
  });

  it('spreads sessions over every master, each key on exactly one node', async () => {
    const sessions = createSessionManager({ secretKey: SECRET, store });
    const keys: string[] = [];
    for (let i = 0; i < 30; i++) {
      const s = sessions.open();
      await s.set('i', i);
      await s.save();
      keys.push(s.sessionKey!);
    }
    const holders = new Map<string, number>();
    for (const port of CLUSTER_PORTS) {
      const node = await rawRedis(`redis://127.0.0.1:${port}`);
      const held = await node.keys(`${PREFIX}*`);
      await node.close();
      for (const key of held) holders.set(key, (holders.get(key) ?? 0) + 1);
      expect(held.filter((key) => keys.includes(key.slice(PREFIX.length))).length).toBeGreaterThan(0);
    }
    for (const key of keys) expect(holders.get(PREFIX + key)).toBe(1);
    for (const key of keys) expect(await sessions.open(key).get('i')).toBe(keys.indexOf(key));
    for (const key of keys) await store.delete(key);
  });

  it('is what resolveStore builds for redis-cluster:// URLs', async () => {
    const url = `redis-cluster://${nodes.join(',')}?prefix=${encodeURIComponent(PREFIX)}`;
    const resolved = await resolveStore(url, { cookieName: 'sessionid', logger: silentLogger });
    expect(resolved.kind === 'server' && resolved.name).toBe('redis-cluster');
    const sessions = createSessionManager({ secretKey: SECRET, store: resolved });
    const s = sessions.open();
    await s.set('via', 'url');
    await s.save();
    expect(await store.exists(s.sessionKey!)).toBe(true);
    await s.destroy();
    await sessions.close();
  });
});

describe('createRedisClusterStore outages and configuration', () => {
  it('fails with StoreUnavailable when no seed node answers', async () => {
    const dead = createRedisClusterStore({ nodes: ['127.0.0.1:1', '127.0.0.1:2'], timeoutMs: 500 });
    await expect(dead.load('abcdefghijklmnop', new Date())).rejects.toBeInstanceOf(StoreUnavailable);
    await dead.close?.();
  });

  it('needs at least one seed node', () => {
    expect(() => createRedisClusterStore({ nodes: [] })).toThrow(ConfigError);
    expect(() => createRedisStoreFromUrl('redis-cluster://')).toThrow(ConfigError);
    expect(() => createRedisStoreFromUrl('redis-cluster://h1:70000')).toThrow(ConfigError);
  });
});
