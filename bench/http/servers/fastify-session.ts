/**
 * @fastify/session + @fastify/cookie with its default in-memory store. `rolling: false` and
 * `saveUninitialized: false` give Django's rule (save and set the cookie only when modified) and are
 * its fastest settings; two-week cookie like sessionkit's default; `secure: false` for plain HTTP.
 * Loaded with `require` and typed locally: its types would augment `FastifyRequest` program-wide.
 * @module
 */
import { createRequire } from 'node:module';
import Fastify, { type FastifyPluginCallback } from 'fastify';
import {
  announce,
  COOKIE_MAX_AGE_MS,
  COOKIE_SECRET,
  counterOf,
  portFromEnv,
  UNTOUCHED_BODY,
} from './_common.js';

type SessionObject = { get(key: string): unknown; set(key: string, value: unknown): void };
type Req = { session: SessionObject };

const require = createRequire(import.meta.url);
const fastifyCookie = require('@fastify/cookie') as FastifyPluginCallback;
const fastifySession = require('@fastify/session') as FastifyPluginCallback<Record<string, unknown>>;

const app = Fastify({ logger: false });
await app.register(fastifyCookie);
await app.register(fastifySession, {
  secret: COOKIE_SECRET,
  rolling: false,
  saveUninitialized: false,
  cookie: { secure: false, httpOnly: true, sameSite: 'lax', maxAge: COOKIE_MAX_AGE_MS },
});
app.get('/counter', async (request) => {
  const data = (request as unknown as Req).session;
  const counter = counterOf(data.get('counter')) + 1;
  data.set('counter', counter);
  return String(counter);
});
app.get('/read', async (request) => String(counterOf((request as unknown as Req).session.get('counter'))));
app.get('/untouched', async () => UNTOUCHED_BODY);
await app.listen({ port: portFromEnv(), host: '127.0.0.1' });
announce(app.server, () => app.close());
