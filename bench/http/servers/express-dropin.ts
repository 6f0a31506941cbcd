/** sessionkit/express-session (the drop-in) with the memory store. @module */
import { createMemoryStore } from '../../../src/stores/memory.js';
import { startDropin } from './express-dropin-app.js';

startDropin(createMemoryStore({ max: 100_000 }));
