/**
 * Concurrency behaviour of one store, through the Express adapter: parallel requests on one session
 * keep every change (merge on save), last-write-wins loses them, the session lock serializes a
 * read-modify-write, and a logout racing parallel saves never brings the session back. A store's test
 * file calls {@link describeConcurrency} once.
 */
import express, {
  type Express,
  type Response as ExpressResponse,
  type NextFunction,
  type Request,
} from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSession, session } from '../../src/adapters/express.js';
import { NotSupported } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { createSessionManager } from '../../src/core/manager.js';
import type { Concurrency } from '../../src/core/merge.js';
import type { SessionStore } from '../../src/stores/types.js';
import { expressServers } from '../adapters/express-serve.js';
import { SECRET } from '../helpers.js';

/** What a store's test file hands to {@link describeConcurrency}. */
export interface ConcurrencyTarget {
  /** Name in the report. */
  name: string;
  /** Skip (service unavailable locally). */
  skip?: boolean;
  /** Build the store once for the file. */
  createStore(): SessionStore | Promise<SessionStore>;
  /** Tear it down (drop tables, close connections). @default store.close() */
  destroyStore?(store: SessionStore): Promise<void>;
  /** Whether the store has session locks. @default true */
  locks?: boolean;
}

/** Parallel requests per round. */
const PARALLEL = 50;
/** Rounds of {@link PARALLEL} requests. */
const ROUNDS = 5;
/** Iterations of each of the two increment loops. */
const INCREMENTS = 200;
/** Parallel saves racing one logout per trial. */
const RACERS = 12;
/**
 * Logout-race trials: the 300 with SESSIONKIT_RACE_TRIALS=300; fewer by default so that
 * `npm test` stays short on a shared machine (each trial is 13 requests).
 */
const TRIALS = Number(process.env.SESSIONKIT_RACE_TRIALS ?? 60);
/** Keys seeded before a round; request `i` with `i % 5 === 0` deletes `d<i/5>`. */
const SEEDED = PARALLEL / 5;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A barrier for `parties` requests: each waits until all have arrived (or a generous timeout passed). */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return async () => {
    arrived++;
    if (arrived >= parties) open();
    await Promise.race([opened, pause(20_000)]);
  };
}

/**
 * The test app. `/set?k=N` loads the session, waits (a random pause, or the round's barrier so that
 * every request has loaded before any saves), sets `kN` and deletes `d<N/5>` for every fifth request.
 */
function app(
  store: SessionStore,
  concurrency: Concurrency,
  state: { barrier: (() => Promise<void>) | null },
) {
  const application: Express = express();
  application.use(
    session({ secretKey: SECRET, store, concurrency, logger: process.env.CC_DEBUG ? console : silentLogger }),
  );
  application.get('/init', async (req, res) => {
    const s = getSession(req);
    for (let i = 0; i < SEEDED; i++) await s.set(`d${i}`, i);
    res.send('ok');
  });
  application.get('/set', async (req, res) => {
    const s = getSession(req);
    const n = Number(req.query.k);
    await s.get('anything');
    await (state.barrier ? state.barrier() : pause(Math.random() * 5));
    await s.set(`k${n}`, n);
    if (n % 5 === 0) await s.delete(`d${n / 5}`);
    res.send('ok');
  });
  application.get('/incr', async (req, res) => {
    const s = getSession(req);
    if (req.query.lock === '1') await s.lock({ timeout: 10_000, wait: 10_000 });
    const n = ((await s.get('n')) as number | undefined) ?? 0;
    await pause(Math.random() * 2);
    await s.set('n', n + 1);
    await s.set(String(req.query.mark), true);
    res.send(String(n + 1));
  });
  application.get('/logout', async (req, res) => {
    await getSession(req).flush();
    res.send('bye');
  });
  application.get('/dump', async (req, res) => {
    res.json(await getSession(req).toObject());
  });
  application.use(
    (error: Error & { status?: number }, _req: Request, res: ExpressResponse, _next: NextFunction) => {
      res.status(error.status ?? 500).send(`${error.name}: ${error.message}`);
    },
  );
  return application;
}

/** The session key from a response's Set-Cookie. */
function cookieOf(response: Response): string {
  const header = response.headers.get('set-cookie') ?? '';
  const match = /sessionid=([a-z0-9]+)/.exec(header);
  if (!match?.[1]) throw new Error(`no session cookie in ${JSON.stringify(header)}`);
  return match[1];
}

export function describeConcurrency(target: ConcurrencyTarget): void {
  describe.skipIf(target.skip ?? false)(`concurrency: ${target.name}`, () => {
    const serve = expressServers();
    let store: SessionStore;
    const state: { barrier: (() => Promise<void>) | null } = { barrier: null };

    beforeAll(async () => {
      store = await target.createStore();
    });
    afterAll(async () => {
      if (target.destroyStore) await target.destroyStore(store);
      else await store.close?.();
    });

    const start = async (concurrency: Concurrency) => {
      const base = await serve(app(store, concurrency, state));
      const get = (path: string, key: string) =>
        fetch(`${base}${path}`, { headers: { cookie: `sessionid=${key}` } });
      const fresh = async () => cookieOf(await fetch(`${base}/init`));
      const dump = async (key: string) => (await (await get('/dump', key)).json()) as Record<string, unknown>;
      return { get, fresh, dump };
    };

    /** One round: a new session, {@link PARALLEL} parallel `/set` requests; resolves the final data. */
    const round = async (client: Awaited<ReturnType<typeof start>>) => {
      const key = await client.fresh();
      const answers = await Promise.all(
        Array.from({ length: PARALLEL }, (_, n) => client.get(`/set?k=${n}`, key)),
      );
      const failed = await Promise.all(
        answers.filter((a) => a.status !== 200).map(async (a) => `${a.status} ${await a.text()}`),
      );
      expect(failed).toEqual([]);
      const data = await client.dump(key);
      await store.delete(key);
      return data;
    };
    const kept = (data: Record<string, unknown>) =>
      Array.from({ length: PARALLEL }, (_, n) => `k${n}`).filter((k) => data[k] === Number(k.slice(1)));
    const resurrected = (data: Record<string, unknown>) =>
      Array.from({ length: PARALLEL / 5 }, (_, i) => `d${i}`).filter((k) => k in data);

    it(`keeps every key of ${PARALLEL} parallel requests and no deleted key comes back, ${ROUNDS} rounds (merge)`, async () => {
      const client = await start('merge');
      for (let r = 0; r < ROUNDS; r++) {
        state.barrier = null;
        const data = await round(client);
        expect(kept(data)).toHaveLength(PARALLEL);
        expect(resurrected(data)).toEqual([]);
      }
    });

    it(`keeps every key when all ${PARALLEL} requests load before any saves (merge)`, async () => {
      const client = await start('merge');
      state.barrier = barrier(PARALLEL);
      const data = await round(client);
      state.barrier = null;
      expect(kept(data)).toHaveLength(PARALLEL);
      expect(resurrected(data)).toEqual([]);
    });

    it(`loses keys when all ${PARALLEL} requests load before any saves (last-write-wins)`, async () => {
      const client = await start('last-write-wins');
      state.barrier = barrier(PARALLEL);
      const data = await round(client);
      state.barrier = null;
      // Every save wrote what it loaded (no k keys) plus its own key: only the last one remains.
      expect(kept(data)).toHaveLength(1);
    });

    it(`counts exactly ${2 * INCREMENTS} with the lock from two parallel loops of ${INCREMENTS}`, async () => {
      const client = await start('merge');
      const key = await client.fresh();
      if (target.locks === false) {
        const s = createSessionManager({ secretKey: SECRET, store }).open(key);
        await expect(s.lock()).rejects.toBeInstanceOf(NotSupported);
        await store.delete(key);
        return;
      }
      const loop = async (name: string) => {
        for (let i = 0; i < INCREMENTS; i++) {
          const answer = await client.get(`/incr?lock=1&mark=${name}${i}`, key);
          expect(answer.status).toBe(200);
        }
      };
      await Promise.all([loop('a'), loop('b')]);
      const data = await client.dump(key);
      await store.delete(key);
      expect(data.n).toBe(2 * INCREMENTS);
    });

    it(`loses no other key without the lock in two parallel loops of ${INCREMENTS}`, async () => {
      const client = await start('merge');
      const key = await client.fresh();
      const loop = async (name: string) => {
        for (let i = 0; i < INCREMENTS; i++) {
          const answer = await client.get(`/incr?mark=${name}${i}`, key);
          expect(answer.status).toBe(200);
        }
      };
      await Promise.all([loop('a'), loop('b')]);
      const data = await client.dump(key);
      await store.delete(key);
      const marks = Object.keys(data).filter((k) => /^[ab]\d+$/.test(k));
      expect(marks).toHaveLength(2 * INCREMENTS);
      expect(data.n).toBeLessThanOrEqual(2 * INCREMENTS);
    });

    it(`never resurrects a session logged out while ${RACERS} parallel requests save it (${TRIALS} trials)`, async () => {
      const client = await start('merge');
      let resurrections = 0;
      for (let trial = 0; trial < TRIALS; trial++) {
        const key = await client.fresh();
        const requests = Array.from({ length: RACERS }, (_, n) => client.get(`/set?k=${n}`, key));
        requests.splice(Math.floor(Math.random() * RACERS), 0, client.get('/logout', key));
        const answers = await Promise.all(requests);
        // A save that lost to the logout answers 400 (SessionInterrupted); nothing else may fail.
        for (const answer of answers) expect([200, 400]).toContain(answer.status);
        if ((await store.load(key, new Date())) !== null) {
          resurrections++;
          await store.delete(key);
        }
      }
      expect(resurrections).toBe(0);
    });
  });
}
