/**
 * sessionkit's Express adapter with `normalizeObjects: false`: Express's request and response objects
 * kept as Express leaves them, so its ratio to plain Express is what the session work alone costs there.
 * @module
 */
import { startSessionkitExpress } from './_sessionkit-express.js';

startSessionkitExpress({ normalizeObjects: false });
