/**
 * The demo site in a real headless Chromium: login with the test-cookie check, the session surviving
 * navigation and a redirect, logout, blocked cookies, HttpOnly and browser-close cookies — and what the
 * demo explains on every page: the store and the cookie, the key change at login with the data kept,
 * flash messages shown once, and the "your sessions" page (end one, log out everywhere else).
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDemoApp } from '../../examples/demo/app.js';
import { maskStoreUrl } from '../../examples/demo/explain.js';
import { announceSkip, inCI, SECRET } from '../helpers.js';
import { hasChromium, launchChromium, openBrowser } from './chromium.js';

const skip = !hasChromium && !inCI;
if (skip) announceSkip('browser tests', '/usr/bin/chromium is missing (bash scripts/install-system-deps.sh)');

const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) DemoDesktop/1.0';
const PHONE = 'Mozilla/5.0 (Linux; Android 14) DemoPhone/2.0 Mobile';

describe.skipIf(skip)('demo site in Chromium', () => {
  let server: Server;
  let base: string;
  let demo: ReturnType<typeof createDemoApp>;
  let chromium: Browser;
  /** The cookie jars a test opened, closed after it. */
  const contexts: BrowserContext[] = [];

  /** A new cookie jar (as a separate browser would have), closed after the test. */
  async function newContext(userAgent?: string): Promise<BrowserContext> {
    const context = await chromium.newContext(userAgent ? { userAgent } : {});
    contexts.push(context);
    return context;
  }

  // A fresh app (and memory store) per test: the "your sessions" lists see no other test's logins.
  beforeEach(async () => {
    demo = createDemoApp({ store: 'memory:', secretKey: SECRET });
    server = demo.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    await new Promise((resolve) => server.close(resolve));
    await demo.close();
  });
  beforeAll(async () => {
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
  });

  /** The session cookie's value as the browser holds it, shortened as the demo prints keys. */
  async function browserKey(context: BrowserContext): Promise<string | undefined> {
    const value = (await context.cookies()).find((c) => c.name === 'sessionid')?.value;
    return value ? `${value.slice(0, 6)}…` : undefined;
  }

  /** The panel's cookie expiry is the browser's: the same minute (UTC), or "when the browser closes". */
  async function expectExpiryAsBrowserHasIt(page: Page, context: BrowserContext): Promise<void> {
    const expires = (await context.cookies()).find((c) => c.name === 'sessionid')?.expires ?? -1;
    const shown = (await page.textContent('#cookie-expires')) ?? '';
    if (expires === -1) {
      expect(shown).toBe('when the browser closes');
      return;
    }
    const shownMs = Date.parse(shown.replace(' ', 'T').replace(' UTC', ':00Z'));
    // Shown to the minute, and possibly from the previous response that set this key.
    expect(Math.abs(shownMs - expires * 1000)).toBeLessThanOrEqual(120_000);
  }

  async function logIn(page: Page, username: string, password: string, next = '/'): Promise<void> {
    await page.goto(`${base}/login${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await Promise.all([page.waitForURL(`${base}${next}`), page.click('#submit')]);
  }

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
      expect(await page.textContent('#cookie-key')).toContain('none sent with this request');
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

  it('gives a browser-close cookie without "remember me", and a 30-day one with it, and says so', async () => {
    const browser = await openBrowser();
    try {
      const page = await browser.newPage();
      await logIn(page, 'bob', 'builder');
      const sessionCookie = (await browser.cookies()).find((c) => c.name === 'sessionid');
      expect(sessionCookie?.expires).toBe(-1);
      expect(await page.textContent('#cookie-expires')).toBe('when the browser closes');
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
      await expectExpiryAsBrowserHasIt(page, browser);
    } finally {
      await browser.dispose();
    }
  });

  it('shows on every page the store and the session cookie the browser sent, with its flags', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${base}/`);
    expect(await page.textContent('#store')).toBe('memory:');
    // The first request carried no cookie; this response set one.
    expect(await page.textContent('#cookie-key')).toContain('none sent with this request');

    for (const path of ['/', '/session', '/login', '/members']) {
      await page.goto(`${base}${path}`);
      expect(await page.textContent('#store')).toBe('memory:');
      expect(await page.textContent('#cookie-key')).toBe(await browserKey(context));
      expect(await page.textContent('#cookie-flags')).toBe('HttpOnly · SameSite=Lax · not Secure · Path=/');
      await expectExpiryAsBrowserHasIt(page, context);
    }
    // The full key is never on the page.
    const full = (await context.cookies()).find((c) => c.name === 'sessionid')?.value ?? '';
    expect(full.length).toBeGreaterThan(10);
    expect(await page.content()).not.toContain(full);
  });

  it('shows the key change at login, with the data (the page counter) kept', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.goto(`${base}/`);
    expect(await page.textContent('#visits')).toBe('2');
    await page.goto(`${base}/login`);
    const keyBefore = await page.textContent('#cookie-key');
    expect(keyBefore).toBe(await browserKey(context));

    await page.fill('#username', 'alice');
    await page.fill('#password', 'wonderland');
    await Promise.all([page.waitForURL(`${base}/`), page.click('#submit')]);
    const keyAfter = await browserKey(context);
    expect(keyAfter).not.toBe(keyBefore);
    expect(await page.textContent('#key-before')).toBe(keyBefore);
    expect(await page.textContent('#key-after')).toBe(keyAfter);
    expect(await page.textContent('#cookie-key')).toBe(keyAfter);
    expect(await page.textContent('#kept')).toBe('visits');
    expect(await page.textContent('#visits-at-login')).toBe('2');
    expect(await page.textContent('#visits')).toBe('3');
  });

  it('flushes instead of keeping the data when another member logs in, as Django does', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await logIn(page, 'alice', 'wonderland');
    expect(await page.textContent('#kept')).toBe('visits');
    await page.goto(`${base}/`);
    const aliceKey = await browserKey(context);

    await logIn(page, 'bob', 'builder');
    expect(await page.textContent('#greeting')).toBe('Hello, Bob the Builder!');
    expect(await page.textContent('#key-before')).toBe(aliceKey);
    expect(await page.textContent('#key-after')).toBe(await browserKey(context));
    expect(await page.textContent('#kept')).toBe('nothing');
    expect(await page.textContent('#visits')).toBe('1');
    expect(await page.textContent('#login-change')).toContain('another member was logged in');
  });

  it('shows "You are logged in as …" once, and "You are logged out" once', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await logIn(page, 'alice', 'wonderland', '/members');
    expect(await page.textContent('#messages')).toBe('You are logged in as Alice Liddell.');
    await page.reload();
    expect(await page.locator('#messages').count()).toBe(0);

    await Promise.all([page.waitForURL(`${base}/`), page.click('#logout')]);
    expect(await page.textContent('#messages')).toBe('You are logged out.');
    expect(await page.textContent('#greeting')).toBe('Hello, visitor.');
    await page.reload();
    expect(await page.locator('#messages').count()).toBe(0);
  });

  it('lists two browsers of one member on "your sessions", and ends the other from the first', async () => {
    const desktop = await newContext(DESKTOP);
    const phone = await newContext(PHONE);
    const a = await desktop.newPage();
    const b = await phone.newPage();
    await logIn(a, 'bob', 'builder');
    await logIn(b, 'bob', 'builder');

    await a.goto(`${base}/sessions`);
    const rows = a.locator('#sessions tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await a.textContent('#sessions tr.current')).toContain('This browser');
    expect(await a.textContent('#sessions tr.current')).toContain(DESKTOP);
    expect(await a.textContent('#sessions tr.other')).toContain(PHONE);
    expect(await a.textContent('#sessions tr.other')).toContain('127.0.0.1');
    expect(await a.locator('#sessions tr.current button').count()).toBe(0); // no "end" for this one

    // The phone lists the same two, the other way round.
    await b.goto(`${base}/sessions`);
    expect(await b.textContent('#sessions tr.current')).toContain(PHONE);
    expect(await b.textContent('#sessions tr.other')).toContain(DESKTOP);

    await Promise.all([a.waitForURL(`${base}/sessions`), a.click('#sessions tr.other button.end')]);
    expect(await a.textContent('#messages')).toBe('That session was ended.');
    expect(await a.locator('#sessions tbody tr').count()).toBe(1);
    expect(await a.textContent('#only-one')).toBe('No other sessions.');

    // The phone's next request: its old cookie names no session any more, it is logged out.
    await b.goto(`${base}/`);
    expect(await b.textContent('#greeting')).toBe('Hello, visitor.');
    expect(await b.locator('#cookie-stale').count()).toBe(1);
    await b.goto(`${base}/sessions`);
    expect(new URL(b.url()).pathname).toBe('/login');

    // The desktop is still logged in.
    await a.goto(`${base}/`);
    expect(await a.textContent('#greeting')).toBe('Hello, Bob the Builder!');
  });

  it('logs out everywhere else and says how many sessions ended', async () => {
    const jars = await Promise.all([1, 2, 3].map(() => newContext()));
    const pages = await Promise.all(jars.map((c) => c.newPage()));
    const [here, ...others] = pages as [Page, Page, Page];
    for (const page of pages) await logIn(page, 'alice', 'wonderland');

    await here.goto(`${base}/sessions`);
    expect(await here.locator('#sessions tbody tr').count()).toBe(3);
    await Promise.all([here.waitForURL(`${base}/sessions`), here.click('#end-others')]);
    expect(await here.textContent('#messages')).toBe('Other sessions ended: 2.');
    expect(await here.locator('#sessions tbody tr').count()).toBe(1);
    await here.reload();
    expect(await here.locator('#messages').count()).toBe(0);

    for (const page of others) {
      await page.goto(`${base}/`);
      expect(await page.textContent('#greeting')).toBe('Hello, visitor.');
    }
    await here.goto(`${base}/`);
    expect(await here.textContent('#greeting')).toBe('Hello, Alice Liddell!');
  });
});

describe.skipIf(skip)('demo site on the signed-cookie store, in Chromium', () => {
  it('logs in and explains that this store cannot list sessions', async () => {
    const demo = createDemoApp({ store: 'signed-cookie:', secretKey: SECRET });
    const server = demo.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const browser = await launchChromium();
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const page = await browser.newPage();
      await page.goto(`${base}/login?next=/sessions`);
      await page.fill('#username', 'alice');
      await page.fill('#password', 'wonderland');
      await Promise.all([page.waitForURL(`${base}/sessions`), page.click('#submit')]);
      expect(await page.textContent('#messages')).toBe('You are logged in as Alice Liddell.');
      expect(await page.textContent('#store')).toBe('signed-cookie:');
      expect(await page.textContent('#no-user-sessions')).toContain(
        "The signed-cookie store cannot list or end a user's sessions",
      );
    } finally {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      await demo.close();
    }
  });
});

describe('the store panel', () => {
  it('masks a password in the store URL, and shows the rest', () => {
    expect(maskStoreUrl('postgres://app:s3cret@127.0.0.1:5432/app')).toBe(
      'postgres://app:***@127.0.0.1:5432/app',
    );
    expect(maskStoreUrl('redis://:s3cret@127.0.0.1:6379/0')).toBe('redis://:***@127.0.0.1:6379/0');
    expect(maskStoreUrl('mysql://root@127.0.0.1/test?password=s3cret&x=1')).toBe(
      'mysql://root@127.0.0.1/test?password=***&x=1',
    );
    expect(maskStoreUrl('sqlite:./demo-sessions.sqlite3')).toBe('sqlite:./demo-sessions.sqlite3');
  });
});
