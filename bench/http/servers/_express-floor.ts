/**
 * A reference point, not a library: the least an Express session middleware can do on this load
 * script, written by hand into the routes — parse the cookie, look the session up in a Map, JSON-parse
 * it, bump the counter, JSON-stringify it back, set `Set-Cookie` and `Vary`, with the same number of
 * `await`s as an async session API costs. No lazy loading, no Django semantics, no hooks to save
 * before the headers leave. Its ratio to plain Express shows how much of the gap to 1.0x any
 * middleware must pay on this machine.
 * Also run without sockets by `in-process.ts`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { parse } from 'cookie';
import express, { type Express } from 'express';
import { counterOf, UNTOUCHED_BODY } from './_common.js';

const store = new Map<string, string>();
const attributes = '; expires=Sun, 13 Dec 2026 03:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax';

function load(cookieHeader: string | undefined): { key: string | undefined; data: { counter?: number } } {
  const key = parse(cookieHeader ?? '').sessionid;
  const stored = key === undefined ? undefined : store.get(key);
  return {
    key: stored === undefined ? undefined : key,
    data: stored === undefined ? {} : JSON.parse(stored),
  };
}

/** The hand-written floor's app. */
export function floorApp(): Express {
  const app = express();
  app.get('/counter', async (req, res) => {
    await null; // what `await session.get()` costs
    const { key, data } = load(req.headers.cookie);
    data.counter = counterOf(data.counter) + 1;
    await null; // what `await session.set()` costs
    const newKey = key ?? randomBytes(16).toString('hex');
    store.set(newKey, JSON.stringify(data));
    res.setHeader('Set-Cookie', `sessionid=${newKey}${attributes}`);
    res.setHeader('Vary', 'Cookie');
    res.send(String(data.counter));
  });
  app.get('/read', async (req, res) => {
    await null;
    const { data } = load(req.headers.cookie);
    res.setHeader('Vary', 'Cookie');
    res.send(String(counterOf(data.counter)));
  });
  app.get('/untouched', (_req, res) => void res.send(UNTOUCHED_BODY));
  return app;
}
