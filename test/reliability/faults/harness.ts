/**
 * The fault-test harness: a `sessionkit/node` app that increments a session counter, and users, each
 * with its own cookie jar, who call it in a loop and check every answer against what they know.
 *
 * A user's invariant: between two 200 answers the counter grows by 1 plus at most the number of 503
 * answers in between (a request that answered 503 may still land its write later — "late writes" in
 * docs/concurrency.md — but never twice, and never over a newer save). A 200 with a smaller counter
 * is a lost or emptied session; it is a mismatch unless the phase allows a fresh start (the store lost
 * its data, e.g. a restarted in-memory server) and the answer came with a new session key.
 */
import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { session } from '../../../src/adapters/node.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { SessionStore } from '../../../src/stores/types.js';
import { SECRET } from '../../helpers.js';
import { type Answer, get, jarValue } from '../http-get.js';

/** How long a request may take before the harness counts it as a hang (far above any store timeout). */
export const HANG_MS = 15_000;

/** The app under fault. */
export interface FaultApp {
  readonly url: string;
  close(): Promise<void>;
}

/** Serve the counter app on a free loopback port over `store`. */
export async function startApp(store: string | SessionStore): Promise<FaultApp> {
  const withSession = session({ secretKey: SECRET, store, logger: silentLogger });
  const server = createServer(
    withSession(async (req, res) => {
      const n = ((await req.session.get('n')) as number | undefined) ?? 0;
      await req.session.set('n', n + 1);
      res.end(String(n + 1));
    }),
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  agents.set(url, agent);
  return {
    url,
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      agents.delete(url);
      await withSession.manager.close();
    },
  };
}

/** One keep-alive agent per app, by URL. */
const agents = new Map<string, Agent>();

const getAnswer = (url: string, cookie: string): Promise<Answer> =>
  get(url, { agent: agents.get(url), cookie, timeoutMs: HANG_MS });

/** What a phase of the run saw, over all users. */
export interface PhaseFigures {
  requests: number;
  statuses: Record<number, number>;
  /** Transport errors and hangs (no HTTP answer). */
  errors: number;
  /** 200s whose counter broke the user's invariant. */
  mismatches: number;
  /** 200s that started a new session because the store had lost the old one (only where allowed). */
  freshStarts: number;
  /** Increments of requests that answered 503 but whose write landed later (late writes). */
  lateWrites: number;
  /** The slowest answer, in ms. */
  maxMs: number;
}

/** Figures with nothing counted yet. */
export const emptyFigures = (): PhaseFigures => ({
  requests: 0,
  statuses: {},
  errors: 0,
  mismatches: 0,
  freshStarts: 0,
  lateWrites: 0,
  maxMs: 0,
});

/** One client with a cookie jar holding the session cookie. */
export class User {
  cookie = '';
  /** The counter of the last 200 answer. */
  last = 0;
  /** 503 answers since the last 200: the most late writes that may show in the next counter. */
  pendingFailures = 0;
  /** Counts over the whole run. */
  ok = 0;
  failed = 0;

  /** The session key in the jar. */
  get key(): string {
    return this.cookie.slice(this.cookie.indexOf('=') + 1);
  }

  /** One request; the answer is checked and added to `figures`. */
  async step(url: string, figures: PhaseFigures, allowFresh: boolean): Promise<number> {
    figures.requests++;
    let answer: Answer;
    try {
      answer = await getAnswer(url, this.cookie);
    } catch {
      figures.errors++;
      return 0;
    }
    figures.statuses[answer.status] = (figures.statuses[answer.status] ?? 0) + 1;
    figures.maxMs = Math.max(figures.maxMs, answer.ms);
    const before = this.key;
    if (answer.setCookie) this.cookie = jarValue(answer.setCookie);
    if (answer.status === 503) {
      this.failed++;
      this.pendingFailures++;
    }
    if (answer.status !== 200) return answer.status;
    this.ok++;
    const n = Number(answer.body);
    const fresh = n === 1 && this.last > 0 && before !== '' && this.key !== before;
    if (fresh && allowFresh) {
      figures.freshStarts++;
    } else if (!(n >= this.last + 1 && n <= this.last + 1 + this.pendingFailures)) {
      figures.mismatches++;
    } else {
      figures.lateWrites += n - this.last - 1;
    }
    this.last = n;
    this.pendingFailures = 0;
    return 200;
  }
}

/** Options of one phase. */
export interface PhaseOptions {
  /** A store that lost its data may answer with a new, empty session (and a new key). */
  allowFresh?: boolean;
  /** Pause after an answer other than 200, so a failing store is not hammered. */
  pauseMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every user calls the app in a loop for `ms`. */
export async function runFor(
  app: FaultApp,
  users: User[],
  ms: number,
  options: PhaseOptions = {},
): Promise<PhaseFigures> {
  const figures = emptyFigures();
  const deadline = Date.now() + ms;
  await Promise.all(
    users.map(async (user) => {
      while (Date.now() < deadline) {
        const status = await user.step(app.url, figures, options.allowFresh ?? false);
        if (status !== 200) await sleep(options.pauseMs ?? 50);
      }
    }),
  );
  return figures;
}

/**
 * Every user calls until it gets a 200 (or `timeoutMs` passes). Resolves the figures and the time from
 * the call until the last user got its 200 (`recoveryMs`, `null` if some user never did).
 */
export async function untilRecovered(
  app: FaultApp,
  users: User[],
  timeoutMs: number,
  options: PhaseOptions = {},
): Promise<PhaseFigures & { recoveryMs: number | null }> {
  const figures = emptyFigures();
  const started = Date.now();
  const deadline = started + timeoutMs;
  const times = await Promise.all(
    users.map(async (user) => {
      while (Date.now() < deadline) {
        const status = await user.step(app.url, figures, options.allowFresh ?? false);
        if (status === 200) return Date.now() - started;
        await sleep(options.pauseMs ?? 50);
      }
      return null;
    }),
  );
  const recoveryMs = times.includes(null) ? null : Math.max(...(times as number[]));
  return { ...figures, recoveryMs };
}

/** `count` users with empty jars. */
export const users = (count: number): User[] => Array.from({ length: count }, () => new User());

/** Only 200 and 503 answers. */
export const only200And503 = (figures: PhaseFigures): string[] =>
  Object.keys(figures.statuses).filter((status) => status !== '200' && status !== '503');

/** Print a phase's figures on one line (collected into SECURITY.md by hand). */
export function report(scenario: string, phase: string, figures: object): void {
  console.log(`faults ${scenario} / ${phase}: ${JSON.stringify(figures)}`);
}

/** Whether the full (slow) versions run: `npm run reliability`. */
export const FULL = process.env.SESSIONKIT_RELIABILITY === '1';

/**
 * After the fault is repaired: every user gets a 200 within `timeoutMs` (only 200/503 on the way, no
 * mismatch), then a phase of `phaseMs` answers nothing but 200s with consistent counters. Resolves
 * both figures.
 */
export async function expectRecovery(
  scenario: string,
  app: FaultApp,
  jars: User[],
  phaseMs: number,
  options: PhaseOptions & { timeoutMs?: number } = {},
): Promise<{ recovery: PhaseFigures & { recoveryMs: number | null }; after: PhaseFigures }> {
  const recovery = await untilRecovered(app, jars, options.timeoutMs ?? 30_000, options);
  report(scenario, 'recovery', recovery);
  expect(recovery.recoveryMs).not.toBeNull();
  expect(recovery.mismatches).toBe(0);
  expect(recovery.errors).toBe(0);
  expect(only200And503(recovery)).toEqual([]);
  const after = await runFor(app, jars, phaseMs, options);
  report(scenario, 'after recovery', after);
  expect(after.statuses).toEqual({ 200: after.requests });
  expect(after.mismatches).toBe(0);
  return { recovery, after };
}

/** Print the run's totals of 200 and 503 answers over all users. */
export function reportTotals(scenario: string, jars: User[]): void {
  report(scenario, 'totals', {
    ok: jars.reduce((sum, jar) => sum + jar.ok, 0),
    failed: jars.reduce((sum, jar) => sum + jar.failed, 0),
  });
}

/**
 * Before the fault: every user gets its first 200 (the first requests also load the store's driver and
 * connect, which a loaded machine may not finish within the store timeout), then a phase of
 * `phaseMs` answers nothing but 200s.
 */
export async function warmUp(scenario: string, app: FaultApp, jars: User[], phaseMs: number): Promise<void> {
  const first = await untilRecovered(app, jars, 60_000);
  expect(first.recoveryMs).not.toBeNull();
  const warm = await runFor(app, jars, phaseMs);
  report(scenario, 'warm', warm);
  expect(warm.statuses).toEqual({ 200: warm.requests });
  expect(warm.mismatches).toBe(0);
}
