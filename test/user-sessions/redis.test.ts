import { createRedisClusterStore, createRedisStore } from '../../src/stores/redis.js';
import { createRedisUserIndex } from '../../src/stores/user-index/redis.js';
import { skipWithout } from '../services/probe.js';
import { REDIS_URL, redisProblem } from '../services/redis.js';
import { CLUSTER_PORTS, ensureRedisCluster } from '../services/redis-cluster.js';
import { describeUserSessions } from './scenario.js';

/** Unique to this file and run, so parallel test files never share keys. */
const PREFIX = `sessionkit.test.user-sessions.${process.pid}.`;
const USER_PREFIX = `sessionkit.test.user-sets.${process.pid}.`;

const skipRedis = skipWithout('user-sessions tests on Redis', await redisProblem());

describeUserSessions({
  name: 'redis (store URL)',
  skip: skipRedis,
  setup: () => ({
    options: () => ({
      store: `${REDIS_URL}?prefix=${encodeURIComponent(`${PREFIX}url.`)}`,
      userSessions: true,
    }),
  }),
});

describeUserSessions({
  name: 'redis (store and index instances)',
  skip: skipRedis,
  setup: () => ({
    options: () => ({
      store: createRedisStore({ url: REDIS_URL, prefix: PREFIX }),
      userSessions: {
        index: createRedisUserIndex({ url: REDIS_URL, prefix: PREFIX, userPrefix: USER_PREFIX }),
      },
    }),
  }),
});

let nodes: string[] = [];
const clusterProblem = await ensureRedisCluster().then(
  (seeds) => {
    nodes = seeds;
    return null;
  },
  (error: unknown) =>
    `cannot start a Redis Cluster on ports ${CLUSTER_PORTS.join(', ')}: ${(error as Error).message}`,
);

describeUserSessions({
  name: 'redis-cluster (3 masters)',
  skip: skipWithout('user-sessions tests on Redis Cluster', clusterProblem),
  setup: () => ({
    options: () => ({
      store: createRedisClusterStore({ nodes, prefix: PREFIX }),
      userSessions: { index: createRedisUserIndex({ nodes, prefix: PREFIX, userPrefix: USER_PREFIX }) },
    }),
  }),
});
