import express from 'express';
import { parse } from 'cookie';
import { randomBytes } from 'node:crypto';
import { announce, counterOf, portFromEnv, UNTOUCHED_BODY } from './_common.js';
const store = new Map<string, string>();
const app = express();
const attrs = '; expires=Sun, 13 Dec 2026 03:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax';
app.get('/counter', async (req, res) => {
  await null; await null;
  const key = parse(req.headers.cookie ?? '').sessionid;
  const stored = key ? store.get(key) : undefined;
  const data = stored ? JSON.parse(stored) : {};
  data.counter = counterOf(data.counter) + 1;
  const k = key && stored ? key : randomBytes(16).toString('hex');
  store.set(k, JSON.stringify(data));
  res.setHeader('Set-Cookie', `sessionid=${k}${attrs}`);
  res.setHeader('Vary', 'Cookie');
  await null; await null; await null;
  res.send(String(data.counter));
});
app.get('/read', (req, res) => {
  const key = parse(req.headers.cookie ?? '').sessionid;
  const stored = key ? store.get(key) : undefined;
  const data = stored ? JSON.parse(stored) : {};
  res.setHeader('Vary', 'Cookie');
  res.send(String(counterOf(data.counter)));
});
app.get('/untouched', (_req, res) => void res.send(UNTOUCHED_BODY));
const server = app.listen(portFromEnv(), '127.0.0.1', () => announce(server));
