/**
 * Soak (issue 17): 200 users, each with its own cookie jar, increment a session counter over keep-alive
 * connections for 60 s (SESSIONKIT_SOAK_SECONDS) against a `sessionkit/node` server on SQLite and on
 * Redis (its own key prefix). Every user's last counter must equal the requests it made, and the sum
 * must equal the server's count of handled requests: no lost update, no crossed session, no 5xx.
 * Runs with `npm run reliability`; loopback only, bounded in time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { session } from '../../src/adapters/node.js';
import { silentLogger } from '../../src/core/logger.js';
import { SECRET } from '../helpers.js';

const FULL = process.env.SESSIONKIT_RELIABILITY === '1';
const SECONDS = Number(process.env.SESSIONKIT_SOAK_SECONDS ?? 60);
const USERS = 200;
const dir = mkdtempSync(join(tmpdir(), 'sk-soak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One GET over `agent`: status, first Set-Cookie and body. */
function get(
  url: string,
  agent: Agent,
  cookie: string,
): Promise<{ status: number; setCookie: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: cookie ? { cookie } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie']?.[0], body }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

interface SoakFigures {
  requests: number;
  handled: number;
  mismatches: number;
  errors: number;
  statuses: Record<number, number>;
}

async function soak(store: string): Promise<SoakFigures> {
  let handled = 0;
  const withSession = session({ secretKey: SECRET, store, logger: silentLogger });
  const server = createServer(
    withSession(async (req, res) => {
      const n = ((await req.session.get('n')) as number | undefined) ?? 0;
      await req.session.set('n', n + 1);
      // Counted once the session is saved and the answer is a 200.
      res.on('finish', () => {
        if (res.statusCode === 200) handled++;
      });
      res.end(String(n + 1));
    }),
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const agent = new Agent({ keepAlive: true, maxSockets: USERS });
  const figures: SoakFigures = { requests: 0, handled: 0, mismatches: 0, errors: 0, statuses: {} };
  const deadline = Date.now() + SECONDS * 1000;
  const user = async () => {
    let cookie = '';
    let made = 0;
    while (Date.now() < deadline) {
      try {
        const response = await get(url, agent, cookie);
        figures.statuses[response.status] = (figures.statuses[response.status] ?? 0) + 1;
        if (response.setCookie) cookie = response.setCookie.split(';')[0]!;
        if (response.status !== 200) continue;
        const body = response.body;
        made++;
        figures.requests++;
        if (Number(body) !== made) figures.mismatches++;
      } catch {
        figures.errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: USERS }, user));
  figures.handled = handled;
  agent.destroy();
  await new Promise((done) => server.close(done));
  await withSession.manager.close();
  return figures;
}

describe.skipIf(!FULL)(`soak: ${USERS} users × ${SECONDS} s`, () => {
  it(
    'keeps every counter exact on SQLite and Redis',
    async () => {
      const stores = {
        sqlite: `sqlite:${join(dir, 'soak.db')}`,
        redis: `${process.env.SESSIONKIT_REDIS_URL ?? 'redis://127.0.0.1:6379'}?prefix=sk-soak-${process.pid}:&timeout=10000`,
      };
      for (const [name, store] of Object.entries(stores)) {
        const figures = await soak(store);
        console.log(`soak ${name}: ${JSON.stringify(figures)}`);
        expect(figures.mismatches).toBe(0);
        expect(figures.errors).toBe(0);
        expect(figures.requests).toBe(figures.handled);
        expect(Object.keys(figures.statuses)).toEqual(['200']);
      }
    },
    (SECONDS * 2 + 120) * 1000,
  );
});
