/** sessionkit/express-session (the drop-in) with the Redis store in its default format (unsigned JSON). @module */
import { startDropinOnRedis } from './express-dropin-app.js';

startDropinOnRedis('json');
