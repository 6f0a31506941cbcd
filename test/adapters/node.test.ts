import { createServer, type IncomingMessage, type RequestListener, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { describe, expect, it } from 'vitest';
import { session } from '../../src/adapters/node.js';
import { ConfigError } from '../../src/core/errors.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { SECRET } from '../helpers.js';
import { describeAdapterBehaviour } from './behaviour.js';
import { listen, type RouteResult } from './harness.js';
import type { TestTls } from './tls-fixture.js';

const serverFor = (tls: TestTls | undefined, listener: RequestListener) =>
  tls === undefined ? createServer(listener) : createHttpsServer(tls, listener);

async function respond(res: ServerResponse, result: RouteResult): Promise<void> {
  if (result.redirect !== undefined) {
    res.writeHead(302, { Location: result.redirect });
    res.end();
    return;
  }
  res.writeHead(result.status ?? 200, { 'Content-Type': 'text/plain', ...result.headers });
  if (result.chunks === undefined) {
    res.end(result.body ?? '');
    return;
  }
  for (const chunk of result.chunks) {
    res.write(chunk);
    await new Promise(setImmediate);
  }
  res.end();
}

describeAdapterBehaviour({
  name: 'node',
  async start(options, routes, tls) {
    const withSession = session(options);
    return listen(
      serverFor(
        tls,
        withSession(async (req, res) => {
          const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
          if (route === undefined) {
            res.writeHead(404).end();
            return;
          }
          await respond(res, await route(req.session));
        }),
      ),
    );
  },
});

describe('sessionkit/node session()', () => {
  it('throws ConfigError at construction for invalid options', () => {
    expect(() => session({ secretKey: 'short', store: createMemoryStore() })).toThrow(ConfigError);
  });

  it('exposes its manager', () => {
    const store = createMemoryStore();
    expect(session({ secretKey: SECRET, store }).manager.store).toBe(store);
  });

  it('answers 500 without crashing when the handler throws', async () => {
    const logger = { warn() {}, error() {} };
    const withSession = session({ secretKey: SECRET, store: createMemoryStore(), logger });
    const server = await listen(
      createServer(
        withSession(async () => {
          throw new Error('bug');
        }),
      ),
    );
    try {
      const response = await fetch(server.url);
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('Internal Server Error');
    } finally {
      await server.close();
    }
  });

  it("leaves the user's own ServerResponse subclass unchanged", async () => {
    class AppResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
      appName(): string {
        return 'mine';
      }
    }
    const prototypeKeys = Reflect.ownKeys(AppResponse.prototype);
    const nodeKeys = Reflect.ownKeys(ServerResponse.prototype);
    const withSession = session({ secretKey: SECRET, store: createMemoryStore() });
    const server = await listen(
      createServer(
        { ServerResponse: AppResponse },
        withSession(async (req, res) => {
          await req.session.set('n', 1);
          res.end((res as AppResponse).appName());
        }),
      ),
    );
    try {
      for (let i = 0; i < 2; i++) {
        const response = await fetch(server.url);
        expect(await response.text()).toBe('mine');
        expect(response.headers.getSetCookie()).toHaveLength(1);
      }
      expect(Reflect.ownKeys(AppResponse.prototype)).toEqual(prototypeKeys);
      expect(Reflect.ownKeys(ServerResponse.prototype)).toEqual(nodeKeys);
    } finally {
      await server.close();
    }
  });
});
