import { createServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import express, { type Response } from 'express';
import { describe, expect, it } from 'vitest';
import { getSession, session } from '../../src/adapters/express.js';
import { ConfigError } from '../../src/core/errors.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { SECRET } from '../helpers.js';
import { describeAdapterBehaviour } from './behaviour.js';
import { listen, type RouteResult } from './harness.js';
import type { TestTls } from './tls-fixture.js';

const serverFor = (tls: TestTls | undefined, listener: RequestListener) =>
  tls === undefined ? createServer(listener) : createHttpsServer(tls, listener);

async function respond(res: Response, result: RouteResult): Promise<void> {
  if (result.redirect !== undefined) {
    res.redirect(302, result.redirect);
    return;
  }
  res.status(result.status ?? 200).set(result.headers ?? {});
  if (result.chunks === undefined) {
    res.type('text/plain').send(result.body ?? '');
    return;
  }
  for (const chunk of result.chunks) {
    res.write(chunk);
    await new Promise(setImmediate);
  }
  res.end();
}

describeAdapterBehaviour({
  name: 'express',
  async start(options, routes, tls) {
    const app = express();
    app.set('env', 'test'); // keep Express's error handler from printing expected errors
    app.use(session(options));
    app.use(async (req, res) => {
      const route = routes[req.path];
      if (route === undefined) {
        res.sendStatus(404);
        return;
      }
      await respond(res, await route(getSession(req)));
    });
    return listen(serverFor(tls, app));
  },
});

describe('sessionkit/express', () => {
  it('throws ConfigError at construction for invalid options', () => {
    expect(() => session({ secretKey: SECRET, store: 'nosuch:' })).toThrow(ConfigError);
  });

  it('ignores the removed normalizeObjects option with a warning', () => {
    const warnings: string[] = [];
    const logger = { error() {}, warn: (message: string) => void warnings.push(message) };
    const options = { secretKey: SECRET, store: createMemoryStore(), logger, normalizeObjects: true };
    expect(session(options as Parameters<typeof session>[0]).manager.settings.secretKey).toBe(SECRET);
    expect(warnings).toEqual([expect.stringMatching(/normalizeObjects option was removed/)]);
  });

  it('getSession throws a ConfigError naming the fix when the middleware is missing', () => {
    expect(() => getSession({} as express.Request)).toThrow(/app\.use\(session/);
  });
});
