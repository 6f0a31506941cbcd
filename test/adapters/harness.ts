/**
 * What the adapter behaviour suite ({@link ./behaviour.ts}) runs against: the harness contract every
 * adapter test implements, the framework-neutral routes, and test stores.
 */
import type { Server as HttpServer } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { StoreUnavailable } from '../../src/core/errors.js';
import type { Session } from '../../src/core/session.js';
import type { SessionMiddlewareOptions } from '../../src/http/options.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import type { AnyStore, SessionStore } from '../../src/stores/types.js';
import type { TestTls } from './tls-fixture.js';

/** What a route asks the adapter to answer. */
export interface RouteResult {
  /** @default 200 */
  status?: number;
  headers?: Record<string, string>;
  /** @default '' */
  body?: string;
  /** Answer 302 with this `Location`. */
  redirect?: string;
  /** Stream the body in these chunks (several writes, the first before the end). */
  chunks?: string[];
}

/** A framework-neutral route: uses the session, says what to answer. May throw. */
export type Route = (session: Session) => Promise<RouteResult>;
/** Routes by path. Unknown paths answer 404. */
export type Routes = Record<string, Route>;

/** A running server. */
export interface StartedServer {
  /** Base URL, e.g. `http://127.0.0.1:51234`. */
  url: string;
  close(): Promise<void>;
}

/** What an adapter test file provides. */
export interface AdapterHarness {
  /** Adapter name for the report. */
  name: string;
  /** Start the framework on port 0 with the session middleware and `routes`; over HTTPS when `tls` is given. */
  start(options: SessionMiddlewareOptions, routes: Routes, tls?: TestTls): Promise<StartedServer>;
  /** Which store the suite uses. @default 'memory' */
  store?: 'memory' | 'signed-cookie';
}

/** Listen on an ephemeral loopback port. */
export async function listen(server: HttpServer | HttpsServer): Promise<StartedServer> {
  const scheme = server instanceof HttpsServer ? 'https' : 'http';
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A memory store whose writes take a while, so a response sent before the save would be caught. */
export function slowStore(): SessionStore {
  const inner = createMemoryStore();
  return {
    ...inner,
    create: async (record) => {
      await tick(80);
      return inner.create(record);
    },
    update: async (record) => {
      await tick(80);
      return inner.update(record);
    },
  };
}

/** Unit-level stand-in for an outage: every store call rejects with StoreUnavailable. */
export function downStore(): SessionStore {
  const down = () => Promise.reject(new StoreUnavailable('test store is down'));
  return { kind: 'server', name: 'down', load: down, exists: down, create: down, update: down, delete: down };
}

export function routesFor(store: AnyStore): Routes {
  return {
    '/set': async (s) => {
      await s.set('k', 'a');
      return { body: 'ok' };
    },
    '/get': async (s) => ({ body: JSON.stringify((await s.get('k')) ?? null) }),
    '/untouched': async () => ({ body: 'untouched' }),
    '/visit': async (s) => {
      const visits = (((await s.get('visits')) as number | undefined) ?? 0) + 1;
      await s.set('visits', visits);
      return { body: String(visits) };
    },
    '/flush': async (s) => {
      await s.flush();
      return { body: 'ok' };
    },
    '/remove': async (s) => {
      await s.delete('k');
      return { body: 'ok' };
    },
    '/set-with-cookie': async (s) => {
      await s.set('k', 'a');
      return { headers: { 'Set-Cookie': 'theme=dark; Path=/' }, body: 'ok' };
    },
    '/vary-accept': async (s) => {
      await s.get('k');
      return { headers: { Vary: 'Accept-Encoding' } };
    },
    '/vary-cookie': async (s) => {
      await s.get('k');
      return { headers: { Vary: 'Accept-Encoding, cookie' } };
    },
    '/fail500': async (s) => {
      await s.set('k', 'b');
      return { status: 500, body: 'boom' };
    },
    '/fail503': async (s) => {
      await s.set('k', 'b');
      return { status: 503, body: 'busy' };
    },
    '/expiry0': async (s) => {
      await s.setExpiry(0);
      return { body: 'ok' };
    },
    '/expiry60': async (s) => {
      await s.setExpiry(60);
      return { body: 'ok' };
    },
    '/login': async (s) => {
      await s.set('user', 'alice');
      return { redirect: '/whoami' };
    },
    '/stream': async (s) => {
      await s.set('user', 'bob');
      return { chunks: ['a', 'b', 'c'] };
    },
    '/whoami': async (s) => ({ body: String((await s.get('user')) ?? 'anonymous') }),
    '/interrupt': async (s) => {
      await s.get('k');
      await (store as SessionStore).delete(s.sessionKey!);
      await s.set('k', 'c');
      return { body: 'not reached' };
    },
  };
}
