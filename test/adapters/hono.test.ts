import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { getSession, type SessionEnv, session } from '../../src/adapters/hono.js';
import { ConfigError } from '../../src/core/errors.js';
import { createSignedCookieStore } from '../../src/stores/signed-cookie.js';
import { SECRET } from '../helpers.js';
import { describeAdapterBehaviour } from './behaviour.js';
import { type AdapterHarness, listen } from './harness.js';

function chunked(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const chunk = chunks.shift();
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
  });
}

const start: AdapterHarness['start'] = async (options, routes, tls) => {
  const app = new Hono<SessionEnv>();
  app.use(session(options));
  app.all('*', async (c) => {
    const route = routes[new URL(c.req.url).pathname];
    if (route === undefined) return c.notFound();
    const result = await route(c.get('session'));
    if (result.redirect !== undefined) return c.redirect(result.redirect, 302);
    const headers = { 'Content-Type': 'text/plain', ...result.headers };
    const status = (result.status ?? 200) as 200;
    if (result.chunks !== undefined) return c.body(chunked([...result.chunks]), status, headers);
    return c.body(result.body ?? '', status, headers);
  });
  app.onError((_error, c) => c.text('Internal Server Error', 500)); // default handler prints; keep quiet
  const listener = getRequestListener(app.fetch);
  return listen(tls === undefined ? createServer(listener) : createHttpsServer(tls, listener));
};

describeAdapterBehaviour({ name: 'hono', start });
describeAdapterBehaviour({ name: 'hono', start, store: 'signed-cookie' });

describe('sessionkit/hono', () => {
  it('runs on the Fetch API alone with the signed-cookie store, no server needed', async () => {
    const app = new Hono<SessionEnv>();
    app.use(session({ secretKey: SECRET, store: createSignedCookieStore() }));
    app.get('/', async (c) => {
      const visits = (((await c.get('session').get('visits')) as number | undefined) ?? 0) + 1;
      await c.get('session').set('visits', visits);
      return c.text(String(visits));
    });
    const first = await app.fetch(new Request('https://example.test/'));
    // Headers before the body: @hono/node-server (loaded by the suites above) swaps in a global Response
    // whose text() rebuilds the response from its constructor arguments, dropping later header changes.
    const [header] = first.headers.getSetCookie();
    expect(await first.text()).toBe('1');
    expect(header).toMatch(/; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/);
    const cookie = header!.slice(0, header!.indexOf(';'));
    const second = await app.fetch(new Request('https://example.test/', { headers: { Cookie: cookie } }));
    expect(await second.text()).toBe('2');
  });

  it("sets Secure for cookieSecure 'auto' from the request URL's https scheme", async () => {
    const app = new Hono<SessionEnv>();
    app.use(session({ secretKey: SECRET, store: createSignedCookieStore(), cookieSecure: 'auto' }));
    app.get('/', async (c) => {
      await c.get('session').set('a', 1);
      return c.text('ok');
    });
    const secure = await app.fetch(new Request('https://example.test/'));
    expect(secure.headers.getSetCookie()[0]).toMatch(/; Secure$/);
    const plain = await app.fetch(new Request('http://example.test/'));
    expect(plain.headers.getSetCookie()[0]).not.toMatch(/Secure/);
  });

  it('copies a response with immutable headers to add the cookie', async () => {
    const app = new Hono<SessionEnv>();
    app.use(session({ secretKey: SECRET, store: createSignedCookieStore() }));
    app.get('/', async (c) => {
      await c.get('session').set('a', 1);
      return Response.redirect('https://example.test/next', 302);
    });
    const response = await app.fetch(new Request('https://example.test/'));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://example.test/next');
    expect(response.headers.getSetCookie()).toHaveLength(1);
  });

  it('imports nothing from Node in the adapter itself', () => {
    const source = readFileSync(new URL('../../src/adapters/hono.ts', import.meta.url), 'utf8').replace(
      /\/\*[\s\S]*?\*\//g,
      '',
    );
    expect(source).not.toMatch(/from ['"](node:|fs|path|crypto|http|stream|buffer)/);
    expect(source).not.toMatch(/\bBuffer\b|\bprocess\./);
  });

  it('getSession throws a ConfigError naming the fix when the middleware is missing', async () => {
    const app = new Hono();
    let error: unknown;
    app.get('/', (c) => {
      try {
        getSession(c);
      } catch (caught) {
        error = caught;
      }
      return c.text('ok');
    });
    await app.fetch(new Request('http://example.test/'));
    expect(error).toBeInstanceOf(ConfigError);
  });
});
