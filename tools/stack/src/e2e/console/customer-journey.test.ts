import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { newEmail, signedUpPerson } from '../../console-client.js';
import { type Browser, launchBrowser, newConsoleContext, type Page, screenshot } from '../../browser.js';
import { adminApi, linkFrom, readMail, testStack, waitFor } from '../../testing.js';

const stack = testStack();
const admin = adminApi(stack);
const PASSWORD = 'a long browser passphrase';
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

/** Signs up in the browser, opens the mailed link, signs in: the page shows the overview. */
async function signUpAndSignIn(page: Page, email: string, shots = false): Promise<void> {
  await page.goto('/sign-up');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  if (shots) await screenshot(page, '01-sign-up');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByText('Check your mail').waitFor();

  await page.goto(linkFrom(await readMail(email, { subject: /verify/i }), '/verify?token='));
  await page.getByText(/is verified/).waitFor();
  if (shots) await screenshot(page, '02-verified');

  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  if (shots) await screenshot(page, '03-sign-in');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
}

/** On the buy page: picks the provider for the package and pays on the provider's (fake) page. */
async function buy(page: Page, packageName: string, provider: 'Card (Stripe)' | 'EPay (Alipay / WeChat Pay)', payButton: RegExp): Promise<string> {
  await page.goto('/buy');
  const card = page.getByRole('region', { name: packageName, exact: true });
  await card.getByLabel('Payment method').selectOption({ label: provider });
  await card.getByRole('button', { name: 'Buy' }).click();
  await page.waitForURL((url) => url.origin === new URL(stack.payments.fakeUrl!).origin);
  await page.getByRole('button', { name: payButton }).click();
  await page.waitForURL(/\/orders\/[A-Z0-9]+\/return\?/);
  await page.getByTestId('order-status').filter({ hasText: 'fulfilled' }).waitFor({ timeout: 15_000 });
  return page.url();
}

describe('the customer console in a browser', () => {
  test('sign up → verify → sign in → buy with Stripe → create a key → the SDK works → the ledger and chart show it → revoke → the SDK is refused', async () => {
    const pkg = await admin.createPackage({ price_cents: 1200, currency: 'USD', daily_request_limit: 500, daily_token_limit: 200_000 });
    const email = newEmail();
    const context = await newConsoleContext(browser);
    const page = await context.newPage();
    await signUpAndSignIn(page, email, true);
    await page.getByText('No active package', { exact: true }).waitFor();
    await screenshot(page, '04-overview-no-plan');

    await page.goto('/buy');
    await page.getByRole('region', { name: pkg.name, exact: true }).waitFor();
    await screenshot(page, '05-buy');
    const returnUrl = await buy(page, pkg.name, 'Card (Stripe)', /^Pay$/);
    await screenshot(page, '06-return-fulfilled');
    // The return link works without a session too (the buyer may come back in another browser).
    const stranger = await (await newConsoleContext(browser)).newPage();
    await stranger.goto(returnUrl);
    await stranger.getByTestId('order-status').filter({ hasText: 'fulfilled' }).waitFor();
    await stranger.context().close();

    await page.goto('/');
    await page.getByText(pkg.name, { exact: true }).first().waitFor();
    await page.getByText(/30 days left/).waitFor();

    await page.goto('/keys');
    await page.getByLabel('Name', { exact: true }).fill('browser key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-api-key').textContent())?.trim() ?? '';
    assert.match(key, /^sk-cg-[A-Za-z0-9]{40}$/);
    await page.waitForTimeout(400); // the dialog's fade-in, for the screenshot
    await screenshot(page, '07-new-key');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    assert.equal(await page.getByText(key).count(), 0, 'the plain key is gone once the dialog is closed');

    const client = new OpenAI({ baseURL: `${stack.gatewayUrl}/v1`, apiKey: key, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello from the browser test' }] });
    assert.ok(answer.choices[0]?.message.content);

    await page.goto('/usage');
    const row = page.getByTestId('ledger-row').first();
    await waitFor(
      'the request in the ledger',
      async () => {
        await page.reload();
        return row.waitFor({ timeout: 2000 }).then(
          () => true,
          () => false,
        );
      },
      20_000,
      500,
    );
    assert.match((await row.textContent()) ?? '', /gpt-4o-mini/);
    assert.match((await row.textContent()) ?? '', /browser key/);
    // The per-day chart has drawn a bar for today.
    await page.locator('.recharts-bar-rectangle path, .recharts-rectangle').first().waitFor();
    await screenshot(page, '08-usage');
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    const csv = await (await download).createReadStream();
    let text = '';
    for await (const chunk of csv) text += chunk;
    assert.match(text.split('\r\n')[1] ?? '', /gpt-4o-mini/);

    await page.goto('/quick-start');
    await page.getByText(`${stack.gatewayUrl}/v1`).first().waitFor();
    await page.getByText('wire_api = "responses"').first().waitFor();
    await screenshot(page, '09-quick-start');

    await page.goto('/keys');
    await page.getByRole('button', { name: 'Revoke' }).first().click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('revoked', { exact: true }).waitFor();
    await screenshot(page, '10-keys-revoked');
    await assert.rejects(
      () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'again' }] }),
      (err: unknown) => err instanceof OpenAI.AuthenticationError,
    );
    await context.close();
  });

  test('buying with EPay returns to the order page and the package appears; a redemption code queues another', async () => {
    const pkg = await admin.createPackage({ price_cents: 6800, currency: 'CNY', duration_days: 30 });
    const gift = await admin.createPackage({ price_cents: 0, duration_days: 7 });
    const { codes } = (await admin.call('POST', '/redemption-codes', { package_id: gift.id, count: 1 })).body;
    const context = await newConsoleContext(browser);
    const page = await context.newPage();
    await signUpAndSignIn(page, newEmail());

    await buy(page, pkg.name, 'EPay (Alipay / WeChat Pay)', /Pay/);
    await page.goto('/orders');
    await page.getByRole('cell', { name: 'fulfilled' }).waitFor();
    await screenshot(page, '11-orders');

    await page.goto('/redeem');
    await page.getByLabel('Code').fill(codes[0]);
    await page.getByRole('button', { name: 'Redeem' }).click();
    await page.getByTestId('redeemed-period').waitFor();
    assert.match((await page.getByTestId('redeemed-period').textContent()) ?? '', new RegExp(gift.name));
    await screenshot(page, '12-redeemed');

    await page.goto('/');
    await page.getByText(pkg.name, { exact: true }).first().waitFor();
    await page.getByRole('cell', { name: gift.name, exact: true }).waitFor();
    await context.close();
  });

  test('a forgotten password is reset from the mailed link; the old one stops working', async () => {
    const email = newEmail();
    const context = await newConsoleContext(browser);
    const page = await context.newPage();
    await signUpAndSignIn(page, email);
    await context.clearCookies();

    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText(/is on its way/).waitFor();
    await page.goto(linkFrom(await readMail(email, { subject: /password/i }), '/reset-password?token='));
    await page.getByLabel('New password').fill('the new browser passphrase');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByText(/password has been changed/).waitFor();
    await screenshot(page, '13-password-reset');

    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The email or password is not correct.').waitFor();
    await page.getByLabel('Password', { exact: true }).fill('the new browser passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await context.close();
  });

  test('a Chinese browser gets the console in Chinese (signed in too), switchable to English, and the choice is kept', async () => {
    const { email, password } = await signedUpPerson(stack, PASSWORD);
    const context = await newConsoleContext(browser, { locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByRole('heading', { name: '登录', level: 1 }).waitFor();
    await screenshot(page, '14-sign-in-zh');
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '概览', level: 1 }).waitFor();
    await screenshot(page, '15-overview-zh');
    await page.getByLabel('语言').first().selectOption({ label: 'English' });
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await context.close();
  });

  test('on a phone-sized screen the navigation folds behind a menu button', async () => {
    const { email, password } = await signedUpPerson(stack, PASSWORD);
    const context = await newConsoleContext(browser, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await screenshot(page, '16-phone-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    const usageLink = page.getByRole('link', { name: 'Usage' });
    const folded = await usageLink.boundingBox();
    assert.ok(!folded || folded.x + folded.width <= 0, `the navigation is folded away (link at x=${folded?.x})`);
    await screenshot(page, '17-phone-overview');
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    // Polled from here: Playwright's own polling of a string predicate is eval, which the console's CSP refuses.
    await waitFor(
      'the navigation slides in',
      async () => {
        const box = await page.locator('nav').first().boundingBox();
        if (!box || box.x < 0) throw new Error(`the navigation is at x=${box?.x}`);
      },
      10_000,
      50,
    );
    await usageLink.click();
    await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
    await screenshot(page, '18-phone-usage');
    // A string runs in the page (the test itself is compiled without the DOM's types).
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    assert.ok(overflow <= 1, `the page does not scroll sideways (${overflow} px too wide)`);
    await context.close();
  });
});
