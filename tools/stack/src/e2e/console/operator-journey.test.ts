import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signedUpPerson } from '../../console-client.js';
import { type Browser, launchBrowser, newConsoleContext, type Page, screenshot } from '../../browser.js';
import { codeOf, enrolTwoFactor, signIn } from './sign-in.js';
import { createOwner, payOnFakeStripe, postJson, testStack, waitFor } from '../../testing.js';
import { newEmail } from '../../console-client.js';

const stack = testStack();
const PASSWORD = 'the operator passphrase';
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

/** Opens an Operations page from the navigation. */
async function operations(page: Page, link: string, heading: string | RegExp): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: link, exact: true }).last().click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

async function confirm(page: Page, button: string): Promise<void> {
  await page.getByRole('button', { name: button }).first().click();
  await page.getByRole('dialog').getByRole('button', { name: button }).click();
}

/** A paid order of the package: placed through the API, paid at the fake Stripe. */
async function buy(person: Awaited<ReturnType<typeof signedUpPerson>>, packageId: number) {
  const order = await person.client.call('POST', '/orders', { package_id: packageId, provider: 'stripe' });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  await payOnFakeStripe(order.body.checkout_url, stack);
  const orderNo = order.body.order_no as string;
  await waitFor(`order ${orderNo} fulfilled`, async () => (await person.client.call('GET', `/orders/${orderNo}`)).body.status === 'fulfilled', 10_000);
  return order;
}

describe('the operator console in a browser', () => {
  test('the first owner signs in with TOTP, sells a package, refunds its order, suspends a customer; support cannot touch money; the audit log has it all', async () => {
    // The first owner: a command prints a one-time link.
    const ownerEmail = newEmail();
    const owner = await (await newConsoleContext(browser)).newPage();
    await owner.goto(await createOwner(ownerEmail));
    // A first password: the page says so (not a reset of one).
    await owner.getByText('Set your password').first().waitFor();
    await owner.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await owner.getByRole('button', { name: 'Set password' }).click();
    await owner.getByText(/password is set/).waitFor();
    await signIn(owner, ownerEmail, PASSWORD);

    // Operations ask for two-factor sign-in first.
    await owner.goto('/admin');
    await owner
      .getByRole('link', { name: /two-factor|Account/i })
      .first()
      .waitFor();
    const { secret } = await enrolTwoFactor(owner, PASSWORD);
    assert.match(secret, /^[A-Z2-7]{16,}$/);
    await screenshot(owner, 'op-01-two-factor-on');

    // Signing in again takes the code.
    await owner.context().clearCookies();
    await signIn(owner, ownerEmail, PASSWORD, secret);
    await operations(owner, 'Overview', 'Operations overview');
    await owner.getByTestId('instance-row').first().waitFor();
    await screenshot(owner, 'op-02-overview');

    // A package for sale.
    const packageName = `Operator plan ${Date.now()}`;
    await operations(owner, 'Packages', 'Packages');
    await owner.getByRole('button', { name: 'Create package' }).click();
    const form = owner.getByRole('dialog');
    await form.getByLabel('Name', { exact: true }).fill(packageName);
    await form.getByLabel('Price', { exact: true }).fill('19.90');
    await form.getByLabel('Requests per day').fill('100');
    await form.getByLabel('Duration (days)').fill('30');
    await form
      .getByRole('button', { name: /Save|Create package/ })
      .last()
      .click();
    await owner.getByTestId('admin-package-row').filter({ hasText: packageName }).waitFor();
    await screenshot(owner, 'op-03-packages');

    // A customer buys it (through the API here: the customer journey covers the pages).
    const customer = await signedUpPerson(stack);
    const pkg = (await customer.client.call('GET', '/catalog')).body.packages.find((p: { name: string }) => p.name === packageName);
    assert.equal(pkg.price_cents, 1990);
    const order = await buy(customer, pkg.id);
    const key = (await customer.client.call('POST', '/keys', { name: 'bought' })).body.key;
    await waitFor('the package works', async () => (await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status === 200, 10_000);

    // The owner finds the order and refunds it: the customer's next request is refused.
    await operations(owner, 'Orders', 'Orders');
    // The order names its customer by e-mail (a link to their page); its number opens the order.
    const orderRow = owner.getByTestId('admin-order-row').filter({ hasText: order.body.order_no });
    await orderRow.getByRole('link', { name: customer.email }).waitFor();
    await orderRow.getByRole('link', { name: order.body.order_no }).click();
    await owner.getByTestId('order-timeline').waitFor();
    await screenshot(owner, 'op-04-order-detail');
    await confirm(owner, 'Refund');
    await owner.getByText('The order was refunded.').waitFor();
    const refused = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'insufficient_quota');

    // Suspending the customer: their key is refused.
    await operations(owner, 'Users', 'Users');
    await owner.getByLabel('Search').fill(customer.email);
    await owner.getByLabel('Search').press('Enter');
    await owner.getByTestId('admin-user-row').filter({ hasText: customer.email }).click();
    await confirm(owner, 'Suspend');
    await owner.getByRole('button', { name: 'Resume' }).waitFor();
    await screenshot(owner, 'op-05-user-suspended');
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 403);

    // Support: appointed by the owner; reads orders, but no refund, no package editing.
    const support = await signedUpPerson(stack);
    await operations(owner, 'Staff', 'Staff');
    await owner.getByLabel('Email').fill(support.email);
    await owner.getByLabel('Role').selectOption({ label: 'Support' });
    await owner.getByRole('button', { name: 'Appoint' }).click();
    await owner.getByTestId('staff-row').filter({ hasText: support.email }).waitFor();
    // Every staff role turns on a second factor before the Operations pages answer it.
    const supportPage = await (await newConsoleContext(browser)).newPage();
    await signIn(supportPage, support.email, support.password);
    const { secret: supportSecret } = await enrolTwoFactor(supportPage, support.password);
    // An order that can be refunded (the owner is offered the button), so its absence is support's role.
    const refundable = await buy(await signedUpPerson(stack), pkg.id);
    await owner.goto(`/admin/orders/${refundable.body.order_no}`);
    await owner.getByTestId('order-timeline').waitFor();
    await owner.getByRole('button', { name: 'Refund' }).first().waitFor();
    await supportPage.goto(`/admin/orders/${refundable.body.order_no}`);
    await supportPage.getByTestId('order-timeline').waitFor();
    await supportPage.getByText(refundable.body.order_no).first().waitFor();
    assert.equal(await supportPage.getByRole('button', { name: 'Refund' }).count(), 0, 'no refund for support');
    await supportPage.goto('/admin/packages');
    await supportPage.getByTestId('admin-package-row').first().waitFor();
    assert.equal(await supportPage.getByRole('button', { name: 'Create package' }).count(), 0, 'no package changes for support');
    assert.equal(await supportPage.getByRole('link', { name: 'Staff', exact: true }).count(), 0, 'staff is for owners');
    await screenshot(supportPage, 'op-06-support-packages');
    // The appointment ended the sessions support had; a new one, with the second factor.
    await support.client.session();
    assert.equal((await support.client.signIn(support.email, support.password, undefined, codeOf(supportSecret, 1))).status, 200);
    const direct = await support.client.admin('POST', `/orders/${refundable.body.order_no}/refund`, {});
    assert.equal(direct.status, 403, 'and the API refuses it too');

    // The audit log shows every change of this journey, on its own objects, by its owner.
    await operations(owner, 'Audit log', 'Audit log');
    const rows = owner.getByTestId('audit-row');
    await rows.first().waitFor();
    const texts = await rows.allTextContents();
    for (const [action, target] of [
      ['package.create', `package ${pkg.id}`],
      ['order.refund', `order ${order.body.order_no}`],
      ['user.suspend', `user ${customer.userId}`],
      ['staff.appoint', `user ${support.userId}`],
    ]) {
      // A target's id ends its line: "user 12" is not "user 123".
      const row = texts.find((t) => t.includes(ownerEmail) && t.includes(action!) && new RegExp(`${target}(?!\\d)`).test(t));
      assert.ok(row, `an audit row of ${action} on ${target} by ${ownerEmail}`);
    }
    await screenshot(owner, 'op-07-audit-log');
  });
});
