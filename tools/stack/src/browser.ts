/**
 * A real browser for the console's tests: Debian's Chromium (`scripts/bootstrap.sh --test`
 * installs it, with CJK fonts) driven by playwright-core, which downloads no browser.
 *
 *   const browser = await launchBrowser();
 *   const page = await (await newConsoleContext(browser)).newPage();
 *   await page.goto('/');                       // the test stack's console
 *   await screenshot(page, 'sign-in');          // test-results/screenshots/sign-in.png
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type LaunchOptions, type Page } from 'playwright-core';
import { SCREENSHOT_DIR } from './paths.js';
import { testStack } from './testing.js';

export type { Browser, BrowserContext, Page };

/** Headless Chromium; CHROMIUM_PATH picks another binary. Close it in the test's `after`. */
export function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Root in a container: no sandbox; no GPU; /dev/shm is small there.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    ...options,
  });
}

/**
 * A fresh browser profile (its own cookies) whose relative URLs resolve against the test
 * stack's console, in English unless `locale` says otherwise.
 */
export function newConsoleContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ baseURL: testStack().consoleUrl, locale: 'en-US', viewport: { width: 1280, height: 800 }, ...options });
}

/**
 * Where screenshots go: test-results/screenshots at the repository root (git-ignored), kept
 * after the run so that people can look at them; `npm test` empties it when it starts.
 */
export function screenshotDir(): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return SCREENSHOT_DIR;
}

/** A full-page PNG named after what it shows (`<name>.png`); returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(screenshotDir(), `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
