/** sessionkit with Koa. Run: npx tsx examples/koa/server.ts */
import Koa from 'koa';
import { session } from 'sessionkit/koa';
import { EXAMPLE_SECRET, listen, runIfMain, type Started } from '../_run.js';

export async function start(port = 3000, store = 'sqlite:./example-sessions.sqlite3'): Promise<Started> {
  const middleware = session<{ visits: number }>({ store, secretKey: EXAMPLE_SECRET });
  const app = new Koa().use(middleware);
  app.use(async (ctx) => {
    const visits = ((await ctx.session.get('visits')) ?? 0) + 1;
    await ctx.session.set('visits', visits);
    ctx.type = 'text/plain';
    ctx.body = `visits: ${visits}\n`;
  });
  return listen(app.listen(port, '127.0.0.1'), port, () => middleware.manager.close());
}

runIfMain(import.meta.url, start);
