import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, launchBrowser, newConsoleContext, screenshot } from '../../browser.js';
import { newEmail, signedUpPerson } from '../../console-client.js';
import { adminApi, createOwner, testStack } from '../../testing.js';
import { enrolTwoFactor, signIn } from './sign-in.js';

const stack = testStack();
const admin = adminApi(stack);
const PASSWORD = 'the first hour passphrase';
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

describe("an operator's first hour in the console", () => {
  test('the first owner sets a first password, lands on the Operations overview, sees what is left to set up, and follows an order to its customer', async () => {
    const email = newEmail();
    const page = await (await newConsoleContext(browser)).newPage();
    await page.goto(await createOwner(email));
    await page.getByText('Set your password').first().waitFor();
    assert.equal(await page.getByText(/new password|changed/i).count(), 0, 'a first password is not a reset');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText(/password is set/).waitFor();
    await screenshot(page, 'ofh-01-first-password');

    // Staff land on the Operations overview, which asks for the second factor first.
    await signIn(page, email, PASSWORD);
    assert.equal(new URL(page.url()).pathname, '/admin');
    await page.getByTestId('mfa-required').waitFor();
    await enrolTwoFactor(page, PASSWORD);
    assert.equal(new URL(page.url()).pathname, '/admin', 'after enrolment: the Operations overview');

    // What a new operator must still do, on the bundled fakes.
    const checklist = page.getByTestId('setup-checklist');
    await checklist.waitFor();
    assert.match((await page.getByTestId('setup-task-payments').textContent()) ?? '', /local fake or in test mode.*stripe/);
    assert.match((await page.getByTestId('setup-task-mail').textContent()) ?? '', /caught by the bundled local catcher/);
    await screenshot(page, 'ofh-02-setup-checklist');

    // An order names its customer by e-mail, and leads to their page, requests and audit entries.
    const pkg = await admin.createPackage({ price_cents: 2500, currency: 'USD' });
    const customer = await signedUpPerson(stack);
    const placed = await customer.client.call('POST', '/orders', { package_id: pkg.id, provider: 'stripe' });
    assert.equal(placed.status, 201, placed.text);
    await page.goto('/admin/orders');
    const row = page.getByTestId('admin-order-row').filter({ hasText: placed.body.order_no });
    await row.getByRole('link', { name: customer.email }).waitFor();
    await screenshot(page, 'ofh-03-orders-with-email');
    await row.getByRole('link', { name: customer.email }).click();
    await page.getByRole('heading', { name: customer.email, level: 1 }).waitFor();
    await page.getByTestId('user-requests-link').click();
    await page.getByRole('heading', { name: 'Cluster usage', level: 1 }).waitFor();
    assert.equal(await page.getByLabel('User ID').inputValue(), String(customer.userId));
    await page.goBack();
    await page.getByTestId('user-audit-link').click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    assert.equal(await page.getByLabel('Target ID').inputValue(), String(customer.userId));
    await screenshot(page, 'ofh-04-user-audit');
    await page.context().close();
  });
});
