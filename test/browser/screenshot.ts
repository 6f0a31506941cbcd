/**
 * The demo's screenshot for the docs (`docs/demo.png`): the demo on SQLite in a temporary directory,
 * Alice logged in from a phone and then from a desktop browser, which lands on "Your sessions".
 *   npx tsx test/browser/screenshot.ts [output.png] [page path, default /sessions]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { createDemoApp } from '../../examples/demo/app.js';
import { launchChromium } from './chromium.js';

const output = resolve(process.argv[2] ?? 'docs/demo.png');
const path = process.argv[3] ?? '/sessions';
const dir = mkdtempSync(join(tmpdir(), 'sessionkit-screenshot-'));
// The store URL as `npm start` shows it, relative to a scratch directory.
process.chdir(dir);

const demo = createDemoApp({
  store: 'sqlite:./demo-sessions.sqlite3',
  secretKey: 'demo-only-secret-key-do-not-use-in-production-0123456789',
});
const server = demo.app.listen(0, '127.0.0.1');
await new Promise((done) => server.once('listening', done));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await launchChromium();

async function logIn(page: Page, next: string): Promise<void> {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.fill('#username', 'alice');
  await page.fill('#password', 'wonderland');
  await Promise.all([page.waitForURL(`${base}${next}`), page.click('#submit')]);
}

try {
  const phone = await browser.newContext({
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36',
  });
  await logIn(await phone.newPage(), '/');
  const desktop = await browser.newContext({
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
    viewport: { width: 1000, height: 700 },
  });
  const page = await desktop.newPage();
  await page.goto(`${base}/`);
  await page.goto(`${base}/`);
  await logIn(page, path);
  await page.screenshot({ path: output, fullPage: true });
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
  await new Promise((done) => server.close(done));
  await demo.close();
  rmSync(dir, { recursive: true, force: true });
}
