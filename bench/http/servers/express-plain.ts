/** Plain Express, no sessions: `/counter` computes 0 + 1 from nothing stored. @module */
import express from 'express';
import { announce, counterOf, portFromEnv, UNTOUCHED_BODY } from './_common.js';

const app = express();
app.get('/counter', (_req, res) => void res.send(String(counterOf(undefined) + 1)));
app.get('/read', (_req, res) => void res.send(String(counterOf(undefined))));
app.get('/untouched', (_req, res) => void res.send(UNTOUCHED_BODY));
const server = app.listen(portFromEnv(), '127.0.0.1', () => announce(server));
