import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, launchBrowser, newConsoleContext, screenshot } from '../../browser.js';
import { signedUpPerson } from '../../console-client.js';
import { testStack, waitFor } from '../../testing.js';
import { signIn } from './sign-in.js';

const stack = testStack();
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

describe('the mails a customer gets, in Account', () => {
  test('a switch turned off stays off, and the mails follow the language the console is used in', async () => {
    const person = await signedUpPerson(stack);
    const stored = async () => (await person.client.call('GET', '/me/notifications')).body;
    const page = await (await newConsoleContext(browser)).newPage();
    await signIn(page, person.email, person.password);
    await page.goto('/account');

    await page.getByRole('heading', { name: 'Mail from us' }).waitFor();
    for (const name of ['Receipts', 'Usage warnings', 'Package ending']) assert.ok(await page.getByRole('switch', { name }).isChecked(), `${name} on at first`);
    await page.getByRole('switch', { name: 'Receipts' }).click();
    await waitFor('receipts off on the server', async () => (await stored()).receipts === false, 5000, 100);
    await page.reload();
    await page.getByRole('heading', { name: 'Mail from us' }).waitFor();
    assert.equal(await page.getByRole('switch', { name: 'Receipts' }).isChecked(), false, 'still off after a reload');
    assert.ok(await page.getByRole('switch', { name: 'Usage warnings' }).isChecked(), 'the others untouched');
    await screenshot(page, 'notices-01-receipts-off');

    await page.getByLabel('Language').first().selectOption('zh');
    await page.getByRole('heading', { name: '邮件通知' }).waitFor();
    await waitFor('the mail language follows the console', async () => (await stored()).locale === 'zh', 5000, 100);
    await screenshot(page, 'notices-02-chinese');
  });
});
