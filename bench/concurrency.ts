/**
 * Merge on save vs last-write-wins, per store, in one run: the cost of the compare-and-swap without
 * contention (one request at a time, each on its own session: load + change + save), and a burst of
 * parallel requests on one session (all load, then all save), with the share of their keys kept.
 *
 *   npx tsx bench/concurrency.ts [--quick] [--stores=sqlite,postgres,redis,mysql,file,memory]
 *   /opt/node24/node_modules/node/bin/node --import tsx bench/concurrency.ts --stores=postgres,redis
 * @module
 */
import type { SessionManager } from '../src/core/manager.js';
import { createSessionManager } from '../src/core/manager.js';
import { type Case, fmtInt, fmtRatio, measure, printEnvironment, printTable, QUICK } from './_harness.js';
import { closeStores, openStores, SECRET_KEY, type StoreFixture } from './_stores.js';

/** Parallel requests of a contended burst. */
const BURST = 8;
/** Bursts checked for lost keys after timing. */
const CHECKED_BURSTS = QUICK ? 10 : 40;
/** Stores benchmarked unless `--stores=` says otherwise. */
const DEFAULT_STORES = ['sqlite', 'postgres', 'redis'];

const managers = (fixture: StoreFixture) =>
  (['merge', 'last-write-wins'] as const).map((concurrency) =>
    createSessionManager({ secretKey: SECRET_KEY, store: fixture.store, cookieAge: 1800, concurrency }),
  );

/** A saved session with a little data, as a logged-in visitor has. */
async function seeded(manager: SessionManager): Promise<string> {
  const s = manager.open();
  await s.update({ user: 'alice', cart: [1, 2, 3], csrf: 'x'.repeat(32) });
  await s.save();
  return s.sessionKey!;
}

/** One request without contention: load, change a key, save (two store round trips). */
function uncontended(manager: SessionManager, key: string): () => Promise<void> {
  let n = 0;
  return async () => {
    const s = manager.open(key);
    await s.set('visits', (((await s.get('visits')) as number | undefined) ?? 0) + n++);
    await s.save();
  };
}

/** {@link BURST} requests on one session: all load, then all set their own key and save. */
async function burst(manager: SessionManager, key: string, round: number): Promise<void> {
  const sessions = Array.from({ length: BURST }, () => manager.open(key));
  await Promise.all(sessions.map((s) => s.get('user')));
  await Promise.all(
    sessions.map(async (s, i) => {
      // The same keys every burst (new values): the session keeps its size round after round.
      await s.set(`k${i}`, round);
      await s.save();
    }),
  );
}

/** Store calls (load, replace, update ...) per request, counted on a wrapper of the store. */
async function callsPerRequest(fixture: StoreFixture, concurrency: 'merge' | 'last-write-wins') {
  if (fixture.store.kind !== 'server') return '-';
  const store = fixture.store;
  let calls = 0;
  const counted = { ...store };
  for (const name of ['load', 'create', 'update', 'replace'] as const) {
    const fn = store[name] as ((...args: unknown[]) => unknown) | undefined;
    const count = (...args: unknown[]) => {
      calls++;
      return fn?.apply(store, args);
    };
    if (fn) Object.assign(counted, { [name]: count });
  }
  const manager = createSessionManager({
    secretKey: SECRET_KEY,
    store: counted,
    cookieAge: 1800,
    concurrency,
  });
  const request = uncontended(manager, await seeded(manager));
  calls = 0;
  for (let i = 0; i < 20; i++) await request();
  return String(calls / 20);
}

/**
 * CPU time of this process per request (µs), case by case in interleaved rounds, median of the
 * rounds: on a machine shared with other work, wall-clock rates swing with its load; CPU time much less.
 */
async function cpuPerRequest(cases: readonly Case[]): Promise<number[]> {
  const perRound = cases.map((): number[] => []);
  const count = QUICK ? 100 : 400;
  for (let round = 0; round < (QUICK ? 3 : 9); round++) {
    for (const [i, c] of cases.entries()) {
      const start = process.cpuUsage();
      for (let n = 0; n < count; n++) await c.fn();
      const used = process.cpuUsage(start);
      perRound[i]!.push((used.user + used.system) / count);
    }
  }
  return perRound.map((values) => values.sort((x, y) => x - y)[values.length >> 1]!);
}

async function benchStore(fixture: StoreFixture): Promise<string[][]> {
  const [merge, lww] = managers(fixture) as [SessionManager, SessionManager];
  const rows: string[][] = [];
  const plain: Case[] = [
    { name: 'last-write-wins', fn: uncontended(lww, await seeded(lww)) },
    { name: 'merge', fn: uncontended(merge, await seeded(merge)) },
  ];
  // Many short interleaved rounds: a burst of load from another process spoils a round, not the ratio.
  const [a, b] = await measure(plain, { timeMs: QUICK ? 600 : 4000, rounds: QUICK ? 3 : 10 });
  const [cpuA, cpuB] = await cpuPerRequest(plain);
  rows.push([
    `${fixture.name}, 1 request`,
    fmtInt(a!.ops),
    fmtInt(b!.ops),
    fmtRatio(b!.ops / a!.ops),
    `${cpuA!.toFixed(1)} / ${cpuB!.toFixed(1)}`,
    fmtRatio(cpuB! / cpuA!),
    `${await callsPerRequest(fixture, 'last-write-wins')} / ${await callsPerRequest(fixture, 'merge')}`,
    '-',
    '-',
  ]);

  let round = 0;
  const contended: Case[] = [
    {
      name: 'last-write-wins',
      fn: (
        (key) => () =>
          burst(lww, key, round++)
      )(await seeded(lww)),
    },
    {
      name: 'merge',
      fn: (
        (key) => () =>
          burst(merge, key, round++)
      )(await seeded(merge)),
    },
  ];
  const [c, d] = await measure(contended, { timeMs: QUICK ? 400 : 2000 });
  const kept = async (manager: SessionManager) => {
    let total = 0;
    for (let r = 0; r < CHECKED_BURSTS; r++) {
      const key = await seeded(manager);
      await burst(manager, key, r);
      const data = await manager.open(key).toObject();
      total += Object.keys(data).filter((k) => k.startsWith('k')).length;
      await manager.open(key).destroy();
    }
    return `${((100 * total) / (CHECKED_BURSTS * BURST)).toFixed(0)}%`;
  };
  rows.push([
    `${fixture.name}, burst of ${BURST}`,
    fmtInt(c!.ops),
    fmtInt(d!.ops),
    fmtRatio(d!.ops / c!.ops),
    '-',
    '-',
    '-',
    await kept(lww),
    await kept(merge),
  ]);
  return rows;
}

printEnvironment('merge on save vs last-write-wins (ops/s: requests, or bursts of parallel requests)');
const selected = process.argv.some((arg) => arg.startsWith('--stores=')) ? undefined : DEFAULT_STORES;
const fixtures = await openStores(selected);
try {
  const rows: string[][] = [];
  for (const fixture of fixtures) {
    if (fixture.store.kind !== 'server') continue;
    rows.push(...(await benchStore(fixture)));
  }
  printTable(
    'Merge vs last-write-wins',
    [
      ...['store, case', 'lww ops/s', 'merge ops/s', 'merge/lww', 'CPU µs lww / merge', 'CPU merge/lww'],
      ...['store calls lww / merge', 'lww keys kept', 'merge keys kept'],
    ],
    rows,
  );
} finally {
  await closeStores(fixtures);
}
