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

/** A refresher over a fresh stand-in, on a clock the test moves with `advance`. */
function started() {
  const fake = fakeCluster();
  let clock = 0;
  const refresher = followFailovers(fake.cluster, () => clock);
  const advance = (ms: number) => {
    clock += ms;
  };
  return { ...fake, refresher, advance };
}

/** Let the refresh's promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('followFailovers (Redis Cluster slot-map refresh)', () => {
  it('runs one refresh for a stampede of failures, from a master whose connection is up', async () => {
    const { refresher, starts, live, finish } = started();
    for (let i = 0; i < 100; i++) refresher.refresh();
    expect(starts).toEqual([live]);
    finish();
    await refresher.stop();
  });

  it('waits the gap after a refresh before the next one', async () => {
    const { refresher, starts, finish, advance } = started();
    refresher.refresh();
    finish();
    await settle();
    advance(TOPOLOGY_REFRESH_GAP_MS - 1);
    refresher.refresh();
    expect(starts).toHaveLength(1);
    advance(1);
    refresher.refresh();
    expect(starts).toHaveLength(2);
    finish();
    await refresher.stop();
  });

  it('survives a failed refresh and tries again after the gap', async () => {
    const { refresher, starts, finish, advance } = started();
    refresher.refresh();
    finish(new Error('ROOT_NODES_UNAVAILABLE'));
    await settle();
    advance(TOPOLOGY_REFRESH_GAP_MS);
    refresher.refresh();
    expect(starts).toHaveLength(2);
    finish();
    await refresher.stop();
  });

  it('starts from a master even when none is ready (node-redis then falls back to the seeds)', async () => {
    const { refresher, starts, live, cluster, finish } = started();
    live.isReady = false;
    refresher.refresh();
    expect(starts).toEqual([cluster.masters[0]!.client]);
    finish();
    await refresher.stop();
  });

  it('stop() waits for the running refresh, and no refresh starts after it', async () => {
    const { refresher, starts, finish, advance } = started();
    refresher.refresh();
    let stopped = false;
    const stopping = refresher.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    advance(TOPOLOGY_REFRESH_GAP_MS);
    refresher.refresh();
    expect(starts).toHaveLength(1);
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
