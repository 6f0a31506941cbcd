import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/core/manager.js';
import { createRedisClusterStore, createRedisStore } from '../../src/stores/redis.js';
import { createRedisUserIndex } from '../../src/stores/user-index/redis.js';
import { sessionHandle } from '../../src/user-sessions/handle.js';
import { SECRET } from '../helpers.js';
import { skipWithout } from '../services/probe.js';
import { REDIS_URL, rawRedis, redisProblem } from '../services/redis.js';
import { redisClusterSeeds } from '../services/redis-cluster.js';
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

const { nodes, problem: clusterProblem } = await redisClusterSeeds();

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

describe.skipIf(skipRedis)('Redis user-session sets', () => {
  it("lose the members whose session expired or ended when the user's sessions are listed or they log in", async () => {
    const raw = await rawRedis();
    const prefix = `${PREFIX}sets.`;
    const sessions = createSessionManager({
      secretKey: SECRET,
      store: createRedisStore({ url: REDIS_URL, prefix }),
      userSessions: { index: createRedisUserIndex({ url: REDIS_URL, prefix, userPrefix: USER_PREFIX }) },
    });
    try {
      const user = `sets-${Date.now()}`;
      const login = async (seconds?: number) => {
        const session = sessions.open();
        await session.set('_auth_user_id', user);
        if (seconds !== undefined) await session.setExpiry(seconds);
        await session.save();
        return session;
      };
      const kept = await login();
      const short = await login(1);
      const ended = await login();
      expect((await raw.sMembers(USER_PREFIX + user)).length).toBe(3);
      expect(await sessions.endSession(user, sessionHandle(SECRET, ended.sessionKey!))).toBe(true);
      await expect.poll(() => raw.exists(prefix + short.sessionKey), { timeout: 10_000 }).toBe(0);
      await login();
      expect((await raw.sMembers(USER_PREFIX + user)).sort()).not.toContain(short.sessionKey);
      expect((await raw.sMembers(USER_PREFIX + user)).length).toBe(2);
      expect((await sessions.sessionsOf(user, kept.sessionKey)).filter((s) => s.current).length).toBe(1);
    } finally {
      await sessions.close();
      await raw.quit();
    }
  });
});
