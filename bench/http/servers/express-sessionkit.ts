/** sessionkit/express with the memory store. @module */
import { createMemoryStore } from '../../../src/stores/memory.js';
import { startSessionkitExpress } from './_sessionkit-express.js';

startSessionkitExpress(createMemoryStore({ max: 100_000 }));
