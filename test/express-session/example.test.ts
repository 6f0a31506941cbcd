/** examples/express-session/server.ts: counts views, signs in and out with a flash message, over real HTTP and SQLite. */
import { describe, expect, it } from 'vitest';
import { start } from '../../examples/express-session/server.js';
import { Browser, sqliteUrl } from './helpers.js';

describe('examples/express-session', () => {
  it('counts views, signs alice in and out, and says so once', async () => {
    const started = await start(0, sqliteUrl());
    try {
      const browser = new Browser(started.url);
      expect((await browser.get('/')).body).toContain('views: 1');
      expect((await browser.get('/')).body).toContain('views: 2');
      const failed = await browser.post('/login', { username: 'alice', password: 'nope' });
      expect(failed.headers.get('location')).toBe('/');
      expect((await browser.get('/')).body).toContain('<p>Unknown user or wrong password.</p>');
      expect((await browser.get('/')).body).not.toContain('wrong password');
      await browser.post('/login', { username: 'alice', password: 'wonderland' });
      expect((await browser.get('/')).body).toContain('signed in as alice');
      await browser.post('/logout');
      const after = (await browser.get('/')).body;
      expect(after).toContain('<p>Signed out.</p>');
      expect(after).not.toContain('signed in as');
    } finally {
      await started.close();
    }
  });
});
