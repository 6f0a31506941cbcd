import { Readable } from 'node:stream';
import Fastify, { type FastifyReply } from 'fastify';
import { describe, expect, it } from 'vitest';
import sessionkit, { getSession, session } from '../../src/adapters/fastify.js';
import { ConfigError } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { SECRET } from '../helpers.js';
import { describeAdapterBehaviour } from './behaviour.js';
import type { RouteResult, StartedServer } from './harness.js';

function respond(reply: FastifyReply, result: RouteResult): FastifyReply {
  if (result.redirect !== undefined) return reply.redirect(result.redirect, 302);
  reply.code(result.status ?? 200).headers(result.headers ?? {});
  if (result.chunks !== undefined) return reply.type('text/plain').send(Readable.from(result.chunks));
  return reply.type('text/plain').send(result.body ?? '');
}

describeAdapterBehaviour({
  name: 'fastify',
  async start(options, routes, tls): Promise<StartedServer> {
    const app = Fastify({ logger: false, https: tls ?? null });
    await app.register(sessionkit, options);
    app.all('/*', async (request, reply) => {
      const route = routes[new URL(request.url, 'http://x').pathname];
      if (route === undefined) return reply.code(404).send();
      return respond(reply, await route(getSession(request)));
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: address, close: () => app.close() };
  },
});

describe('sessionkit/fastify', () => {
  it('is visible app-wide (not encapsulated) and works when bound with session(options)', async () => {
    const app = Fastify({ logger: false });
    await app.register(session({ secretKey: SECRET, store: createMemoryStore() }));
    await app.register(async (child) => {
      child.get('/child', async (request) => ({ hasSession: getSession(request).isLoaded === false }));
    });
    const response = await app.inject({ url: '/child' });
    expect(response.json()).toEqual({ hasSession: true });
    await app.close();
  });

  it('carries fastify-plugin metadata: name sessionkit, Fastify 5, not encapsulated', () => {
    const bound = session({ secretKey: SECRET, store: createMemoryStore() });
    for (const plugin of [sessionkit, bound] as unknown as Array<Record<symbol, unknown>>) {
      expect(plugin[Symbol.for('plugin-meta')]).toMatchObject({ name: 'sessionkit', fastify: '5.x' });
      expect(plugin[Symbol.for('skip-override')]).toBe(true);
      expect(plugin[Symbol.for('fastify.display-name')]).toBe('sessionkit');
    }
  });

  it('fails with a ConfigError for invalid options, at registration or when bound', async () => {
    const app = Fastify({ logger: false });
    await expect(
      app.register(sessionkit, { secretKey: 'short', store: createMemoryStore() }),
    ).rejects.toThrow(ConfigError);
    expect(() => session({ secretKey: 'short', store: createMemoryStore() })).toThrow(ConfigError);
  });

  it('closes a manager it created, and leaves a shared manager open', async () => {
    const closed: string[] = [];
    const store = (name: string) => ({ ...createMemoryStore(), close: async () => void closed.push(name) });
    const app = Fastify({ logger: false });
    await app.register(sessionkit, { secretKey: SECRET, store: store('owned') });
    await app.close();
    const shared = createSessionManager({ secretKey: SECRET, store: store('shared') });
    const other = Fastify({ logger: false });
    await other.register(sessionkit, { manager: shared, prefix: '/api' });
    await other.close();
    expect(closed).toEqual(['owned']);
  });
});
