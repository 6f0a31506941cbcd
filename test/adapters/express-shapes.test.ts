/**
 * `normalizeObjects` of the Express adapter: each request's `req`/`res` get one shared V8 hidden class
 * (checked with V8's own intrinsics in a child process), and nothing a program can see changes.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import express, { type Express } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { shareShape } from '../../src/adapters/_shared-shape.js';
import { session } from '../../src/adapters/express.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { SECRET } from '../helpers.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/express-shapes-app.ts', import.meta.url));

interface Seen {
  sameReq: boolean | null;
  sameRes: boolean | null;
  fastReq: boolean;
  fastRes: boolean;
}

async function shapes(mode: 'on' | 'off'): Promise<Seen[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--allow-natives-syntax', '--import', 'tsx', FIXTURE, mode],
    { timeout: 30_000, encoding: 'utf8' },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Seen[];
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(app: Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An app whose `/` answers the own keys (strings and symbols) of `req` and `res`, in order. */
function keysApp(normalizeObjects: boolean): Express {
  const app = express();
  app.use(session({ secretKey: SECRET, store: createMemoryStore(), normalizeObjects }));
  app.get('/', (req, res) => {
    const names = (o: object) => Reflect.ownKeys(o).map((key) => String(key));
    res.json({ req: names(req), res: names(res) });
  });
  return app;
}

describe('Express normalizeObjects', () => {
  it('gives every request’s req and res one shared hidden class (on by default in session())', async () => {
    const on = await shapes('on');
    expect(on).toHaveLength(3);
    expect(on.slice(1).map((s) => [s.sameReq, s.sameRes])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(on.every((s) => !s.fastReq && !s.fastRes)).toBe(true);
  });

  it('with normalizeObjects: false leaves Express’s objects alone (each request gets its own hidden class)', async () => {
    const off = await shapes('off');
    // This is V8's behaviour after Express's per-request setPrototypeOf (the reason for the option).
    expect(off.slice(1).map((s) => [s.sameReq, s.sameRes])).toEqual([
      [false, false],
      [false, false],
    ]);
    expect(off.every((s) => s.fastReq && s.fastRes)).toBe(true);
  });

  it('changes no own key of req or res, nor their order', async () => {
    const normalized = await (await fetch(await serve(keysApp(true)))).json();
    const untouched = await (await fetch(await serve(keysApp(false)))).json();
    expect(normalized).toEqual(untouched);
    expect(JSON.stringify(normalized)).not.toContain('sessionkit.shape');
  });

  it('leaves non-extensible objects and refusing proxies as they were, without throwing', () => {
    const frozen = Object.freeze({ a: 1 });
    const sealed = Object.preventExtensions({ b: 2 });
    const refusing = new Proxy(
      {},
      {
        set: () => {
          throw new Error('no');
        },
      },
    );
    expect(() => [frozen, sealed, refusing].forEach(shareShape)).not.toThrow();
    expect(Reflect.ownKeys(frozen)).toEqual(['a']);
    expect(Reflect.ownKeys(sealed)).toEqual(['b']);
  });

  it('rejects a non-boolean normalizeObjects', () => {
    expect(() =>
      session({
        secretKey: SECRET,
        store: createMemoryStore(),
        normalizeObjects: 'yes' as unknown as boolean,
      }),
    ).toThrow(/normalizeObjects must be a boolean, not a string/);
  });

  it('takes normalizeObjects next to a shared manager (it is not a session setting)', async () => {
    const shared = session({ secretKey: SECRET, store: createMemoryStore() }).manager;
    const middleware = session({ manager: shared, normalizeObjects: false });
    expect(middleware.manager).toBe(shared);
    await shared.close();
  });
});
