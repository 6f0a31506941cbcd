/** sessionkit/express-session (the drop-in) with the Redis store in Django's signed format. @module */
import { startDropinOnRedis } from './express-dropin-app.js';

startDropinOnRedis('django');
