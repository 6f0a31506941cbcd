/**
 * Other middleware that wraps res.write/res.end (as compression does), registered before or after the
 * session middleware: the body, the cookie and the saved session must all come out right.
 */
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { describe, expect, it } from 'vitest';
import { getSession, session } from '../../src/adapters/express.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { SECRET } from '../helpers.js';

/** Upper-cases every chunk written, like a transforming (compression-style) middleware. */
function shouting(_req: Request, res: Response, next: NextFunction): void {
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => Response;
  const shout = (chunk: unknown) => (typeof chunk === 'string' ? chunk.toUpperCase() : chunk);
  res.write = ((chunk: unknown, ...rest: unknown[]) => write(shout(chunk), ...rest)) as Response['write'];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => end(shout(chunk), ...rest)) as Response['end'];
  next();
}

async function run(order: 'wrapper-first' | 'session-first'): Promise<{ bodies: string[]; cookie: boolean }> {
  const app = express();
  const middleware = session({ secretKey: SECRET, store: createMemoryStore() });
  if (order === 'wrapper-first') app.use(shouting, middleware);
  else app.use(middleware, shouting);
  app.get('/', async (req, res) => {
    const s = getSession<{ n: number }>(req);
    const n = ((await s.get('n')) ?? 0) + 1;
    await s.set('n', n);
    res.write('count ');
    res.end(String(n));
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const first = await fetch(url);
    const setCookie = first.headers.getSetCookie();
    const cookie = setCookie[0]?.split(';')[0] ?? '';
    const second = await fetch(url, { headers: { cookie } });
    return { bodies: [await first.text(), await second.text()], cookie: setCookie.length === 1 };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('sessionkit/express with other response-wrapping middleware', () => {
  it('works when the wrapper is registered before the session middleware', async () => {
    expect(await run('wrapper-first')).toEqual({ bodies: ['COUNT 1', 'COUNT 2'], cookie: true });
  });

  it('works when the wrapper is registered after the session middleware', async () => {
    expect(await run('session-first')).toEqual({ bodies: ['COUNT 1', 'COUNT 2'], cookie: true });
  });
});
