/**
 * Issue 4 — per store, in one run:
 * 1. store round trips per HTTP request for an untouched, a read-only and a modified session (targets
 *    0, 1, 2), through sessionkit's Express adapter, next to express-session + connect-redis on the same
 *    Redis (which sends GET + EXPIRE even on routes that never touch the session);
 * 2. load, load + save and create at the `Session` level: p50/p99 latency and ops/s one at a time, and
 *    ops/s with 16 in flight, with ratios to the memory store;
 * 3. HTTP requests/s of the three Redis apps side by side (ratio to express-session + connect-redis).
 *
 * Run: `npx tsx bench/stores.ts [--quick]`.
 * @module
 */

import { connectRedis, dropKeys, REDIS_PORT, REDIS_URL, RUN_ID } from './_backends.js';
import { type Counter, redisClientAddr, redisMonitor } from './_counters.js';
import {
  type Case,
  fmtInt,
  fmtRatio,
  fmtUs,
  measure,
  printEnvironment,
  printTable,
  QUICK,
  type Result,
} from './_harness.js';
import { bareApp, establish, expressSessionApp, type Served, serve, sessionkitApp } from './_http.js';
import { type SessionOps, sessionOps } from './_sessions.js';
import { closeStores, managerFor, openStores, readCounters, type StoreFixture } from './_stores.js';

const REQUESTS = QUICK ? 20 : 50;
const ROUTES = ['/untouched', '/read', '/modify'] as const;

const READS = /^(GET|SELECT|get|load|exists)$/;
const fmtCount = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/** Commands per request on each route, as cells such as `2 (GET + SET XX)`. */
async function roundTrips(served: Served, counters: readonly Counter[]): Promise<string[]> {
  for (const counter of counters) await counter.open?.();
  try {
    const cookie = await establish(served);
    const cells: string[] = [];
    for (const route of ROUTES) {
      const before = await readCounters(counters);
      for (let i = 0; i < REQUESTS; i++) {
        const { status } = await served.get(route, cookie);
        if (status !== 200) throw new Error(`${route} answered ${status}`);
      }
      const after = await readCounters(counters);
      let total = 0;
      const names: Array<[rank: number, text: string]> = [];
      for (const [c, counts] of after.entries()) {
        for (const [name, n] of counts) {
          const per = (n - (before[c]!.get(name) ?? 0)) / REQUESTS;
          if (per === 0) continue;
          total += per;
          const label = counters.length > 1 ? `${counters[c]!.label} ` : '';
          // Reads first, as they happen in a request; then writes in counter order.
          names.push([READS.test(name) ? 0 : 1, `${label}${name}${per === 1 ? '' : `×${fmtCount(per)}`}`]);
        }
      }
      const list = names.sort((a, b) => a[0] - b[0]).map(([, text]) => text);
      cells.push(total === 0 ? '0' : `${fmtCount(total)} (${list.join(' + ')})`);
    }
    return cells;
  } finally {
    for (const counter of counters) await counter.close?.();
  }
}

/** express-session + connect-redis: its node-redis client, and its commands counted at the server. */
type Anchor = { client: unknown; counter: Counter };

async function roundTripTable(fixtures: readonly StoreFixture[], anchor: Anchor | null) {
  const rows: string[][] = [];
  const legend = new Map<string, string[]>();
  const row = async (
    name: string,
    countedAt: string,
    app: Parameters<typeof serve>[0],
    counters: Counter[],
  ) => {
    legend.set(countedAt, [...(legend.get(countedAt) ?? []), name]);
    const served = await serve(app);
    try {
      rows.push([name, ...(await roundTrips(served, counters))]);
    } catch (error) {
      rows.push([name, 'error', '', '', (error as Error).message]);
    } finally {
      await served.close();
    }
  };
  for (const fixture of fixtures) {
    await row(
      `sessionkit ${fixture.name}`,
      fixture.countedAt,
      sessionkitApp(managerFor(fixture)),
      fixture.counters,
    );
  }
  if (anchor) {
    const es = expressSessionApp(anchor.client, `es-${RUN_ID}:`);
    await row('express-session + connect-redis', 'server (MONITOR)', es, [anchor.counter]);
  }
  printTable(
    `Store round trips per HTTP request with a valid session cookie (mean of ${REQUESTS} requests; targets 0 / 1 / 2)`,
    ['app + store', 'untouched', 'read-only', 'modified'],
    rows,
  );
  for (const [countedAt, names] of legend) console.log(`# counted at ${countedAt}: ${names.join(', ')}`);
}

async function latencyTables(fixtures: readonly StoreFixture[]) {
  const ops: Array<[StoreFixture, SessionOps]> = [];
  for (const fixture of fixtures) ops.push([fixture, await sessionOps(managerFor(fixture))]);
  const timeMs = QUICK ? 150 : 600;
  const operations = [
    ['load', 'load: open(key) + get'],
    ['cycle', 'load + save: open(key) + get + set + save'],
    ['create', 'create: open() + update + save (new key)'],
  ] as const;
  for (const [op, title] of operations) {
    const cases: Case[] = ops.map(([fixture, o]) => ({ name: fixture.name, fn: o[op] }));
    const one = await measure(cases, { timeMs });
    const many = await measure(cases, { timeMs, concurrency: 16 });
    const base = (list: Result[]) => list.find((r) => r.name === 'memory')?.ops ?? Number.NaN;
    const rows = one.map((r, i) => [
      r.name,
      fmtUs(r.p50),
      fmtUs(r.p99),
      fmtInt(r.ops),
      fmtRatio(r.ops / base(one)),
      fmtInt(many[i]!.ops),
      fmtRatio(many[i]!.ops / base(many)),
    ]);
    printTable(
      `Session ${title}`,
      ['store', 'p50 µs', 'p99 µs', 'ops/s c=1', 'vs memory', 'ops/s c=16', 'vs memory'],
      rows,
    );
  }
}

async function httpTable(redisFixture: StoreFixture, anchor: Anchor) {
  const apps: Array<[string, Served, string | undefined]> = [];
  const bare = await serve(bareApp());
  apps.push(['express, no session', bare, undefined]);
  const es = await serve(expressSessionApp(anchor.client, `es-${RUN_ID}:`));
  apps.push(['express-session + connect-redis', es, await establish(es)]);
  const sk = await serve(sessionkitApp(managerFor(redisFixture)));
  apps.push(['sessionkit/express + redis', sk, await establish(sk)]);
  const rows: string[][] = [];
  for (const route of ROUTES) {
    const cases: Case[] = apps.map(([name, served, cookie]) => ({
      name,
      fn: async () => {
        const { status } = await served.get(route, cookie);
        if (status !== 200) throw new Error(`${name} ${route}: ${status}`);
      },
    }));
    const results = await measure(cases, { concurrency: 8 });
    const base = results[1]!.ops;
    for (const r of results)
      rows.push([`${route} ${r.name}`, fmtInt(r.ops), fmtUs(r.p50), fmtUs(r.p99), fmtRatio(r.ops / base)]);
  }
  for (const [, served] of apps) await served.close();
  printTable(
    'HTTP requests/s, same Redis, 8 requests in flight, client in the same process',
    ['route / app', 'req/s', 'p50 µs', 'p99 µs', 'vs express-session'],
    rows,
  );
}

async function main(): Promise<void> {
  printEnvironment('Stores: round trips per request, latency and throughput (issue 4)');
  const fixtures = await openStores();
  const esClient = await connectRedis(REDIS_URL).catch((error: unknown) => {
    console.log(`# skipped express-session + connect-redis: ${(error as Error).message}`);
    return null;
  });
  try {
    let anchor: Anchor | null = null;
    if (esClient) {
      const addr = await redisClientAddr(esClient);
      anchor = {
        client: esClient,
        counter: redisMonitor('redis', REDIS_PORT, (l) => l.includes(` ${addr}]`)),
      };
    }
    await roundTripTable(fixtures, anchor);
    await latencyTables(fixtures);
    const redis = fixtures.find((f) => f.name === 'redis');
    if (redis && anchor) await httpTable(redis, anchor);
  } finally {
    esClient?.destroy();
    if (esClient) await dropKeys(REDIS_URL, `es-${RUN_ID}:*`);
    await closeStores(fixtures);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
