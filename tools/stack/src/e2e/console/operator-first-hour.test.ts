import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, launchBrowser, newConsoleContext, screenshot } from '../../browser.js';
import { newEmail, signedUpPerson } from '../../console-client.js';
import { createOwner, postJson, testStack, waitFor } from '../../testing.js';
import { enrolTwoFactor, signIn } from './sign-in.js';

const stack = testStack();
const PASSWORD = 'the first hour passphrase';
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

describe("an operator's first hour in the console", () => {
  test("the first owner sets a first password, enrols from the QR code, lands on the Operations overview, sees what is left to set up, makes a package, and follows a customer's order to them and their refused request", async () => {
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

    // A package of the operator's own, made in the console.
    const packageName = `First hour plan ${Date.now()}`;
    await page.getByRole('navigation').getByRole('link', { name: 'Packages', exact: true }).last().click();
    await page.getByRole('heading', { name: 'Packages', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Create package' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel('Name', { exact: true }).fill(packageName);
    await form.getByLabel('Price', { exact: true }).fill('25.00');
    await form.getByLabel('Requests per day').fill('100');
    await form.getByLabel('Duration (days)').fill('30');
    await form
      .getByRole('button', { name: /Save|Create package/ })
      .last()
      .click();
    await page.getByTestId('admin-package-row').filter({ hasText: packageName }).waitFor();

    // A customer orders it and, before paying, tries a key: the refusal is on the record.
    const customer = await signedUpPerson(stack);
    const pkg = (await customer.client.call('GET', '/catalog')).body.packages.find((p: { name: string }) => p.name === packageName);
    assert.equal(pkg?.price_cents, 2500, 'the console-made package is on sale');
    const placed = await customer.client.call('POST', '/orders', { package_id: pkg.id, provider: 'stripe' });
    assert.equal(placed.status, 201, placed.text);
    const key = (await customer.client.call('POST', '/keys', { name: 'too early' })).body.key;
    const refused = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(refused.status, 429);

    // An order names its customer by e-mail, and leads to their page, requests and audit entries.
    await page.goto('/admin/orders');
    const row = page.getByTestId('admin-order-row').filter({ hasText: placed.body.order_no });
    await row.getByRole('link', { name: customer.email }).waitFor();
    await screenshot(page, 'ofh-03-orders-with-email');
    await row.getByRole('link', { name: customer.email }).click();
    await page.getByRole('heading', { name: customer.email, level: 1 }).waitFor();
    await page.getByTestId('user-requests-link').click();
    await page.getByRole('heading', { name: 'Cluster usage', level: 1 }).waitFor();
    assert.equal(await page.getByLabel('User ID').inputValue(), String(customer.userId));
    // The refused request is in the request search: 429, no package, nothing billed.
    const refusedRow = page.getByTestId('usage-request-row').filter({ has: page.locator('[data-refusal="insufficient_quota"]') });
    await waitFor(
      'the refusal in the request search',
      async () => {
        await page.reload();
        return refusedRow.waitFor({ timeout: 2000 }).then(
          () => true,
          () => false,
        );
      },
      20_000,
      500,
    );
    assert.match((await refusedRow.textContent()) ?? '', /429/);
    await screenshot(page, 'ofh-04-refusal-in-request-search');
    await page.goBack();
    await page.getByTestId('user-audit-link').click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    assert.equal(await page.getByLabel('Target ID').inputValue(), String(customer.userId));
    await screenshot(page, 'ofh-05-user-audit');
    await page.context().close();
  });
});
