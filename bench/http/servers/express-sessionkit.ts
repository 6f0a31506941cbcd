/** sessionkit's Express adapter with the memory store, default options. @module */
import { startSessionkitExpress } from './_sessionkit-express.js';

startSessionkitExpress();
