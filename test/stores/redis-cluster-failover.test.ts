/**
 * The Redis Cluster store's slot-map refresh after a failover (`followFailovers`), on a stand-in for
 * node-redis v5's cluster client: one refresh at a time, a gap between refreshes, started from a live
 * master, stopped by close. The real failover is exercised by test/reliability/faults/redis-cluster.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { followFailovers, TOPOLOGY_REFRESH_GAP_MS } from '../../src/stores/redis-client.js';

/** A node-redis v5 cluster client as far as the refresh sees it; `finish` settles the running refresh. */
function fakeCluster() {
  const dead = { isReady: false };
  const live = { isReady: true };
  const starts: unknown[] = [];
  let finish: (error?: Error) => void = () => {};
  const cluster = {
    masters: [{ client: dead }, { client: live }],
    _slots: {
      rediscover(startWith: unknown): Promise<void> {
        starts.push(startWith);
        return new Promise<void>((resolve, reject) => {
          finish = (error) => (error ? reject(error) : resolve());
        });
      },
    },
  };
  return { cluster, live, starts, finish: (error?: Error) => finish(error) };
}

/** Let the refresh's promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('followFailovers (Redis Cluster slot-map refresh)', () => {
  it('runs one refresh for a stampede of failures, from a master whose connection is up', async () => {
    const fake = fakeCluster();
    const refresher = followFailovers(fake.cluster, () => 0);
    for (let i = 0; i < 100; i++) refresher.refresh();
    expect(fake.starts).toEqual([fake.live]);
    fake.finish();
    await refresher.stop();
  });

  it('waits the gap after a refresh before the next one', async () => {
    const fake = fakeCluster();
    let clock = 1_000_000;
    const refresher = followFailovers(fake.cluster, () => clock);
    refresher.refresh();
    fake.finish();
    await settle();
    clock += TOPOLOGY_REFRESH_GAP_MS - 1;
    refresher.refresh();
    expect(fake.starts).toHaveLength(1);
    clock += 1;
    refresher.refresh();
    expect(fake.starts).toHaveLength(2);
    fake.finish();
    await refresher.stop();
  });

  it('survives a failed refresh and tries again after the gap', async () => {
    const fake = fakeCluster();
    let clock = 0;
    const refresher = followFailovers(fake.cluster, () => clock);
    refresher.refresh();
    fake.finish(new Error('ROOT_NODES_UNAVAILABLE'));
    await settle();
    clock += TOPOLOGY_REFRESH_GAP_MS;
    refresher.refresh();
    expect(fake.starts).toHaveLength(2);
    fake.finish();
    await refresher.stop();
  });

  it('starts from a master even when none is ready (node-redis then falls back to the seeds)', async () => {
    const fake = fakeCluster();
    fake.live.isReady = false;
    const refresher = followFailovers(fake.cluster, () => 0);
    refresher.refresh();
    expect(fake.starts).toEqual([fake.cluster.masters[0]!.client]);
    fake.finish();
    await refresher.stop();
  });

  it('stop() waits for the running refresh, and no refresh starts after it', async () => {
    const fake = fakeCluster();
    let clock = 0;
    const refresher = followFailovers(fake.cluster, () => clock);
    refresher.refresh();
    let stopped = false;
    const stopping = refresher.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);
    fake.finish();
    await stopping;
    clock += TOPOLOGY_REFRESH_GAP_MS;
    refresher.refresh();
    expect(fake.starts).toHaveLength(1);
  });

  it('does nothing on a client without the refresh (node-redis v4) or without masters', async () => {
    const v4 = followFailovers({ masters: [{ client: { isReady: true } }] });
    expect(v4.supported).toBe(false);
    expect(followFailovers(fakeCluster().cluster).supported).toBe(true);
    v4.refresh();
    await v4.stop();
    const fake = fakeCluster();
    fake.cluster.masters = [];
    const empty = followFailovers(fake.cluster, () => 0);
    empty.refresh();
    expect(fake.starts).toEqual([]);
    await empty.stop();
  });
});
