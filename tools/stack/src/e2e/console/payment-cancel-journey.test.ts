import { after, before, describe, test } from 'node:test';
import { signedUpPerson } from '../../console-client.js';
import { type Browser, launchBrowser, newConsoleContext, screenshot } from '../../browser.js';
import { adminApi, testStack } from '../../testing.js';
import { signIn } from './sign-in.js';

const stack = testStack();
const admin = adminApi(stack);
const fakeOrigin = new URL(stack.payments.fakeUrl!).origin;
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

describe('cancelling and waiting for a payment in a browser', () => {
  test("Stripe's Cancel → the order is cancelled and Try again opens a new checkout; paid, the Buy page says when the next package starts; queued in both languages", async () => {
    const person = await signedUpPerson(stack);
    const pkg = await admin.createPackage({ price_cents: 1300, currency: 'USD', daily_request_limit: 100 });
    const page = await (await newConsoleContext(browser)).newPage();
    await signIn(page, person.email, person.password);

    await page.goto('/buy');
    const card = page.getByRole('region', { name: pkg.name, exact: true });
    await card.getByLabel('Payment method').selectOption({ label: 'Card (Stripe)' });
    await card.getByRole('button', { name: 'Buy' }).click();
    await page.waitForURL((url) => url.origin === fakeOrigin);
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.waitForURL(/\/orders\/[A-Z0-9]+\/cancelled\?sig=/);
    await page.getByTestId('order-status').filter({ hasText: 'cancelled' }).waitFor();
    await page.getByText('You cancelled the payment').waitFor();
    await screenshot(page, 'pay-01-stripe-cancelled');

    await page.getByRole('button', { name: 'Try again' }).click();
    await page.waitForURL((url) => url.origin === fakeOrigin);
    await page.getByRole('button', { name: /^Pay$/ }).click();
    await page.waitForURL(/\/orders\/[A-Z0-9]+\/return\?/);
    await page.getByTestId('order-status').filter({ hasText: 'fulfilled' }).waitFor({ timeout: 15_000 });

    // A package runs now: before paying for another, the Buy page says when it would start.
    await page.goto('/buy');
    await page.getByTestId('buy-starts-on').waitFor();
    await page.getByRole('region', { name: pkg.name, exact: true }).getByTestId('package-starts-on').waitFor();
    await screenshot(page, 'pay-02-buy-starts-on');

    const next = await admin.createPackage({ price_cents: 0, duration_days: 7 });
    await admin.grant(person.userId, next.id);
    await page.goto('/');
    await page.getByTestId('period-row').filter({ hasText: next.name }).getByTestId('period-status').filter({ hasText: 'queued' }).waitFor();
    await screenshot(page, 'pay-03-overview-queued');

    const zh = await (await newConsoleContext(browser, { locale: 'zh-CN' })).newPage();
    await zh.goto('/sign-in');
    await zh.getByLabel('邮箱').fill(person.email);
    await zh.getByLabel('密码', { exact: true }).fill(person.password);
    await zh.getByRole('button', { name: '登录' }).click();
    await zh.getByTestId('period-row').filter({ hasText: next.name }).getByTestId('period-status').filter({ hasText: '排队中' }).waitFor();
    await screenshot(zh, 'pay-04-overview-queued-zh');
    await zh.context().close();
    await page.context().close();
  });

  test('the return page stops waiting after a minute without confirmation, says what to do, and cancels the order on request', async () => {
    const person = await signedUpPerson(stack);
    const pkg = await admin.createPackage({ price_cents: 4200, currency: 'CNY', daily_request_limit: 100 });
    const placed = await person.client.call('POST', '/orders', { package_id: pkg.id, provider: 'epay' });
    const returnUrl = new URL(new URL(placed.body.checkout_url).searchParams.get('return_url')!);

    // The buyer leaves EPay's page without paying (its link back to the merchant).
    const page = await (await newConsoleContext(browser)).newPage();
    await page.clock.install();
    await page.goto(placed.body.checkout_url);
    await page.getByRole('link', { name: /Back to the merchant/ }).click();
    await page.waitForURL((url) => url.pathname === returnUrl.pathname);
    await page.getByText('Waiting for payment confirmation…').waitFor();
    await page.clock.fastForward('01:01');
    await page.getByTestId('order-not-confirmed').waitFor();
    await screenshot(page, 'pay-05-return-not-confirmed');

    await page.getByRole('link', { name: 'Cancel this order' }).click();
    await page.waitForURL(/\/orders\/[A-Z0-9]+\/cancelled\?sig=/);
    await page.getByTestId('order-status').filter({ hasText: 'cancelled' }).waitFor();
    // Signed out in this browser: "Try again" leads to the Buy page (through sign-in).
    await page.getByRole('link', { name: 'Try again' }).waitFor();
    await screenshot(page, 'pay-06-return-cancelled');
    await page.context().close();
  });
});
