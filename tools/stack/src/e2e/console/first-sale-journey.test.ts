// Issue 23's customer journey: what a newcomer does on a fresh stack, from sign-up to a
// priced request, with nothing prepared by a test helper (the price list is the one the
// stack seeds, as `npm start` does). Screenshots: test-results/screenshots/first-sale-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { newEmail } from '../../console-client.js';
import { type Browser, launchBrowser, newConsoleContext, type Page, screenshot } from '../../browser.js';
import { linkFrom, readMail, testStack, waitFor } from '../../testing.js';

const stack = testStack();
const PASSWORD = 'a first sale passphrase';
const fakeOrigin = new URL(stack.payments.fakeUrl!).origin;
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

const shot = (page: Page, name: string) => screenshot(page, `first-sale-${name}`);

/** Picks the provider on the package's card and goes to the provider's (fake) page. */
async function checkout(page: Page, packageName: string, provider: 'Card (Stripe)' | 'EPay (Alipay / WeChat Pay)'): Promise<void> {
  await page.goto('/buy');
  const card = page.getByRole('region', { name: packageName, exact: true });
  await card.getByLabel('Payment method').selectOption({ label: provider });
  await card.getByRole('button', { name: 'Buy' }).click();
  await page.waitForURL((url) => url.origin === fakeOrigin);
}

/** Pays on the provider's page and waits on the return page until the order is fulfilled. */
async function pay(page: Page, button: RegExp): Promise<void> {
  await page.getByRole('button', { name: button }).click();
  await page.waitForURL(/\/orders\/[A-Z0-9]+\/return\?/);
  await page.getByTestId('order-status').filter({ hasText: 'fulfilled' }).waitFor({ timeout: 15_000 });
}

describe("a newcomer's first sale, in a browser", () => {
  test('sign up and verify → the seeded price list → cancel a card checkout and try again → pay → the receipt → buy again with EPay (queued) → a key → the openai SDK → a priced request in the ledger → the same in Chinese', async () => {
    const email = newEmail();
    const page = await (await newConsoleContext(browser)).newPage();

    // Sign up, verify by the caught mail, sign in.
    await page.goto('/sign-up');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByText('Check your mail').waitFor();
    await page.goto(linkFrom(await readMail(email, { subject: /verify/i }), '/verify?token='));
    await page.getByText(/is verified/).waitFor();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await shot(page, '01-overview-new');

    // Something to buy: the seeded price list, in dollars and in yuan; the demo grant is not on sale.
    await page.goto('/buy');
    for (const name of ['Starter', 'Pro', 'Starter (CNY)', 'Pro (CNY)']) await page.getByRole('region', { name, exact: true }).waitFor();
    assert.match((await page.getByRole('region', { name: 'Starter', exact: true }).textContent()) ?? '', /\$9\.99/);
    assert.equal(await page.getByRole('region', { name: /Demo/ }).count(), 0, 'the demo package is a grant, not on sale');
    await shot(page, '02-buy');

    // Cancel on Stripe's page: the order is cancelled, and Try again opens a new checkout.
    await checkout(page, 'Starter', 'Card (Stripe)');
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.waitForURL(/\/orders\/[A-Z0-9]+\/cancelled\?sig=/);
    await page.getByTestId('order-status').filter({ hasText: 'cancelled' }).waitFor();
    await page.getByText('You cancelled the payment').waitFor();
    await shot(page, '03-cancelled');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.waitForURL((url) => url.origin === fakeOrigin);
    await pay(page, /^Pay$/);
    const paidOrder = /\/orders\/([A-Z0-9]+)\/return/.exec(page.url())![1]!;
    await shot(page, '04-paid');

    // The receipt: order, package, amount.
    const receipt = await readMail(email, { subject: /receipt/i });
    assert.ok(receipt.subject.includes(paidOrder), receipt.subject);
    assert.match(receipt.text, /Starter/);
    assert.match(receipt.text, /9\.99/);

    // A second package while Starter runs: the Buy page says when it would start; paid with EPay, it is queued.
    await page.goto('/buy');
    await page.getByTestId('buy-starts-on').waitFor();
    await shot(page, '05-buy-starts-on');
    await checkout(page, 'Starter (CNY)', 'EPay (Alipay / WeChat Pay)');
    await pay(page, /Pay/);
    await page.goto('/');
    const queued = page.getByTestId('period-row').filter({ hasText: 'Starter (CNY)' });
    await queued.getByTestId('period-status').filter({ hasText: 'queued' }).waitFor();
    await page.getByText('Starter', { exact: true }).first().waitFor(); // the package in effect
    await shot(page, '06-overview-queued');

    // Orders: the cancelled checkout and the two paid ones.
    await page.goto('/orders');
    await page.getByRole('cell', { name: 'cancelled' }).waitFor();
    assert.equal(await page.getByRole('cell', { name: 'fulfilled' }).count(), 2);
    await shot(page, '07-orders');

    // A key, and the official SDK with a model Starter sells.
    await page.goto('/keys');
    await page.getByLabel('Name', { exact: true }).fill('first key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-api-key').textContent())?.trim() ?? '';
    assert.match(key, /^sk-cg-[A-Za-z0-9]{40}$/);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    const client = new OpenAI({ baseURL: `${stack.gatewayUrl}/v1`, apiKey: key, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'My first request' }] });
    assert.ok(answer.choices[0]?.message.content);

    // The ledger shows it, priced above zero.
    await page.goto('/usage');
    const row = page.getByTestId('ledger-row').filter({ hasText: 'gpt-4o-mini' }).first();
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
    const cost = /\$(\d+\.\d+)/.exec((await row.textContent()) ?? '');
    assert.ok(cost && Number(cost[1]) > 0, `the request is priced: ${await row.textContent()}`);
    await shot(page, '08-ledger-priced');

    // The same account in Chinese: the queued package, the cancelled order.
    const zh = await (await newConsoleContext(browser, { locale: 'zh-CN' })).newPage();
    await zh.goto('/sign-in');
    await zh.getByLabel('邮箱').fill(email);
    await zh.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await zh.getByRole('button', { name: '登录' }).click();
    await zh.getByRole('heading', { name: '概览', level: 1 }).waitFor();
    await zh.getByTestId('period-row').filter({ hasText: 'Starter (CNY)' }).getByTestId('period-status').filter({ hasText: '排队中' }).waitFor();
    await shot(zh, '09-overview-queued-zh');
    await zh.goto('/orders');
    await zh.getByRole('cell', { name: '已取消' }).waitFor();
    await shot(zh, '10-orders-zh');
    await zh.goto('/usage');
    await zh.getByTestId('ledger-row').filter({ hasText: 'gpt-4o-mini' }).first().waitFor();
    await shot(zh, '11-ledger-zh');
    await zh.context().close();
    await page.context().close();
  });
});
