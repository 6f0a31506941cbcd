/** express-session with its MemoryStore. @module */
import { startExpressSession } from './_express-session.js';

startExpressSession();
