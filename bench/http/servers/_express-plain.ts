/** The plain Express app (no sessions) of `express-plain.ts`, also run without sockets by `in-process.ts`. @module */
import express, { type Express } from 'express';
import { counterOf, UNTOUCHED_BODY } from './_common.js';

/** The three routes without sessions: `/counter` computes 0 + 1 from nothing stored. */
export function plainExpressApp(): Express {
  const app = express();
  app.get('/counter', (_req, res) => void res.send(String(counterOf(undefined) + 1)));
  app.get('/read', (_req, res) => void res.send(String(counterOf(undefined))));
  app.get('/untouched', (_req, res) => void res.send(UNTOUCHED_BODY));
  return app;
}
