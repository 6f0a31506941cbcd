/**
 * The demo site in a real headless Chromium: login with the test-cookie check, the session surviving
 * navigation and a redirect, logout, blocked cookies, HttpOnly and browser-close cookies.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoApp } from '../../examples/demo/app.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { announceSkip, inCI, SECRET } from '../helpers.js';
import { hasChromium, openBrowser } from './chromium.js';

const skip = !hasChromium && !inCI;
if (skip) announceSkip('browser tests', '/usr/bin/chromium is missing (bash scripts/install-system-deps.sh)');

describe.skipIf(skip)('demo site in Chromium', () => {
  let server: Server;
  let base: string;
  let demo: ReturnType<typeof createDemoApp>;

  beforeAll(async () => {
    demo = createDemoApp({ store: createMemoryStore(), secretKey: SECRET });
    server = demo.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await demo.close();
  });

  it('logs in, keeps the session across navigation and a redirect, and logs out', async () => {
    const browser = await openBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/`);
      expect(await page.textContent('#visits')).toBe('1');
      await page.goto(`${base}/`);
      expect(await page.textContent('#visits')).toBe('2');

      // Members-only redirects to the login form, which redirects back after login.
      await page.goto(`${base}/members`);
      expect(new URL(page.url()).pathname).toBe('/login');
      const before = (await browser.cookies()).find((c) => c.name === 'sessionid')?.value;
      await page.fill('#username', 'alice');
      await page.fill('#password', 'wonderland');
      await Promise.all([page.waitForURL(`${base}/members`), page.click('#submit')]);
      expect(await page.textContent('#secret')).toContain('Alice Liddell');
      const after = (await browser.cookies()).find((c) => c.name === 'sessionid')?.value;
      expect(after).toBeTruthy();
      expect(after).not.toBe(before); // cycleKey on login

      await page.goto(`${base}/`);
      expect(await page.textContent('#greeting')).toBe('Hello, Alice Liddell!');
      expect(await page.textContent('#visits')).toBe('3');

      await Promise.all([page.waitForURL(`${base}/`), page.click('#logout')]);
      expect(await page.textContent('#greeting')).toBe('Hello, visitor.');
      await page.goto(`${base}/members`);
      expect(new URL(page.url()).pathname).toBe('/login');
    } finally {
      await browser.dispose();
    }
  });

  it('shows "Please enable cookies and try again." when the browser blocks cookies', async () => {
    const browser = await openBrowser({ blockCookies: true });
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/login`);
      await page.fill('#username', 'alice');
      await page.fill('#password', 'wonderland');
      await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
      expect(await page.textContent('#error')).toBe('Please enable cookies and try again.');
      expect(await browser.cookies()).toEqual([]);
    } finally {
      await browser.dispose();
    }
  });

  it('keeps the session cookie away from page scripts (HttpOnly)', async () => {
    const browser = await openBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/`);
      const cookie = (await browser.cookies()).find((c) => c.name === 'sessionid');
      expect(cookie?.httpOnly).toBe(true);
      expect(cookie?.sameSite).toBe('Lax');
      expect(await page.evaluate(() => document.cookie)).not.toContain('sessionid');
    } finally {
      await browser.dispose();
    }
  });

  it('gives a browser-close cookie without "remember me", and a 30-day one with it', async () => {
    const browser = await openBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/login`);
      await page.fill('#username', 'bob');
      await page.fill('#password', 'builder');
      await Promise.all([page.waitForURL(`${base}/`), page.click('#submit')]);
      const sessionCookie = (await browser.cookies()).find((c) => c.name === 'sessionid');
      expect(sessionCookie?.expires).toBe(-1);
      await page.goto(`${base}/session`);
      expect(await page.textContent('#expiry')).toBe('when the browser closes');

      await Promise.all([page.waitForURL(`${base}/`), page.click('#logout')]);
      await page.goto(`${base}/login`);
      await page.fill('#username', 'bob');
      await page.fill('#password', 'builder');
      await page.check('#remember');
      await Promise.all([page.waitForURL(`${base}/`), page.click('#submit')]);
      const remembered = (await browser.cookies()).find((c) => c.name === 'sessionid');
      const days = ((remembered?.expires ?? 0) * 1000 - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29.9);
      expect(days).toBeLessThanOrEqual(30);
    } finally {
      await browser.dispose();
    }
  });
});
