/**
 * A save whose Redis command stalls past the store timeout (the request answers 503) but lands later:
 * with merge on save it is a compare-and-swap against what the request loaded, so it cannot overwrite
 * a newer save or bring back a logged-out session. The stall is a TCP proxy in front of the shared
 * Redis that holds this store's commands back; the shared server itself is never paused.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailable } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { createSessionManager } from '../../src/core/manager.js';
import { createRedisStore } from '../../src/stores/redis.js';
import type { SessionStore } from '../../src/stores/types.js';
import { SECRET } from '../helpers.js';
import { skipWithout } from '../services/probe.js';
import { REDIS_URL, redisProblem } from '../services/redis.js';

/** A loopback proxy to 127.0.0.1:6379 that can hold client → server bytes back, then release them. */
async function stallingProxy() {
  let stalled = false;
  const held: Array<() => void> = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: 6379 });
    sockets.push(client, upstream);
    client.on('data', (chunk) => {
      if (stalled) held.push(() => upstream.write(chunk));
      else upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    stall() {
      stalled = true;
    },
    release() {
      stalled = false;
      for (const send of held.splice(0)) send();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const skip = skipWithout('late-write tests', await redisProblem());
const PREFIX = `sessionkit.test.late.${process.pid}.`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(skip)('a save that lands after its timeout (merge on save, Redis)', () => {
  let proxy: Awaited<ReturnType<typeof stallingProxy>>;
  let slow: SessionStore;
  let direct: SessionStore;

  beforeAll(async () => {
    proxy = await stallingProxy();
    slow = createRedisStore({ url: `redis://127.0.0.1:${proxy.port}`, prefix: PREFIX, timeoutMs: 1000 });
    await slow.load('warmupwarmup0000', new Date()); // connected before the timed part
    direct = createRedisStore({ url: REDIS_URL, prefix: PREFIX, logger: silentLogger });
  });
  afterAll(async () => {
    await Promise.all([slow.close?.(), direct.close?.()]);
    await proxy.close();
  });

  /** A saved session, loaded through the stalling proxy and changed; then its save stalls and times out. */
  async function stalledSave() {
    const fast = createSessionManager({ secretKey: SECRET, store: direct, logger: silentLogger });
    const first = fast.open();
    await first.set('seed', 1);
    await first.save();
    const key = first.sessionKey!;
    const late = createSessionManager({ secretKey: SECRET, store: slow, logger: silentLogger }).open(key);
    expect(await late.get('seed')).toBe(1);
    await late.set('late', true);
    proxy.stall();
    await expect(late.save()).rejects.toBeInstanceOf(StoreUnavailable);
    return { fast, key };
  }

  it('does not overwrite a save that landed in between', async () => {
    const { fast, key } = await stalledSave();
    const other = fast.open(key);
    await other.set('other', true);
    await other.save();
    proxy.release();
    await pause(300);
    expect(await fast.open(key).toObject()).toEqual({ seed: 1, other: true });
    await direct.delete(key);
  });

  it('does not bring back a session logged out in between', async () => {
    const { fast, key } = await stalledSave();
    await fast.open(key).flush();
    proxy.release();
    await pause(300);
    expect(await direct.load(key, new Date())).toBeNull();
  });
});
