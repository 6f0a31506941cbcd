/**
 * Headless Debian Chromium driven by playwright-core (browsers cannot be downloaded here, so the
 * project installs Debian's `chromium`; `scripts/install-system-deps.sh`).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Whether Debian's Chromium is installed. */
export const hasChromium = existsSync(CHROMIUM_PATH);

const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Options of {@link openBrowser}. */
export interface BrowserOptions {
  /** Block all cookies, through Chromium's own content setting (as a user would in the settings page). */
  blockCookies?: boolean;
}

/** A fresh browser profile; `close()` removes it. */
export async function openBrowser(
  options: BrowserOptions = {},
): Promise<BrowserContext & { dispose(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'sessionkit-chromium-'));
  if (options.blockCookies) {
    mkdirSync(join(profile, 'Default'), { recursive: true });
    writeFileSync(
      join(profile, 'Default', 'Preferences'),
      JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }),
    );
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
  });
  return Object.assign(context, {
    async dispose() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  });
}

/**
 * A browser without a profile on disk, for tests that need several separate cookie jars: each
 * `browser.newContext()` is one (as two browsers would be).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}
