import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createMockUpstream, type MockUpstream } from '@codex-gateway/mock-upstream';
import { type Browser, launchBrowser, newConsoleContext, type Page, screenshot } from '../../browser.js';
import { enrolTwoFactor, signIn } from './sign-in.js';
import { newEmail, signedUpPerson } from '../../console-client.js';
import { adminApi, createOwner, postJson, testStack, waitFor } from '../../testing.js';

// The test cluster is shared with the other tests: everything here carries a name of its own
// (the model only this test's upstream serves), and is deleted or retired at the end.
const stack = testStack();
const admin = adminApi(stack);
const PASSWORD = 'the channel operator passphrase';
const suffix = randomBytes(4).toString('hex');
const MODEL = `journey-${suffix}`;
const CHANNEL = `journey-${suffix}`;
const PACKAGE = `Journey plan ${suffix}`;
const UPSTREAM_KEY = `sk-upstream-journey-${randomBytes(12).toString('hex')}`;
const chat = { model: MODEL, messages: [{ role: 'user', content: 'which channel?' }] };

let browser: Browser;
let upstream: MockUpstream;
let upstreamUrl: string;
const created: { channelKey?: string; packageId?: number; model?: boolean } = {};

before(async () => {
  browser = await launchBrowser();
  upstream = createMockUpstream({ name: 'journey', apiKey: UPSTREAM_KEY });
  upstreamUrl = `${(await upstream.listen(0, '127.0.0.1')).url}/v1`;
});

// Whatever the test got to, the cluster is left as it was found (best effort: the test has said what failed).
after(async () => {
  if (created.channelKey) await admin.call('DELETE', `/channels/${encodeURIComponent(created.channelKey)}`).catch(() => undefined);
  if (created.model) await admin.call('DELETE', `/models/${encodeURIComponent(MODEL)}`).catch(() => undefined);
  if (created.packageId) await admin.call('POST', `/packages/${created.packageId}/retire`).catch(() => undefined);
  await upstream?.close();
  await browser?.close();
});

/** A new owner, signed in with a second factor (the Operations pages want one). */
async function ownerPage(): Promise<Page> {
  const email = newEmail();
  const page = await (await newConsoleContext(browser)).newPage();
  await page.goto(await createOwner(email));
  // A first password: the page says so (not a reset of one).
  await page.getByText('Set your password').first().waitFor();
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.getByText(/password is set/).waitFor();
  await signIn(page, email, PASSWORD);
  const { secret } = await enrolTwoFactor(page, PASSWORD);
  await page.context().clearCookies();
  await signIn(page, email, PASSWORD, secret);
  return page;
}

/** Opens an Operations page from the navigation. */
async function operations(page: Page, link: string, heading: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: link, exact: true }).last().click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

/** Requests that reached this test's upstream so far. */
const served = () => upstream.stats().byEndpoint['/v1/chat/completions'] ?? 0;

/** One request for the test's model: its status, and whether this test's channel served it. */
async function ask(key: string): Promise<{ status: number; here: boolean; body: any }> {
  const before = served();
  const res = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat);
  return { status: res.status, here: served() > before, body: res.body };
}

describe('channels, models and plans in the operator console', () => {
  test('an owner adds a channel, sees it healthy, probes it, prices its model, sells a plan of that model; disabling the channel takes it out of routing', async () => {
    const owner = await ownerPage();

    // A channel to this test's upstream, serving only the test's model, ahead of the stack's own.
    await operations(owner, 'Channels', 'Channels');
    await owner.getByRole('button', { name: 'Add channel' }).click();
    const form = owner.getByRole('dialog');
    await form.getByLabel('Name', { exact: true }).fill(CHANNEL);
    await form.getByLabel('Base URL').fill(upstreamUrl);
    await form.getByLabel('API key', { exact: true }).fill(UPSTREAM_KEY);
    await form.getByLabel('Priority').fill('100');
    await form.getByLabel('Models', { exact: true }).fill(MODEL);
    await form.getByLabel('Models', { exact: true }).press('Enter');
    await form.getByRole('button', { name: '+ Add a mapping' }).click();
    await form.getByLabel('Model asked for 1').fill(`${MODEL}-alias`);
    await form.getByLabel('Name sent upstream 1').fill(MODEL);
    await screenshot(owner, 'ch-01-channel-form');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'hidden' });
    const row = owner.getByTestId('channel-row').filter({ hasText: CHANNEL });
    await row.getByTestId('channel-state').filter({ hasText: 'healthy' }).waitFor();
    // Its model has no price yet: the gateway would refuse it, and the row says so.
    await row.getByTestId('channel-unpriced').filter({ hasText: MODEL }).waitFor();
    const channel = ((await admin.call('GET', '/channels')).body as Array<{ id: number; name: string; key: string; api_key_hint: string }>).find(
      (c) => c.name === CHANNEL,
    );
    assert.ok(channel, 'the API lists the new channel');
    created.channelKey = channel.key;
    assert.equal(channel.api_key_hint?.slice(-4), UPSTREAM_KEY.slice(-4), 'only the last four characters of the key come back');
    assert.match((await row.textContent()) ?? '', new RegExp(UPSTREAM_KEY.slice(-4)));
    assert.doesNotMatch(await owner.content(), new RegExp(UPSTREAM_KEY), 'the key itself is nowhere on the page');

    // Probing asks the upstream with the channel's key.
    await owner.getByRole('button', { name: `Probe now: ${CHANNEL}` }).click();
    await owner
      .getByTestId('probe-result')
      .filter({ hasText: /answered 200/ })
      .waitFor();
    await row.getByText(/^OK · 200/).waitFor();
    assert.ok((upstream.stats().byEndpoint['/v1/models'] ?? 0) >= 1, 'the probe reached the upstream');
    await screenshot(owner, 'ch-02-channels-probed');

    // Pointing the channel elsewhere asks for its key again: the stored key never follows a new address.
    await owner.getByRole('button', { name: `Edit: ${CHANNEL}` }).click();
    const edit = owner.getByRole('dialog');
    await edit.getByLabel('Base URL').fill(upstreamUrl.replace(/\/v1$/, '/v2'));
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.getByText('A new base URL or kind takes the key again').waitFor();
    await edit.getByRole('button', { name: 'Close' }).click();
    await edit.waitFor({ state: 'hidden' });
    assert.equal((await admin.call('GET', `/channels/${encodeURIComponent(channel.key)}`)).body.base_url, upstreamUrl, 'the channel did not move');

    // Its model gets a price.
    await operations(owner, 'Models', 'Models');
    await owner.getByRole('button', { name: 'Add model' }).click();
    const modelForm = owner.getByRole('dialog');
    await modelForm.getByLabel('Model name').fill(MODEL);
    await modelForm.getByLabel('Input price', { exact: true }).fill('2.5');
    await modelForm.getByLabel('Output price', { exact: true }).fill('10');
    await modelForm.getByRole('button', { name: 'Save' }).click();
    await modelForm.waitFor({ state: 'hidden' });
    created.model = true;
    const modelRow = owner.getByTestId('model-row').filter({ hasText: MODEL });
    await modelRow.waitFor();
    assert.match((await modelRow.textContent()) ?? '', /\$2\.50.*same as input.*\$10\.00/);

    // A plan of that model only, with credit limits per day and per 5 hours and two streams per key.
    await operations(owner, 'Packages', 'Packages');
    await owner.getByRole('button', { name: 'Create package' }).click();
    const packageForm = owner.getByRole('dialog');
    await packageForm.getByLabel('Name', { exact: true }).fill(PACKAGE);
    await packageForm.getByLabel('Price', { exact: true }).fill('5');
    await packageForm.getByLabel('Requests per day').fill('100');
    await packageForm.getByLabel('Credits per day ($)').fill('1');
    await packageForm.getByLabel('Credits per 5 hours ($)').fill('0.5');
    await packageForm.getByLabel('Concurrent streams').fill('2');
    await packageForm.getByLabel('Models', { exact: true }).fill(MODEL);
    await packageForm.getByLabel('Models', { exact: true }).press('Enter');
    await screenshot(owner, 'ch-03-package-form');
    await packageForm.getByRole('button', { name: 'Save' }).click();
    await packageForm.waitFor({ state: 'hidden' });
    const packageRow = owner.getByTestId('admin-package-row').filter({ hasText: PACKAGE });
    await packageRow.waitFor();
    const pkg = ((await admin.call('GET', '/packages')).body as Array<{ id: number; name: string }>).find((p) => p.name === PACKAGE);
    assert.ok(pkg);
    created.packageId = pkg.id;
    assert.match((await packageRow.textContent()) ?? '', new RegExp(`Models:\\s*${MODEL}`));
    await screenshot(owner, 'ch-04-packages');
    // Which packages on sale include the model: this one by name, or "All packages" when every one does.
    await operations(owner, 'Models', 'Models');
    await modelRow.getByText(new RegExp(`^(${PACKAGE}|All packages)$`)).waitFor();
    await screenshot(owner, 'ch-05-models');

    // A customer with that plan: the model is served by the new channel, other models are not in the plan.
    const customer = await signedUpPerson(stack);
    await admin.grant(customer.userId, pkg.id);
    const key = (await admin.issueKey(customer.userId)).key as string;
    const first = await ask(key);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.ok(first.here, 'the channel of the highest priority served the model');
    const other = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, { ...chat, model: 'gpt-4o-mini' });
    assert.equal(other.status, 403);
    assert.equal(other.body.error.code, 'model_not_allowed');

    // Disabled, the channel leaves routing on every replica: the stack's own channel (every model) takes the model.
    await operations(owner, 'Channels', 'Channels');
    await row.getByTestId('channel-unpriced').waitFor({ state: 'detached' });
    await owner.getByRole('button', { name: `Disable: ${CHANNEL}` }).click();
    await owner.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    await row.getByTestId('channel-enabled').filter({ hasText: 'disabled' }).waitFor();
    await waitFor('the disabled channel out of routing', async () => !(await ask(key)).here, 10_000, 200);
    for (let i = 0; i < 6; i += 1) {
      const answer = await ask(key);
      assert.equal(answer.status, 200, 'another channel answers');
      assert.equal(answer.here, false, 'no request reaches the disabled channel');
    }
    await screenshot(owner, 'ch-06-channel-disabled');

    // Enabled again, it is first in line again.
    await owner.getByRole('button', { name: `Enable: ${CHANNEL}` }).click();
    await row.getByTestId('channel-enabled').filter({ hasText: 'enabled' }).waitFor();
    await waitFor('the channel back in routing', async () => (await ask(key)).here, 10_000, 200);
    for (let i = 0; i < 4; i += 1) assert.ok((await ask(key)).here, 'the enabled channel serves its model');

    // The request search shows each request's cost and channel.
    await operations(owner, 'Usage', 'Cluster usage');
    // The usage log is written a moment after each answer: search again until the rows are there.
    const usageRows = owner.getByTestId('usage-request-row');
    const usageRow = usageRows.filter({ hasText: CHANNEL }).first();
    await waitFor(
      'the requests in the search',
      async () => {
        await owner.reload();
        await owner.getByLabel('Model', { exact: true }).fill(MODEL);
        await owner.waitForTimeout(1000); // the filter's debounce, then its answer
        const texts = await usageRows.allTextContents();
        return texts.length > 0 && texts.every((text) => text.includes(MODEL)) && texts.some((text) => text.includes(CHANNEL));
      },
      30_000,
      500,
    );
    assert.match((await usageRow.textContent()) ?? '', /\$0\.0\d+/);
    await screenshot(owner, 'ch-07-usage-requests');

    // The customer sees the plan's terms in words, and every window with its credits.
    const customerPage = await (await newConsoleContext(browser)).newPage();
    await signIn(customerPage, customer.email, customer.password);
    await customerPage.getByText('$1 of credit per day').waitFor();
    await customerPage.getByText('$0.50 of credit every 5 hours').waitFor();
    await customerPage.getByText('2 concurrent streams per key').waitFor();
    await customerPage.getByText(`Models: ${MODEL}`).waitFor();
    await customerPage.getByTestId('usage-window-five_hour').waitFor();
    assert.match((await customerPage.getByTestId('usage-window-day').textContent()) ?? '', /Credits\$0\.\d+ of \$1\.00/);
    await screenshot(customerPage, 'ch-08-customer-overview');
    await customerPage.goto('/usage');
    await customerPage.getByTestId('ledger-row').first().waitFor();
    assert.match((await customerPage.getByTestId('ledger-row').first().textContent()) ?? '', /\$0\.0\d+/);
    await screenshot(customerPage, 'ch-09-customer-ledger');
    await customerPage.context().close();

    // On a phone the channels table scrolls sideways inside its frame; the page itself does not.
    // In Chinese: the Operations pages' strings come in both languages.
    const phone = await browser.newContext({
      baseURL: stack.consoleUrl,
      locale: 'zh-CN',
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await phone.addCookies(await owner.context().cookies());
    const phonePage = await phone.newPage();
    await phonePage.goto('/admin/channels');
    await phonePage.getByTestId('channel-row').filter({ hasText: CHANNEL }).waitFor();
    await phonePage.getByRole('heading', { name: '上游渠道', level: 1 }).waitFor();
    const overflow = Number(await phonePage.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    assert.ok(overflow <= 1, `the page does not scroll sideways (${overflow} px too wide)`);
    await screenshot(phonePage, 'ch-10-phone-channels-zh');
    await phone.close();

    // Support reads the channels but gets no button to change them.
    const support = await signedUpPerson(stack);
    const appointed = await admin.call('POST', '/staff', { email: support.email, role: 'support' });
    assert.equal(appointed.status, 201, JSON.stringify(appointed.body));
    const supportPage = await (await newConsoleContext(browser)).newPage();
    await signIn(supportPage, support.email, support.password);
    // Every staff role turns on a second factor before the Operations pages answer it.
    await enrolTwoFactor(supportPage, support.password);
    await supportPage.goto('/admin/channels');
    await supportPage.getByTestId('channel-row').filter({ hasText: CHANNEL }).waitFor();
    assert.equal(await supportPage.getByRole('button', { name: 'Add channel' }).count(), 0);
    assert.equal(await supportPage.getByRole('button', { name: /Probe now|Disable|Delete|Edit/ }).count(), 0);
    await supportPage.context().close();

    // Cleaning up through the pages: the channel and the model go, the package is retired.
    await operations(owner, 'Channels', 'Channels');
    await owner.getByRole('button', { name: `Delete: ${CHANNEL}` }).click();
    await owner.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    created.channelKey = undefined;
    await operations(owner, 'Models', 'Models');
    await owner.getByRole('button', { name: `Delete: ${MODEL}` }).click();
    await owner.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await modelRow.waitFor({ state: 'detached' });
    created.model = false;
    await admin.call('POST', `/packages/${pkg.id}/retire`);
    created.packageId = undefined;
    // This journey's channel, by its id: other tests write channel rows too.
    const audit = await admin.call('GET', `/audit-log?target_type=channel&target_id=${channel.id}&limit=100`);
    const entries = audit.body.data as Array<{ action: string; target_id: string }>;
    assert.ok(
      entries.every((entry) => entry.target_id === String(channel.id)),
      JSON.stringify(entries),
    );
    const actions = entries.map((entry) => entry.action);
    for (const action of ['channel.create', 'channel.delete']) assert.ok(actions.includes(action), `the audit log has ${action} of channel ${channel.id}`);
    await owner.context().close();
  });
});
