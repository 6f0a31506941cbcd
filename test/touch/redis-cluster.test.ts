import { createRedisClusterStore } from '../../src/stores/redis.js';
import { skipWithout } from '../services/probe.js';
import { CLUSTER_PORTS, ensureRedisCluster } from '../services/redis-cluster.js';
import { describeTouch } from './driver.js';

let nodes: string[] = [];
const problem = await ensureRedisCluster().then(
  (seeds) => {
    nodes = seeds;
    return null;
  },
  (error: unknown) =>
    `cannot start a Redis Cluster on ports ${CLUSTER_PORTS.join(', ')}: ${(error as Error).message}`,
);

describeTouch({
  name: 'redis-cluster',
  skip: skipWithout('Redis Cluster touch tests', problem),
  realTime: true,
  createStore: () =>
    createRedisClusterStore({ nodes, prefix: `sessionkit.test.touch.cluster.${process.pid}.` }),
});
