/**
 * The Express apps of the HTTP benchmark run without sockets: each request is a Node `IncomingMessage` /
 * `ServerResponse` pair handed straight to the app, in this process. What is left is Express's and the
 * session layer's own CPU per request, without the kernel, the client and the network, which in
 * `run.ts` are most of a response's cost and most of its noise. For finding what the session costs
 * (run it under `node --cpu-prof`), not for req/s claims: those are `run.ts`'s.
 *
 *   npx tsx bench/http/in-process.ts --build [--only express-plain,express-sessionkit] [--routes /counter]
 *                                           [--requests 20000] [--rounds 7]
 *   node --cpu-prof --cpu-prof-interval 100 --import tsx bench/http/in-process.ts --only express-sessionkit
 *
 * Per route, the variants run interleaved in rounds of `--requests` requests, 10 users with their own
 * cookie jars taking turns; the figure is the process's CPU time (`process.cpuUsage`) per request, the
 * median over the rounds, next to what it adds over plain Express.
 * @module
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { createMemoryStore } from '../../src/stores/memory.js';
import { rerunFromBuild } from './build.js';
import { floorApp } from './servers/_express-floor.js';
import { plainExpressApp } from './servers/_express-plain.js';
import { sessionkitExpressApp } from './servers/_sessionkit-express.js';
import { dropinApp } from './servers/express-dropin-app.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    routes: { type: 'string', default: '/counter,/read,/untouched' },
    requests: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '7' },
    build: { type: 'boolean', default: false },
  },
});
if (values.build) rerunFromBuild('in-process');

type App = (req: IncomingMessage, res: ServerResponse) => void;
const APPS: ReadonlyArray<readonly [string, () => App]> = [
  ['express-plain', () => plainExpressApp() as unknown as App],
  ['express-floor', () => floorApp() as unknown as App],
  [
    'express-sessionkit',
    () => sessionkitExpressApp(createMemoryStore({ max: 100_000 })).app as unknown as App,
  ],
  ['express-dropin', () => dropinApp(createMemoryStore({ max: 100_000 })).app as unknown as App],
];
const only = values.only?.split(',').map((name) => name.trim());
const selected = APPS.filter(([name]) => only === undefined || only.includes(name));
if (selected.length === 0) throw new Error(`--only matched nothing (known: ${APPS.map(([name]) => name)})`);
const routes = values.routes.split(',').map((route) => route.trim());
const requests = Number(values.requests);
const rounds = Number(values.rounds);

const socket = new Socket();

/** One request through `app`, as a browser with `jar` sends it; resolves once the response has ended. */
function request(app: App, url: string, jar: Map<string, string>): Promise<void> {
  return new Promise((resolve) => {
    const req = new IncomingMessage(socket);
    req.method = 'GET';
    req.url = url;
    req.headers = { host: '127.0.0.1', accept: '*/*' };
    if (jar.size > 0) req.headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const res = new ServerResponse(req);
    const end = res.end as (...args: unknown[]) => ServerResponse;
    // Own property, set before the app runs: what a session middleware wraps is this, and the body
    // (no socket) stays in `res`.
    res.end = function endAndKeepCookie(this: ServerResponse, ...args: unknown[]) {
      const result = end.apply(this, args);
      const header = this.getHeader('set-cookie');
      const line = Array.isArray(header) ? header[0] : header;
      if (typeof line === 'string') {
        const pair = line.slice(0, line.indexOf(';'));
        const at = pair.indexOf('=');
        jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
      resolve();
      return result;
    } as ServerResponse['end'];
    app(req, res);
  });
}

const apps = selected.map(([name, make]) => ({
  name,
  app: make(),
  jars: Array.from({ length: 10 }, () => new Map<string, string>()),
}));
for (const { app, jars } of apps) {
  for (let i = 0; i < 2000; i++) await request(app, routes[i % routes.length]!, jars[i % 10]!);
  for (const jar of jars) await request(app, '/counter', jar);
}

const median = (list: number[]): number => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
};
console.log(`# Express apps without sockets: CPU µs per request (median of ${rounds} rounds of ${requests})`);
console.log(`# Node ${process.version}`);
console.log(`${'route / variant'.padEnd(32)}${'µs/req'.padStart(8)}${'over plain'.padStart(12)}`);
for (const route of routes) {
  const samples = new Map(apps.map(({ name }) => [name, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < apps.length; i++) {
      const { name, app, jars } = apps[(i + round) % apps.length]!;
      const before = process.cpuUsage();
      for (let k = 0; k < requests; k++) await request(app, route, jars[k % 10]!);
      const used = process.cpuUsage(before);
      samples.get(name)!.push((used.user + used.system) / requests);
    }
  }
  const plain = samples.has('express-plain') ? median(samples.get('express-plain')!) : null;
  for (const [name, list] of samples) {
    const us = median(list);
    const over = plain === null ? '' : `${us >= plain ? '+' : ''}${(us - plain).toFixed(2)}`;
    console.log(`${`${route} ${name}`.padEnd(32)}${us.toFixed(2).padStart(8)}${over.padStart(12)}`);
  }
}
