/** The hand-written floor (see `_express-floor.ts`): a reference point, not a library. @module */
import { announce, portFromEnv } from './_common.js';
import { floorApp } from './_express-floor.js';

const app = floorApp();
const server = app.listen(portFromEnv(), '127.0.0.1', () => announce(server));
