/**
 * Issue 17 defect 6: errors sessionkit throws into routes carry a message safe for clients; paths,
 * hosts and ports stay on `detail` and `cause`, for logs.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { getSession, session } from '../../src/adapters/express.js';
import { session as fastifySession, getSession as getFastifySession } from '../../src/adapters/fastify.js';
import { STORE_UNAVAILABLE_MESSAGE, StoreUnavailable } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { createSessionManager } from '../../src/core/manager.js';
import { sessionErrorResponse } from '../../src/http/errors.js';
import { createFileStore } from '../../src/stores/file.js';
import { createPostgresStore } from '../../src/stores/postgres.js';
import { SECRET } from '../helpers.js';

const KEY = 'brokensessionfile0123456789abcde';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A file store whose file for KEY is a directory: reading it fails with EISDIR (StoreUnavailable). */
function brokenFileStore() {
  const directory = mkdtempSync(join(tmpdir(), 'sk-safe-errors-'));
  mkdirSync(join(directory, `sessionid${KEY}`));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  return { directory, store: createFileStore({ directory }) };
}

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** An Express app with sessionkit over {@link brokenFileStore} whose `/` reads the session. */
function brokenExpressApp() {
  const { directory, store } = brokenFileStore();
  const app = express();
  app.use(session({ secretKey: SECRET, store, logger: silentLogger }));
  app.get('/', async (req, res) => {
    res.send(String(await getSession(req).get('x')));
  });
  return { directory, app };
}

async function serve(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('StoreUnavailable', () => {
  it('shows no path in its message; the path is on detail and cause', async () => {
    const { directory, store } = brokenFileStore();
    const sessions = createSessionManager({ secretKey: SECRET, store, logger: silentLogger });
    const error = await sessions
      .open(KEY)
      .get('x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as Error).message).toBe(STORE_UNAVAILABLE_MESSAGE);
    expect(String((error as Error).stack)).not.toContain(directory);
    expect((error as StoreUnavailable).detail).toContain(directory);
    expect(String((error as Error).cause)).toContain('EISDIR');
  });

  it('shows no host or port in its message; the driver error is the cause', async () => {
    const port = await deadPort();
    const store = createPostgresStore({ url: `postgres://app@127.0.0.1:${port}/test?timeout=5000` });
    cleanups.push(() => store.close?.());
    const error = await Promise.resolve(store.load('abcdefgh', new Date())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as Error).message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    expect((error as Error).message).not.toContain(String(port));
    expect(`${(error as StoreUnavailable).detail} ${String((error as Error).cause)}`).toContain(String(port));
  });
});

describe('store errors thrown in routes', () => {
  it("reach Express's default error handler without the store folder", async () => {
    const { directory, app } = brokenExpressApp();
    const url = await serve(createServer(app));
    const response = await fetch(url, { headers: { cookie: `sessionid=${KEY}` } });
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(body).toContain('The session store is not responding');
    expect(body).not.toContain(directory);
    expect(body).not.toContain('EISDIR');
  });

  it("reach Fastify's default error handler without the store folder", async () => {
    const { directory, store } = brokenFileStore();
    const app = Fastify();
    await app.register(fastifySession({ secretKey: SECRET, store, logger: silentLogger }));
    app.get('/', async (request) => String(await getFastifySession(request).get('x')));
    cleanups.push(() => app.close());
    const response = await app.inject({ url: '/', headers: { cookie: `sessionid=${KEY}` } });
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain(directory);
    expect(response.body).not.toContain('EISDIR');
  });

  it('get fixed bodies from the error handler SECURITY.md documents for Express', async () => {
    const { directory, app } = brokenExpressApp();
    app.get('/boom', () => {
      throw new Error(`cannot open ${directory}/secret.db`);
    });
    const logged: unknown[] = [];
    // The handler of SECURITY.md, with console.error swapped for a list.
    app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) return next(error);
      const answer = sessionErrorResponse(error) ?? {
        status: 500,
        contentType: 'text/plain; charset=utf-8',
        body: 'Internal Server Error',
      };
      if (answer.status >= 500) logged.push(error);
      res.status(answer.status).type(answer.contentType).send(answer.body);
    });
    const url = await serve(createServer(app));
    const unavailable = await fetch(url, { headers: { cookie: `sessionid=${KEY}` } });
    expect([unavailable.status, await unavailable.text()]).toEqual([
      503,
      'Service Unavailable: the session store is not responding. Try again shortly.',
    ]);
    const boom = await fetch(`${url}/boom`);
    expect([boom.status, await boom.text()]).toEqual([500, 'Internal Server Error']);
    expect(logged).toHaveLength(2);
  });
});
