import { createServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Readable } from 'node:stream';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { getSession, session } from '../../src/adapters/koa.js';
import { ConfigError } from '../../src/core/errors.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { SECRET } from '../helpers.js';
import { describeAdapterBehaviour } from './behaviour.js';
import { listen } from './harness.js';
import type { TestTls } from './tls-fixture.js';

const serverFor = (tls: TestTls | undefined, listener: RequestListener) =>
  tls === undefined ? createServer(listener) : createHttpsServer(tls, listener);

describeAdapterBehaviour({
  name: 'koa',
  async start(options, routes, tls) {
    const app = new Koa().use(session(options));
    app.silent = true; // expected errors are asserted, not printed
    app.use(async (ctx) => {
      const route = routes[ctx.path];
      if (route === undefined) return;
      const result = await route(ctx.session);
      if (result.redirect !== undefined) {
        ctx.status = 302;
        ctx.redirect(result.redirect);
        return;
      }
      ctx.status = result.status ?? 200;
      ctx.set(result.headers ?? {});
      ctx.type = 'text/plain';
      ctx.body = result.chunks === undefined ? (result.body ?? '') : Readable.from(result.chunks);
    });
    return listen(serverFor(tls, app.callback()));
  },
});

describe('sessionkit/koa', () => {
  it('throws ConfigError at construction for invalid options', () => {
    expect(() =>
      session({ secretKey: SECRET, store: createMemoryStore(), cookieSameSite: 'sometimes' as never }),
    ).toThrow(ConfigError);
  });

  it('getSession throws a ConfigError naming the fix when the middleware is missing', () => {
    expect(() => getSession({} as Koa.Context)).toThrow(/app\.use\(session/);
  });
});
