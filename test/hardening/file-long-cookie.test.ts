/**
 * Issue 17 defect 1, end to end: through `sessionkit/node` on the file store, a session cookie too long
 * for a file name (ENAMETOOLONG) is a missing session — a 200 with a new session cookie and nothing
 * logged — as Django's file backend treats it, never "store unavailable".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { session } from '../../src/adapters/node.js';
import type { Logger } from '../../src/core/logger.js';
import { SECRET } from '../helpers.js';

const directory = mkdtempSync(join(tmpdir(), 'sk-long-cookie-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

it.each([247, 300, 4096])(
  'answers a %i-character cookie with 200 and a new session, logging nothing',
  async (length) => {
    const logged: string[] = [];
    const logger: Logger = {
      warn: (message) => logged.push(message),
      error: (message) => logged.push(message),
    };
    const withSession = session({ secretKey: SECRET, store: `file:${directory}`, logger });
    const server = createServer(
      withSession(async (req, res) => {
        await req.session.set('seen', true);
        res.end('ok');
      }),
    );
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; setCookie: string[] }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/', headers: { cookie: `sessionid=${'a'.repeat(length)}` } },
          (res) => {
            res.resume();
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(answer.status).toBe(200);
      expect(answer.setCookie).toHaveLength(1);
      expect(answer.setCookie[0]).toMatch(/^sessionid=[a-z0-9]{32};/);
      expect(logged).toEqual([]);
    } finally {
      await new Promise((done) => server.close(done));
    }
  },
);
