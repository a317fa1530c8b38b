import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, launchBrowser, newConsoleContext, type Page, screenshot } from '../../browser.js';
import { signedUpPerson, staffWithTotp } from '../../console-client.js';
import { adminApi, postJson, testStack, waitFor } from '../../testing.js';
import { signIn } from './sign-in.js';

const stack = testStack();
const admin = adminApi(stack);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
let browser: Browser;
let customer: Awaited<ReturnType<typeof signedUpPerson>>;

// A customer with a plan of one request a day: the second is refused (429), and both are in the ledger.
before(async () => {
  browser = await launchBrowser();
  customer = await signedUpPerson(stack);
  const pkg = await admin.createPackage({ daily_request_limit: 1 });
  await admin.grant(customer.userId, pkg.id);
  const key = (await customer.client.call('POST', '/keys', { name: 'table key' })).body.key as string;
  const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };
  assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 200);
  assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 429);
  await waitFor('both in the ledger', async () => (await customer.client.call('GET', '/ledger')).body.data.length === 2, 20_000, 200);
});
after(() => browser?.close());

/**
 * Each header cell named, of the table holding these rows, must be in view: inside the window
 * and inside the frame that scrolls the table sideways (not cut off, not scrolled away).
 */
async function headersInView(page: Page, rowTestId: string, names: string[], width: number): Promise<void> {
  const table = page.getByRole('table').filter({ has: page.getByTestId(rowTestId) });
  for (const name of names) {
    const { right, frameRight } = await table.getByRole('columnheader', { name, exact: true }).evaluate((cell) => {
      // In the page (this file is type-checked without the DOM's globals).
      const { getComputedStyle } = globalThis as unknown as { getComputedStyle: (e: typeof cell) => { overflowX: string } };
      let frame = cell.parentElement;
      while (frame && getComputedStyle(frame).overflowX === 'visible') frame = frame.parentElement;
      return { right: cell.getBoundingClientRect().right, frameRight: frame?.getBoundingClientRect().right ?? Infinity };
    });
    assert.ok(right <= Math.min(width, frameRight) + 0.5, `${name} ends at ${Math.round(right)} px; its frame at ${Math.round(frameRight)} px of ${width}`);
  }
}

/** A page of the same session, on a phone. */
async function onPhone(page: Page): Promise<Page> {
  const phone = await newConsoleContext(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
  await phone.addCookies(await page.context().cookies());
  return phone.newPage();
}

/** On a phone, a request's card shows its status (and why it was refused) inside the screen. */
async function statusOnPhone(row: ReturnType<Page['getByTestId']>, reason: RegExp): Promise<void> {
  const status = row.getByTestId('request-status');
  assert.match((await status.textContent()) ?? '', reason);
  const box = await status.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `the status ends at ${box && Math.round(box.x + box.width)} px`);
}

describe('refused requests in the tables, at every width', () => {
  test('the customer ledger shows the refusal, filters by outcome, and keeps status, latency and request ID in view at 1280 px and on a phone, as the keys table keeps status', async () => {
    const page = await (await newConsoleContext(browser, { viewport: DESKTOP })).newPage();
    await signIn(page, customer.email, customer.password);
    await page.goto('/usage');
    const rows = page.getByTestId('ledger-row');
    await rows.nth(1).waitFor();
    const refused = rows.filter({ has: page.locator('[data-refusal="daily_request_limit_exceeded"]') });
    assert.match((await refused.textContent()) ?? '', /429.*Limit reached/);
    await headersInView(page, 'ledger-row', ['Time', 'Status', 'Model', 'Cost', 'Latency', 'Request ID'], DESKTOP.width);
    await screenshot(page, 'refusals-01-ledger-1280');

    await page.getByLabel('Outcome').selectOption({ label: 'Refused' });
    await waitFor('only the refusal', async () => (await rows.count()) === 1, 5000, 100);
    assert.match((await rows.first().textContent()) ?? '', /Limit reached/);

    const phone = await onPhone(page);
    await phone.goto('/usage');
    const cards = phone.getByTestId('ledger-row');
    await cards.nth(1).waitFor();
    await statusOnPhone(cards.filter({ has: phone.locator('[data-refusal]') }), /429/);
    await statusOnPhone(cards.filter({ hasNot: phone.locator('[data-refusal]') }), /200/);
    assert.match((await cards.first().textContent()) ?? '', /Request ID/);
    await screenshot(phone, 'refusals-02-ledger-390');
    // The keys table keeps each key's status beside its name on a phone.
    await phone.goto('/keys');
    await phone.getByTestId('key-row').first().waitFor();
    await headersInView(phone, 'key-row', ['Name', 'Status'], PHONE.width);
    await screenshot(phone, 'refusals-02b-keys-390');
    await phone.context().close();
    await page.context().close();
  });

  test("the operator's request search finds the refusal by outcome, the overview counts it, and the table fits 1280 px and a phone", async () => {
    const staff = await staffWithTotp(stack, 'admin');
    const page = await (await newConsoleContext(browser, { viewport: DESKTOP })).newPage();
    await signIn(page, staff.email, staff.password, staff.secret);
    await page.goto('/admin');
    assert.match((await page.getByTestId('stat-errors').textContent()) ?? '', /[1-9]\d* of them refused/);
    // A long e-mail address does not push the top users' figures out of view.
    await headersInView(page, 'top-user-row', ['User', 'Requests', 'Tokens'], DESKTOP.width);
    await screenshot(page, 'refusals-03-overview-1280');

    await page.goto('/admin/usage');
    await page.getByLabel('User ID').fill(String(customer.userId));
    await page.getByLabel('Outcome').selectOption({ label: 'Refused' });
    const rows = page.getByTestId('usage-request-row');
    await waitFor(
      'the refusal in the search',
      async () => (await rows.count()) === 1 && /Limit reached/.test((await rows.first().textContent()) ?? ''),
      10_000,
      200,
    );
    await headersInView(page, 'usage-request-row', ['Time', 'Status', 'User', 'Model', 'Cost', 'Latency', 'Request ID'], DESKTOP.width);
    await rows.first().scrollIntoViewIfNeeded();
    await screenshot(page, 'refusals-04-search-1280');

    const phone = await onPhone(page);
    await phone.goto('/admin/usage');
    await phone.getByLabel('User ID').fill(String(customer.userId));
    const cards = phone.getByTestId('usage-request-row');
    // The filter is applied a moment after typing: until then the cluster's last day shows.
    await waitFor('the customer’s two requests', async () => (await cards.count()) === 2, 10_000, 200);
    await statusOnPhone(cards.filter({ has: phone.locator('[data-refusal]') }), /429/);
    await screenshot(phone, 'refusals-05-search-390');
    await phone.context().close();
    await page.context().close();
  });
});
