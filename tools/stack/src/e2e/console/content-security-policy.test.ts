import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, launchBrowser, newConsoleContext, screenshot } from '../../browser.js';
import { postJson, testStack } from '../../testing.js';
import { signIn } from './sign-in.js';

const stack = testStack();
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

describe("the console under nginx's Content-Security-Policy", () => {
  test('signs in and draws its pages, styles and charts with nothing refused, and no page may frame it', async () => {
    // Something for the charts to draw.
    const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a bar for the chart' }] };
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, stack.demoApiKey, chat)).status, 200);

    const context = await newConsoleContext(browser);
    const page = await context.newPage();
    const refused: string[] = [];
    await page.exposeFunction('reportViolation', (text: string) => refused.push(text));
    // In the page (a string: the tools compile without the DOM's types).
    await page.addInitScript("document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI))");
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
    });

    const first = await page.goto('/sign-in');
    assert.match(first?.headers()['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    await signIn(page, stack.demoCustomer.email, stack.demoCustomer.password);
    await page.goto('/usage');
    // The charts are SVG drawn by script, styled by the bundle's CSS and Mantine's inline styles.
    await page.locator('.recharts-surface').first().waitFor();
    await screenshot(page, 'csp-usage-charts');
    // Mantine's theme variables come in a <style> element it writes; its CSS file sets the font.
    const styles = JSON.parse(
      String(
        await page.evaluate(`JSON.stringify({
          themeColor: getComputedStyle(document.documentElement).getPropertyValue('--mantine-color-blue-6').trim(),
          font: getComputedStyle(document.body).fontFamily,
        })`),
      ),
    ) as { themeColor: string; font: string };
    assert.notEqual(styles.themeColor, '', "Mantine's theme variables apply");
    assert.doesNotMatch(styles.font, /^"?Times/, "the bundle's CSS applies");

    // Framed by another page: the browser refuses to show it there.
    const framing = await context.newPage();
    await framing.setContent(`<iframe id="console" src="${stack.consoleUrl}sign-in"></iframe>`);
    await framing.waitForTimeout(1500);
    const framed = await framing
      .frameLocator('#console')
      .locator('body')
      .textContent({ timeout: 2000 })
      .catch(() => null);
    assert.doesNotMatch(framed ?? '', /Sign in/, 'the console does not render inside a frame');
    assert.deepEqual(refused, [], 'nothing the console needs is refused');
    await context.close();
  });
});
