/**
 * The soak: users, each with its own cookie jar, increment a session counter over keep-alive
 * connections against a `sessionkit/node` server for a fixed time, then every answer is checked
 * against what its user knows. The session also holds the user's name, so an answer drawn from another
 * user's session shows as crossed.
 */
import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { session } from '../../src/adapters/node.js';
import { silentLogger } from '../../src/core/logger.js';
import type { AnyStore } from '../../src/stores/types.js';
import { SECRET } from '../helpers.js';
import { get, jarValue } from './http-get.js';
import type { SoakTarget } from './soak-stores.js';

/** How many users, for how long. */
export interface SoakSize {
  users: number;
  seconds: number;
}

/** What one soak saw. */
export interface SoakFigures {
  store: string;
  /** Requests the users made. */
  requests: number;
  perSecond: number;
  statuses: Record<number, number>;
  /** Requests without an HTTP answer (transport error, hang). */
  errors: number;
  /** 200s whose counter was not the number of requests its user had made so far. */
  mismatches: number;
  /** 200s drawn from another user's session. */
  crossed: number;
  /** Users whose last counter is not the number of requests they made. */
  usersOff: number;
  /** The sum of the users' last counters. */
  counted: number;
  /** 200s the server finished. */
  handled: number;
  /** Distinct session cookies in the users' jars at the end. */
  sessions: number;
}

/** The header that names the user; its first request stores the name in the session. */
const USER_HEADER = 'x-soak-user';
/** A request without an answer for this long counts as an error (far above the stores' timeout). */
const HANG_MS = 60_000;
/** Records live this long, so that cache stores drop what a soak left without a flush. */
const COOKIE_AGE_SECONDS = 600;

/**
 * The counter app on a free loopback port; `handled()` counts the 200s it finished. Closing it leaves
 * the store open: the target removes it.
 */
async function startCounter(store: AnyStore) {
  let handled = 0;
  const withSession = session({
    secretKey: SECRET,
    store,
    logger: silentLogger,
    cookieAge: COOKIE_AGE_SECONDS,
  });
  const server = createServer(
    withSession(async (req, res) => {
      const owner = await req.session.setDefault('user', String(req.headers[USER_HEADER]));
      const n = ((await req.session.get('n')) as number | undefined) ?? 0;
      await req.session.set('n', n + 1);
      // Counted once the session is saved and the answer is a 200.
      res.on('finish', () => {
        if (res.statusCode === 200) handled++;
      });
      res.end(`${owner} ${n + 1}`);
    }),
  );
  // Loads the store's driver and connects before the clock starts.
  await withSession.ready();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    handled: () => handled,
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

/** Soak `store` with `size.users` users for `size.seconds`; every user makes at least one request. */
export async function soak(name: string, store: AnyStore, size: SoakSize): Promise<SoakFigures> {
  const app = await startCounter(store);
  const agent = new Agent({ keepAlive: true, maxSockets: size.users });
  const figures: SoakFigures = {
    store: name,
    requests: 0,
    perSecond: 0,
    statuses: {},
    errors: 0,
    mismatches: 0,
    crossed: 0,
    usersOff: 0,
    counted: 0,
    handled: 0,
    sessions: 0,
  };
  const started = Date.now();
  const deadline = started + size.seconds * 1000;
  const user = async (name: string) => {
    let cookie = '';
    let made = 0;
    let last = 0;
    do {
      made++;
      try {
        const answer = await get(app.url, {
          agent,
          cookie,
          headers: { [USER_HEADER]: name },
          timeoutMs: HANG_MS,
        });
        figures.statuses[answer.status] = (figures.statuses[answer.status] ?? 0) + 1;
        if (answer.setCookie) cookie = jarValue(answer.setCookie);
        if (answer.status !== 200) continue;
        const [owner, n] = answer.body.split(' ');
        if (owner !== name) figures.crossed++;
        last = Number(n);
        if (last !== made) figures.mismatches++;
      } catch {
        figures.errors++;
      }
    } while (Date.now() < deadline);
    return { cookie, made, last };
  };
  const jars = await Promise.all(Array.from({ length: size.users }, (_, i) => user(`u${i}`)));
  const seconds = (Date.now() - started) / 1000;
  agent.destroy();
  await app.close();
  figures.requests = jars.reduce((sum, jar) => sum + jar.made, 0);
  figures.perSecond = Math.round(figures.requests / seconds);
  figures.usersOff = jars.filter((jar) => jar.last !== jar.made).length;
  figures.counted = jars.reduce((sum, jar) => sum + jar.last, 0);
  figures.handled = app.handled();
  figures.sessions = new Set(jars.map((jar) => jar.cookie)).size;
  return figures;
}

/** Soak one target: make its store, soak it, remove the store; print the figures (for SECURITY.md). */
export async function soakTarget(target: SoakTarget, size: SoakSize): Promise<SoakFigures> {
  const store = await target.createStore();
  try {
    const figures = await soak(target.name, store, size);
    console.log(`soak ${JSON.stringify(figures)}`);
    return figures;
  } finally {
    if (store.kind === 'server') await (target.destroyStore ? target.destroyStore(store) : store.close?.());
  }
}

/**
 * What a soak must show: only 200s and no transport error; every counter exact (each answer's, and each
 * user's last equal to the requests it made); their sum equal to the server's finished 200s; no answer
 * from another user's session, and one session per user.
 */
export function expectExact(figures: SoakFigures, size: SoakSize): void {
  expect(figures.statuses).toEqual({ 200: figures.requests });
  expect(figures.errors).toBe(0);
  expect(figures.mismatches).toBe(0);
  expect(figures.usersOff).toBe(0);
  expect(figures.counted).toBe(figures.handled);
  expect(figures.crossed).toBe(0);
  expect(figures.sessions).toBe(size.users);
}
