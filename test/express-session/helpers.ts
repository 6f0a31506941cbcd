/**
 * What the express-session drop-in tests share: a browser-like client with a cookie jar, store URLs for
 * real SQLite (a temporary file) and real Redis (a key prefix of its own), and serving apps on loopback.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { rawRedis } from '../services/redis.js';

export { expressServers } from '../adapters/express-serve.js';

/** A 50-character secret. */
export const SECRET = 'dropin-tests-secret-key-0123456789-abcdefghijklmnop';
/** An older secret, for rotation tests. */
export const OLD_SECRET = 'dropin-tests-older-secret-0123456789-abcdefghijklmn';

/** One response, with its body read. */
export interface Page {
  status: number;
  headers: Headers;
  body: string;
  /** The `Set-Cookie` lines. */
  setCookies: string[];
}

/**
 * A client that keeps cookies as a browser does (one jar per visitor, host-only, no path matching: the
 * tests serve one app per origin) and does not follow redirects.
 */
export class Browser {
  readonly jar = new Map<string, string>();
  constructor(readonly base: string) {}

  /** The cookie header this browser would send. */
  get cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(path: string, init: RequestInit = {}): Promise<Page> {
    const headers = new Headers(init.headers);
    if (this.jar.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader);
    const response = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(/;\s*/);
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const expired = attributes.some(
        (a) => /^max-age=(0|-\d+)$/i.test(a) || /^expires=Thu, 01 Jan 1970/i.test(a),
      );
      if (expired || value === '' || value === '""') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return { status: response.status, headers: response.headers, body: await response.text(), setCookies };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Page> {
    return this.request(path, { headers });
  }

  /** POST a form (`application/x-www-form-urlencoded`). */
  post(path: string, form: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Page> {
    return this.request(path, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }
}

/** A fresh SQLite store URL in a temporary directory, removed after the file's tests. */
export function sqliteUrl(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sessionkit-dropin-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return `sqlite:${join(dir, 'sessions.sqlite3')}`;
}

/** The shared Redis with a key prefix no other test uses; its keys are deleted after the file's tests. */
export function redisUrl(): string {
  const prefix = `dropin-test-${randomBytes(6).toString('hex')}:`;
  afterAll(async () => {
    const client = await rawRedis();
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*` })) {
      if (keys.length > 0) await client.del(keys);
    }
    await client.close();
  });
  return `redis://127.0.0.1:6379?prefix=${prefix}`;
}
