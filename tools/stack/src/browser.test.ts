import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { type Browser, launchBrowser, newConsoleContext, screenshot } from './browser.js';

let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

test("Debian's Chromium opens the test stack's console, and its screenshots show Chinese", async () => {
  const context = await newConsoleContext(browser);
  const page = await context.newPage();
  const res = await page.goto('/');
  assert.ok(res, 'the console answered');
  // 200 with the console's page, or 503 saying how to build it (browser.ts does not care which).
  assert.ok([200, 503].includes(res.status()), `status ${res.status()}`);

  await page.setContent('<html lang="zh-CN"><body style="font: 32px sans-serif">控制台 · 验证邮箱 · Console</body></html>');
  const file = await screenshot(page, 'browser-smoke-zh');
  assert.ok(existsSync(file) && statSync(file).size > 1000, `a PNG at ${file}`);
  await context.close();
});
