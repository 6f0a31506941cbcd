import { once } from 'node:events';
import { createServer, type RequestListener, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type DeferHeadersHooks, deferHeaders } from '../../src/adapters/_defer-headers.js';

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Serve `listener` on loopback and fetch `/` once. */
async function fetchFrom(
  listener: RequestListener,
): Promise<{ status: number; headers: Headers; body: string; statusText: string }> {
  const server = createServer(listener);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  return {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    body: await response.text(),
  };
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

function noError(): DeferHeadersHooks['onError'] {
  return (error) => {
    throw error;
  };
}

describe('deferHeaders', () => {
  it('lets the first call through at once when beforeHeaders returns nothing', async () => {
    const seen: unknown[] = [];
    const result = await fetchFrom((_req, res) => {
      let calls = 0;
      deferHeaders(res, {
        beforeHeaders(r) {
          calls++;
          r.setHeader('X-Hook', String(r.statusCode));
        },
        onError: noError(),
      });
      seen.push(res.writeHead(202, { 'X-Route': 'a' }) === res, res.headersSent);
      seen.push(res.write('x'), res.end('y') === res, calls);
    });
    expect(seen).toEqual([true, true, true, true, 1]);
    expect(result.status).toBe(202);
    expect(result.headers.get('x-hook')).toBe('202');
    expect(result.headers.get('x-route')).toBe('a');
    expect(result.body).toBe('xy');
  });

  it('holds every call until the promise settles, then replays them in order', async () => {
    const events: string[] = [];
    const result = await fetchFrom((_req, res) => {
      deferHeaders(res, {
        async beforeHeaders(r) {
          events.push(`hook ${r.statusCode} ${r.getHeader('x-route')}`);
          await tick();
          r.setHeader('X-Hook', 'late');
          events.push('settled');
        },
        onError: noError(),
      });
      res.on('drain', () => events.push('drain'));
      res.writeHead(201, 'Made', { 'X-Route': 'b' });
      events.push(`headersSent ${res.headersSent}`);
      events.push(`write ${res.write('one ')}`);
      res.write('two ');
      res.end('three', () => events.push('end callback'));
    });
    expect(result.status).toBe(201);
    expect(result.statusText).toBe('Made');
    expect(result.headers.get('x-hook')).toBe('late');
    expect(result.headers.get('x-route')).toBe('b');
    expect(result.body).toBe('one two three');
    await tick();
    expect(events).toEqual(['hook 201 b', 'headersSent false', 'write false', 'settled', 'end callback']);
  });

  it('emits drain after the replay when a write was held and the response goes on', async () => {
    const events: string[] = [];
    const result = await fetchFrom((_req, res) => {
      deferHeaders(res, {
        beforeHeaders: () => tick(),
        onError: noError(),
      });
      expect(res.write('a')).toBe(false);
      res.once('drain', () => {
        events.push('drain');
        res.end('b');
      });
    });
    expect(result.body).toBe('ab');
    expect(events).toEqual(['drain']);
  });

  it('sends the status beforeHeaders sets', async () => {
    const result = await fetchFrom((_req, res) => {
      deferHeaders(res, {
        async beforeHeaders(r) {
          await tick();
          r.statusCode = 299;
        },
        onError: noError(),
      });
      res.writeHead(200).end('ok');
    });
    expect(result.status).toBe(299);
  });

  it('starts at flushHeaders too', async () => {
    let called = 0;
    const result = await fetchFrom((_req, res) => {
      deferHeaders(res, {
        async beforeHeaders(r) {
          called++;
          r.setHeader('X-Hook', 'yes');
        },
        onError: noError(),
      });
      res.flushHeaders();
      res.end('done');
    });
    expect(result.headers.get('x-hook')).toBe('yes');
    expect(result.body).toBe('done');
    expect(called).toBe(1);
  });

  it('drops the queued calls and lets onError answer when beforeHeaders rejects', async () => {
    const events: string[] = [];
    const result = await fetchFrom((_req, res) => {
      deferHeaders(res, {
        async beforeHeaders() {
          await tick();
          throw new Error('store down');
        },
        onError(error, r) {
          events.push(`onError ${(error as Error).message}`);
          r.writeHead(503, { 'Content-Type': 'text/plain' });
          r.end('unavailable');
        },
      });
      res.setHeader('X-Route', 'c');
      res.write('handler body');
      res.end(() => events.push('end callback'));
      setTimeout(() => events.push(`late write ${res.write('late')}`), 20);
    });
    expect(result.status).toBe(503);
    expect(result.body).toBe('unavailable');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(events).toEqual(['onError store down', 'end callback', 'late write false']);
  });

  it('answers through onError when beforeHeaders throws synchronously', async () => {
    const result = await fetchFrom((_req, res) => {
      deferHeaders(res, {
        beforeHeaders() {
          throw new Error('bad');
        },
        onError(_error, r) {
          r.statusCode = 500;
          r.end('failed');
        },
      });
      res.end('never');
    });
    expect(result).toMatchObject({ status: 500, body: 'failed' });
  });

  it('lets Node reject an invalid status synchronously without running the hook', async () => {
    let called = 0;
    const result = await fetchFrom((_req, res) => {
      deferHeaders(res, {
        beforeHeaders() {
          called++;
        },
        onError: noError(),
      });
      expect(() => res.writeHead(42)).toThrow(/status code/i);
      res.end('after');
    });
    expect(result.body).toBe('after');
    expect(called).toBe(1);
  });

  it('chains with wrappers installed before and after it', async () => {
    const result = await fetchFrom((_req, res) => {
      const upper = (r: ServerResponse) => {
        const end = r.end;
        r.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
          return (end as (...a: unknown[]) => ServerResponse).call(
            this,
            typeof chunk === 'string' ? chunk.toUpperCase() : chunk,
            ...rest,
          );
        } as ServerResponse['end'];
      };
      const exclaim = (r: ServerResponse) => {
        const end = r.end;
        r.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
          return (end as (...a: unknown[]) => ServerResponse).call(
            this,
            typeof chunk === 'string' ? `${chunk}!` : chunk,
            ...rest,
          );
        } as ServerResponse['end'];
      };
      upper(res);
      deferHeaders(res, { beforeHeaders: () => tick(), onError: noError() });
      exclaim(res);
      res.end('hi');
    });
    expect(result.body).toBe('HI!');
  });

  it('stacks: two deferrals on one response (a wrapper between them) both run, in order', async () => {
    const order: string[] = [];
    const result = await fetchFrom((_req, res) => {
      const hook = (name: string): DeferHeadersHooks => ({
        async beforeHeaders(r) {
          order.push(name);
          await tick();
          r.appendHeader('X-Hooks', name);
        },
        onError: noError(),
      });
      deferHeaders(res, hook('first'));
      const end = res.end as (...a: unknown[]) => ServerResponse;
      res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
        return end.call(this, typeof chunk === 'string' ? `<${chunk}>` : chunk, ...rest);
      } as ServerResponse['end'];
      deferHeaders(res, hook('second'));
      res.write('a');
      res.end('b');
    });
    expect(order).toEqual(['second', 'first']);
    expect(result.headers.get('x-hooks')).toBe('second, first');
    expect(result.body).toBe('a<b>');
  });

  it('adds own properties to that response only', async () => {
    const prototypeKeys = Reflect.ownKeys(ServerResponse.prototype);
    let own: PropertyKey[] = [];
    await fetchFrom((_req, res) => {
      const before = new Set(Reflect.ownKeys(res));
      deferHeaders(res, { beforeHeaders() {}, onError: noError() });
      own = Reflect.ownKeys(res).filter((key) => !before.has(key));
      res.end();
    });
    expect(own.filter((key) => typeof key === 'string').sort()).toEqual([
      'end',
      'flushHeaders',
      'write',
      'writeHead',
    ]);
    expect(own.filter((key) => typeof key === 'symbol')).toHaveLength(1);
    expect(Reflect.ownKeys(ServerResponse.prototype)).toEqual(prototypeKeys);
  });
});
