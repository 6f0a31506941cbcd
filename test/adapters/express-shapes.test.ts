/**
 * `normalizeObjects` of the Express adapter: each request's `req`/`res` get one shared V8 hidden class
 * (checked with V8's own intrinsics in a child process), only where V8 needs it, and nothing a program
 * can see changes.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import express, { type Express } from 'express';
import { describe, expect, it } from 'vitest';
import {
  detachesOnPrototypeChange,
  PROTOTYPE_CHANGE_DETACHES,
  shareShape,
} from '../../src/adapters/_shared-shape.js';
import { session } from '../../src/adapters/express.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { SECRET } from '../helpers.js';
import { expressServers } from './express-serve.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/express-shapes-app.ts', import.meta.url));

/** One pair of concurrent requests, compared at the same point of the request (see the fixture). */
interface Pair {
  sameReq: boolean;
  sameRes: boolean;
  fastReq: boolean;
  fastRes: boolean;
}

async function shapes(mode: 'default' | 'on' | 'off'): Promise<Pair[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--allow-natives-syntax', '--expose-gc', '--import', 'tsx', FIXTURE, mode],
    { timeout: 30_000, encoding: 'utf8' },
  );
  const pairs = JSON.parse(stdout.trim().split('\n').at(-1)!) as Pair[];
  expect(pairs).toHaveLength(5);
  return pairs;
}

/**
 * Whether the pairs share hidden classes: all but at most one pair (a full GC clears V8's cache of
 * normalized maps, so a pair that straddles one gets two equivalent maps); with no pair sharing, false.
 */
const shared = (pairs: Pair[]): boolean | 'some' => {
  const count = pairs.filter((p) => p.sameReq && p.sameRes).length;
  return count >= pairs.length - 1 ? true : count === 0 ? false : 'some';
};
const fast = (pairs: Pair[]) => pairs.every((p) => p.fastReq && p.fastRes);
const dictionary = (pairs: Pair[]) => pairs.every((p) => !p.fastReq && !p.fastRes);

const serve = expressServers();

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
  it(`is ${PROTOTYPE_CHANGE_DETACHES ? 'on' : 'off'} by default on this V8 (${process.versions.v8}), where requests then share hidden classes`, async () => {
    const pairs = await shapes('default');
    expect(shared(pairs)).toBe(true);
    // Normalized (dictionary properties) exactly where V8 would otherwise give each request its own.
    expect(dictionary(pairs)).toBe(PROTOTYPE_CHANGE_DETACHES);
    expect(fast(pairs)).toBe(!PROTOTYPE_CHANGE_DETACHES);
  });

  it('normalizeObjects: true gives every request’s req and res one shared hidden class', async () => {
    const pairs = await shapes('on');
    expect(shared(pairs)).toBe(true);
    expect(dictionary(pairs)).toBe(true);
  });

  it('normalizeObjects: false leaves Express’s objects alone: a hidden class per request on V8 before 13', async () => {
    const pairs = await shapes('off');
    expect(fast(pairs)).toBe(true);
    // V8's own behaviour after Express's per-request setPrototypeOf: the reason for the option.
    expect(shared(pairs)).toBe(!PROTOTYPE_CHANGE_DETACHES);
  });

  it('knows which V8 versions detach hidden classes on a prototype change', () => {
    expect(detachesOnPrototypeChange('11.3.244.8-node.33')).toBe(true); // Node 20
    expect(detachesOnPrototypeChange('12.9.202.28-node.14')).toBe(true); // Node 23
    expect(detachesOnPrototypeChange('13.6.233.17-node.63')).toBe(false); // Node 24
    expect(detachesOnPrototypeChange('nonsense')).toBe(false);
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
