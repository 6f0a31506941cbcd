/**
 * The load script: `connections` keep-alive virtual users, each with its own cookie jar that lives
 * across phases (virtual user i is connection i of every phase). Every response is checked as it
 * arrives: 2xx, `/counter` exactly one more than the user's previous counter, `/read` equal to it,
 * `/untouched` the fixed body.
 *
 * The jar is bound to the connection in `setupClient`, not kept in autocannon's per-request `context`:
 * autocannon resets that context each time a connection wraps around its request list, i.e. after
 * every request when the list has one entry. A user's requests are built once, with its `Cookie`
 * header, and rebuilt only when a response changes its jar: the load generator shares the machine
 * with the server, so it does as little as it can per request, the same for every variant.
 * @module
 */
import autocannon from 'autocannon';
import { UNTOUCHED_BODY } from './servers/_common.js';

/** One virtual user: a cookie jar and what it knows of its own counter. */
export interface VirtualUser {
  /** Cookies by name. */
  jar: Map<string, string>;
  /** The `Cookie` header sent (kept in step with `jar`). */
  header: string;
  /** The last counter seen, or `null` before the first. */
  counter: number | null;
  /** `/counter` responses received. */
  counterResponses: number;
  /**
   * Set at the start of a phase: a `/counter` request cut off when the previous phase stopped may have
   * been served, so the first answer may be ahead of what this user saw.
   */
  resync: boolean;
}

/** Create `count` virtual users with empty jars. */
export function createUsers(count: number): VirtualUser[] {
  return Array.from({ length: count }, () => ({
    jar: new Map(),
    header: '',
    counter: null,
    counterResponses: 0,
    resync: false,
  }));
}

/** What one phase measured. */
export interface PhaseResult {
  /** Responses per second (2xx and others) over the phase's wall-clock time. */
  rps: number;
  /** Median and 99th-percentile latency in ms. */
  p50: number;
  p99: number;
  /** Responses received. */
  responses: number;
  /** Non-2xx responses, socket errors and timeouts. */
  non2xx: number;
  errors: number;
  /** Bodies that broke the counter rules (or a wrong `/untouched` body). */
  mismatches: number;
  /** Over several rounds: (max − min) / median of `rps`. */
  spread?: number;
  /** The server's CPU time (all threads, user + system) per response, in µs, when the platform tells. */
  serverCpuUs?: number;
  /** The load generator's CPU time over the phase's wall-clock time (1 = one core busy throughout). */
  generatorCpu?: number;
}

/** Options of {@link runPhase}. */
export interface PhaseOptions {
  /** Server port on 127.0.0.1. */
  port: number;
  /** One per connection. */
  users: VirtualUser[];
  /** Paths every connection cycles through, in order. */
  paths: readonly string[];
  /** Length of the phase. */
  seconds: number;
  /** Check that counters really count (off for the session-less baselines). */
  checkCounters: boolean;
}

/** Apply one `Set-Cookie` to the jar; true when the jar changed (then `user.header` is rebuilt). */
function storeSetCookie(user: VirtualUser, setCookie: string): boolean {
  const semicolon = setCookie.indexOf(';');
  const pair = semicolon === -1 ? setCookie : setCookie.slice(0, semicolon);
  const eq = pair.indexOf('=');
  if (eq <= 0) return false;
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  if (value === '' || value === '""' || /;\s*max-age=0(;|$)/i.test(setCookie)) {
    if (!user.jar.delete(name)) return false;
  } else if (user.jar.get(name) === value) {
    return false; // the same cookie again (a refreshed expiry): nothing to send differently
  } else {
    user.jar.set(name, value);
  }
  user.header = [...user.jar].map(([n, v]) => `${n}=${v}`).join('; ');
  return true;
}

/** Apply a response's `Set-Cookie` headers; true when the jar changed. */
function readSetCookies(user: VirtualUser, headers: Record<string, unknown> | undefined): boolean {
  if (headers === undefined) return false;
  let changed = false;
  for (const name of Object.keys(headers)) {
    if (name.length !== 10 || name.toLowerCase() !== 'set-cookie') continue;
    const value = headers[name];
    for (const cookie of Array.isArray(value) ? value : [value]) {
      if (storeSetCookie(user, String(cookie))) changed = true;
    }
  }
  return changed;
}

/** Whether `body` is the right answer to `path` for `user`, updating what the user knows. */
function check(user: VirtualUser, path: string, body: string): boolean {
  if (path === '/untouched') return body === UNTOUCHED_BODY;
  if (!/^\d+$/.test(body)) return false;
  const seen = Number(body);
  const last = user.counter ?? 0;
  const expected = path === '/counter' ? last + 1 : last;
  const ok = user.resync ? seen >= expected : seen === expected;
  user.resync = false;
  user.counter = seen;
  if (path === '/counter') user.counterResponses++;
  return ok;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/** Run one phase of the load script against a server. */
export async function runPhase(options: PhaseOptions): Promise<PhaseResult> {
  const { users, paths, checkCounters } = options;
  let next = 0;
  let mismatches = 0;
  const latencies: number[] = [];
  for (const user of users) user.resync = true;

  const requestsFor = (user: VirtualUser, client: autocannon.Client): autocannon.Request[] =>
    paths.map((path) => ({
      method: 'GET',
      path,
      headers: user.header === '' ? {} : { cookie: user.header },
      onResponse(status, body, _context, headers) {
        if (readSetCookies(user, headers as Record<string, unknown> | undefined)) {
          client.setRequests(requestsFor(user, client));
        }
        if (status >= 200 && status < 300 && checkCounters && !check(user, path, String(body))) mismatches++;
        else if (!checkCounters && path === '/untouched' && body !== UNTOUCHED_BODY) mismatches++;
      },
    }));

  const started = process.hrtime.bigint();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${options.port}`,
        connections: users.length,
        pipelining: 1,
        duration: options.seconds,
        requests: [{ method: 'GET', path: paths[0] }],
        setupClient(client) {
          const user = users[next++ % users.length]!;
          client.setRequests(requestsFor(user, client));
        },
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => void latencies.push(responseTime));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: latencies.length / seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    responses: latencies.length,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    mismatches,
  };
}
