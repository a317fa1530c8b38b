import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { type Browser, launchBrowser, newConsoleContext, type Page, screenshot } from '../../browser.js';
import { createConsoleClient, newEmail, signedUpPerson } from '../../console-client.js';
import { adminApi, createOwner, testStack } from '../../testing.js';
import { codeOf, scanQr, signIn } from './sign-in.js';

const stack = testStack();
const PASSWORD = 'the owner passphrase';
const RECOVERY_CODE = /^[0-9a-z]{5}-[0-9a-z]{5}$/;
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

/** The sign-in form up to the code step, then a recovery code in place of the authenticator's. */
async function signInWithRecoveryCode(page: Page, email: string, code: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Lost your phone? Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('two-factor sign-in in the console', () => {
  test('an owner confirms the password, scans the QR code, keeps ten recovery codes, signs in with one once, and makes new ones', async () => {
    const email = newEmail();
    const page = await (await newConsoleContext(browser)).newPage();
    await page.goto(await createOwner(email));
    // A first password: the page says so (not a reset of one).
    await page.getByText('Set your password').first().waitFor();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText(/password is set/).waitFor();
    await signIn(page, email, PASSWORD);

    await page.goto('/account');
    await page.getByLabel('Your password').fill('not the passphrase');
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await page.getByRole('alert').filter({ hasText: 'password is not correct' }).waitFor();
    assert.equal(await page.getByTestId('totp-secret').count(), 0, 'no secret for a wrong password');
    await screenshot(page, 'tf-00-password-refused');

    await page.getByLabel('Your password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
    await qr.waitFor();
    const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
    const url = ((await page.getByTestId('totp-url').textContent()) ?? '').trim();
    const scanned = await scanQr(page);
    assert.equal(scanned, url, 'the QR code carries the otpauth:// URL');
    assert.equal(new URL(scanned!).searchParams.get('secret'), secret);
    await screenshot(page, 'tf-01-qr-code');

    await page.getByLabel('Authentication code').fill(codeOf(secret));
    await page.getByRole('button', { name: 'Enable' }).click();
    const list = page.getByTestId('recovery-codes');
    await list.waitFor();
    const codes = await list.locator('code').allTextContents();
    assert.equal(codes.length, 10);
    for (const code of codes) assert.match(code, RECOVERY_CODE);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    const file = await readFile((await download.path())!, 'utf8');
    for (const code of codes) assert.ok(file.includes(code), 'the downloaded file has every code');
    await page.getByRole('button', { name: 'Copy recovery codes' }).waitFor();
    await screenshot(page, 'tf-02-recovery-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    // Enrolled: on to the Operations overview, no longer the customer's.
    await page.getByRole('heading', { name: 'Operations overview', level: 1 }).waitFor();
    await page.goto('/account');
    await page.getByTestId('recovery-codes-left').filter({ hasText: '10 recovery codes left' }).waitFor();
    assert.equal(await list.count(), 0, 'shown once');

    // The phone is lost: a recovery code signs in, once.
    await page.context().clearCookies();
    await signInWithRecoveryCode(page, email, codes[0]!.toUpperCase());
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page.context().clearCookies();
    await signInWithRecoveryCode(page, email, codes[0]!);
    await page.getByRole('alert').filter({ hasText: 'recovery code is not right' }).waitFor();
    await screenshot(page, 'tf-03-recovery-code-used');

    // New codes, for the password and a current code; the old ones are void.
    await page.getByLabel('Recovery code').fill(codes[1]!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page.goto('/account');
    await page.getByTestId('recovery-codes-left').filter({ hasText: '8 recovery codes left' }).waitFor();
    await page.getByRole('button', { name: 'New recovery codes' }).click();
    await page.getByLabel('Your password').fill(PASSWORD);
    await page.getByLabel('Authentication code').fill(codeOf(secret, 1));
    await page.getByRole('button', { name: 'Make new codes' }).click();
    await list.waitFor();
    const fresh = await list.locator('code').allTextContents();
    assert.equal(fresh.length, 10);
    assert.equal(
      fresh.some((c) => codes.includes(c)),
      false,
    );
    await screenshot(page, 'tf-04-new-recovery-codes');
    const old = await createConsoleClient(stack).signIn(email, PASSWORD, { 'x-forwarded-for': '192.0.2.77' }, codes[2]);
    assert.equal(old.body.error.code, 'invalid_totp', 'an old code is void');
    await page.context().close();
  });

  test('the enrolment in Chinese: the password, the QR code and the secret', async () => {
    // Support staff: the section is for staff, and support may enrol as well.
    const person = await signedUpPerson(stack, PASSWORD);
    const appointed = await adminApi(stack).call('POST', '/staff', { email: person.email, role: 'support' });
    assert.equal(appointed.status, 201, JSON.stringify(appointed.body));
    const client = createConsoleClient(stack);
    assert.equal((await client.signIn(person.email, PASSWORD)).status, 200);
    const zh = await newConsoleContext(browser, { locale: 'zh-CN' });
    await zh.addCookies([...client.jar].map(([name, value]) => ({ name, value, url: stack.consoleUrl })));
    const page = await zh.newPage();
    await page.goto('/account');
    await page.getByLabel('您的密码').fill(PASSWORD);
    await page.getByRole('button', { name: '设置两步验证登录' }).click();
    await page.getByRole('img', { name: '供身份验证器应用扫描的二维码' }).waitFor();
    assert.ok(await scanQr(page), 'the QR code scans');
    await screenshot(page, 'tf-05-enrolment-zh');
    await zh.close();
  });
});
