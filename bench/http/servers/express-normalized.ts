/**
 * Plain Express, no sessions, with the one thing sessionkit's Express middleware does to every request
 * besides the session: `normalizeObjects` (the same `shareShape` call on `req` and `res`). Its ratio to
 * plain Express is what that alone gives; sessionkit-express against it is what the session costs.
 * @module
 */
import express from 'express';
import { shareShape } from '../../../src/adapters/_shared-shape.js';
import { announce, counterOf, portFromEnv, UNTOUCHED_BODY } from './_common.js';

const app = express();
app.use((req, res, next) => {
  shareShape(req);
  shareShape(res);
  next();
});
app.get('/counter', (_req, res) => void res.send(String(counterOf(undefined) + 1)));
app.get('/read', (_req, res) => void res.send(String(counterOf(undefined))));
app.get('/untouched', (_req, res) => void res.send(UNTOUCHED_BODY));
const server = app.listen(portFromEnv(), '127.0.0.1', () => announce(server));
