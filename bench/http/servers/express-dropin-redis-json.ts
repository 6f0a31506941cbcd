/** sessionkit/express-session (the drop-in) with the Redis store in the unsigned `json` format. @module */
import { startDropinOnRedis } from './express-dropin-app.js';

startDropinOnRedis('json');
