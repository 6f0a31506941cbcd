/** Serving Express apps (or plain node:http servers) on loopback in a test file, each closed after its test. */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { afterEach } from 'vitest';

/**
 * Call at the top of a test file: returns `serve(app)`, which listens on a free loopback port (with an
 * Express app, or a `node:http` server not listening yet) and resolves the base URL; every server it
 * started is closed after each test.
 */
export function expressServers(): (target: Express | Server) => Promise<string> {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  return async (target) => {
    const server =
      typeof target === 'function' ? target.listen(0, '127.0.0.1') : target.listen(0, '127.0.0.1');
    servers.push(server);
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
}
