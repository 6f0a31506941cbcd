/**
 * Every adapter example starts and counts visits per cookie jar over real HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Started } from '../../examples/_run.js';
import { start as startExpress } from '../../examples/express/server.js';
import { start as startFastify } from '../../examples/fastify/server.js';
import { start as startHono } from '../../examples/hono/server.js';
import { start as startKoa } from '../../examples/koa/server.js';
import { start as startNode } from '../../examples/node/server.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two visits with the cookie the first one set, and one visit from a fresh browser. */
async function visitTwice(started: Started): Promise<string[]> {
  try {
    const first = await fetch(started.url);
    const cookie = first.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const second = await fetch(started.url, { headers: { cookie } });
    const stranger = await fetch(started.url);
    return [await first.text(), await second.text(), await stranger.text()];
  } finally {
    await started.close();
  }
}

describe('examples', () => {
  it('node:http counts visits per session', async () => {
    expect(await visitTwice(await startNode(0, `sqlite:${join(dir, 'node.db')}`))).toEqual([
      'visits: 1\n',
      'visits: 2\n',
      'visits: 1\n',
    ]);
  });

  it('Express counts visits per session', async () => {
    expect(await visitTwice(await startExpress(0, `sqlite:${join(dir, 'express.db')}`))).toEqual([
      'visits: 1\n',
      'visits: 2\n',
      'visits: 1\n',
    ]);
  });

  it('Fastify counts visits per session', async () => {
    expect(await visitTwice(await startFastify(0, `sqlite:${join(dir, 'fastify.db')}`))).toEqual([
      'visits: 1\n',
      'visits: 2\n',
      'visits: 1\n',
    ]);
  });

  it('Koa counts visits per session', async () => {
    expect(await visitTwice(await startKoa(0, `sqlite:${join(dir, 'koa.db')}`))).toEqual([
      'visits: 1\n',
      'visits: 2\n',
      'visits: 1\n',
    ]);
  });

  it('Hono counts visits in a signed cookie', async () => {
    expect(await visitTwice(await startHono(0))).toEqual(['visits: 1\n', 'visits: 2\n', 'visits: 1\n']);
  });
});
