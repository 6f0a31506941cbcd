/** Plain Express, no sessions: `/counter` computes 0 + 1 from nothing stored. @module */
import { announce, portFromEnv } from './_common.js';
import { plainExpressApp } from './_express-plain.js';

const app = plainExpressApp();
const server = app.listen(portFromEnv(), '127.0.0.1', () => announce(server));
