import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, launchBrowser, newConsoleContext, screenshot } from '../../browser.js';
import { signedUpPerson } from '../../console-client.js';
import { adminApi, testStack } from '../../testing.js';
import { signIn } from './sign-in.js';

const stack = testStack();
const admin = adminApi(stack);
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

describe('Quick start in the console', () => {
  test("the snippets point at /v1 and name a model the customer's plan allows; without a package it says to buy one", async () => {
    const person = await signedUpPerson(stack);
    await person.client.call('POST', '/keys', { name: 'laptop' });
    const page = await (await newConsoleContext(browser)).newPage();
    await signIn(page, person.email, person.password);
    await page.goto('/quick-start');
    await page.getByTestId('quick-start-no-package').waitFor();
    await screenshot(page, 'qs-01-no-package');

    const pkg = await admin.createPackage({ models: ['o3', 'gpt-4o-mini'] });
    await admin.grant(person.userId, pkg.id);
    await page.reload();
    await page.getByText('wire_api = "responses"').first().waitFor();
    const codex = (await page.getByText('model_provider = "codex-gateway"').first().textContent()) ?? '';
    assert.match(codex, /^model = "(gpt-4o-mini|o3)"/m, codex);
    assert.match(codex, new RegExp(`base_url = "${stack.gatewayUrl}/v1"`));
    assert.equal(await page.getByText('/api/v1').count(), 0, 'no client is pointed at /api/v1');
    // Claude Code takes the gateway's root: it appends /v1/messages itself.
    await page.getByText(`export ANTHROPIC_BASE_URL="${stack.gatewayUrl}"`).first().waitFor();
    await page.getByLabel('Model').selectOption('o3');
    await page.getByText('model = "o3"').first().waitFor();
    await page.getByTestId('quick-start-retries').filter({ hasText: 'five times' }).waitFor();
    await screenshot(page, 'qs-02-snippets');
    await page.context().close();
  });
});
