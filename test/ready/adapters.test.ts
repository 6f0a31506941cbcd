/**
 * middleware.ready() on every adapter and the drop-in; the Fastify plugin fails its registration.
 * The setup mistake: an SQLite path in a folder that does not exist.
 */
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import * as expressAdapter from '../../src/adapters/express.js';
import * as fastifyAdapter from '../../src/adapters/fastify.js';
import * as honoAdapter from '../../src/adapters/hono.js';
import * as koaAdapter from '../../src/adapters/koa.js';
import * as nodeAdapter from '../../src/adapters/node.js';
import { ConfigError } from '../../src/core/errors.js';
import { session as dropIn } from '../../src/express-session/index.js';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import { SECRET } from '../helpers.js';

const BROKEN = `sqlite:${join('/nonexistent-sessionkit-folder', 'sessions.sqlite3')}`;
const options = { secretKey: SECRET, store: BROKEN };

const middlewares: Record<string, () => { ready(): Promise<void> }> = {
  node: () => nodeAdapter.session(options),
  express: () => expressAdapter.session(options),
  koa: () => koaAdapter.session(options),
  hono: () => honoAdapter.session(options),
  'express-session drop-in': () =>
    dropIn({
      secret: SECRET,
      store: createSqliteStore({ path: '/nonexistent-sessionkit-folder/s.sqlite3' }),
    }),
};

describe('middleware.ready()', () => {
  it.each(Object.keys(middlewares))(
    '%s: rejects with the ConfigError that names the folder',
    async (name) => {
      const middleware = middlewares[name]!();
      await expect(middleware.ready()).rejects.toThrow(ConfigError);
      await expect(middleware.ready()).rejects.toThrow(/nonexistent-sessionkit-folder/);
    },
  );

  it('fastify: registration awaits it, so app.ready() rejects with the ConfigError', async () => {
    const bound = Fastify();
    bound.register(fastifyAdapter.session(options));
    await expect(bound.ready()).rejects.toThrow(/folder that does not exist/);
    const plugin = Fastify();
    plugin.register(fastifyAdapter.default, options);
    await expect(plugin.ready()).rejects.toThrow(ConfigError);
  });

  it('fastify: registration succeeds on a working store', async () => {
    const app = Fastify();
    await app.register(fastifyAdapter.session({ secretKey: SECRET, store: 'memory:' }));
    await expect(app.ready()).resolves.toBeDefined();
    await app.close();
  });
});
