import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signedUpPerson, staffWithTotp } from '../../console-client.js';
import { type Browser, launchBrowser, newConsoleContext, type Page, screenshot } from '../../browser.js';
import { testStack } from '../../testing.js';
import { signIn } from './sign-in.js';

const stack = testStack();
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

/** An operation's accordion control: its method, its path (said to screen readers) and summary. */
const operation = (page: Page, method: string, path: string) =>
  page.getByRole('button', { name: new RegExp(`^${method} ${path.replace(/[/{}.]/g, '\\$&')} `) });

/** A string runs in the page (the tests are compiled without the DOM's types). */
const sidewaysOverflow = async (page: Page) => Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));

describe('the API reference in the console', () => {
  test('a customer opens it from Quick start, reads who may call POST /v1/chat/completions and its body, and filters for the key routes', async () => {
    const { email, password } = await signedUpPerson(stack);
    const page = await (await newConsoleContext(browser)).newPage();
    await signIn(page, email, password);
    await page.goto('/quick-start');
    await page.getByRole('main').getByRole('link', { name: 'API reference' }).click();
    await page.getByRole('heading', { name: 'API reference', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Customer API', level: 2 }).waitFor();
    await page.getByRole('heading', { name: 'Console API', level: 2 }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Admin API' }).count(), 0, 'a customer is not shown the admin API');
    assert.equal(await page.getByRole('heading', { name: '/api/admin/users', exact: true }).count(), 0);
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'API reference' }).getAttribute('aria-current'), 'page');

    await operation(page, 'POST', '/v1/chat/completions').click();
    const chat = page.getByRole('region', { name: /^POST \/v1\/chat\/completions / });
    await chat.getByText('Who may call it').waitFor();
    await chat.getByText('API key', { exact: true }).waitFor();
    await chat.getByText('api_key', { exact: true }).waitFor();
    await chat.getByText(/Authorization: Bearer sk-/).waitFor();
    for (const field of ['model', 'messages', 'stream', 'max_tokens']) await chat.getByText(field, { exact: true }).waitFor();
    // model and messages are required, and model says how long it may be.
    assert.equal(await chat.getByText('required', { exact: true }).count(), 2);
    await chat.getByText(/at most 256 characters/).waitFor();
    await chat.getByRole('button', { name: 'Show the JSON Schema' }).click();
    await chat.getByText('"required": [').waitFor();
    // A full-page shot draws the fixed header where the page is scrolled to.
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'api-reference-01-chat-completions');

    await page.getByLabel('Filter by path or summary').fill('keys');
    await page.getByRole('heading', { name: '/api/console/keys', exact: true }).waitFor();
    await page.getByRole('heading', { name: '/api/console/keys/{id}', exact: true }).waitFor();
    assert.equal(await page.getByRole('heading', { name: '/v1/chat/completions' }).count(), 0, 'the filter hides what does not match');
    assert.match(page.url(), /[?&]q=keys(&|$)/, 'the filter is kept in the address');
    await operation(page, 'POST', '/api/console/keys').click();
    const create = page.getByRole('region', { name: /^POST \/api\/console\/keys / });
    await create.getByText('Signed in', { exact: true }).waitFor();
    await create.getByText('name', { exact: true }).waitFor();
    await create.getByText('expires_at', { exact: true }).waitFor();
    await create.getByText(/a date and time \(ISO 8601\)/).waitFor();
    await screenshot(page, 'api-reference-02-filtered-keys');

    await page.getByLabel('Filter by path or summary').fill('no such route anywhere');
    await page.getByText('No operation matches “no such route anywhere”.').waitFor();
    await page.getByRole('button', { name: 'Clear the filter' }).click();
    await operation(page, 'POST', '/v1/chat/completions').waitFor();

    // A link to one operation opens it; a hash that is no operation (not even percent-encoding) opens none.
    await page.goto('about:blank');
    await page.goto('/api-reference#postV1ChatCompletions');
    await page
      .getByRole('region', { name: /^POST \/v1\/chat\/completions / })
      .getByText('messages', { exact: true })
      .waitFor();
    await page.goto('about:blank');
    await page.goto('/api-reference#%E0%A4%A');
    await page.getByRole('heading', { name: 'Customer API', level: 2 }).waitFor();
    assert.equal(await page.getByRole('region', { name: /^(GET|POST|PUT|PATCH|DELETE) \// }).count(), 0, 'no operation is open');

    const download = await page.getByRole('link', { name: 'Download openapi.json' }).getAttribute('href');
    const res = await fetch(new URL(download ?? '', stack.consoleUrl));
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { openapi: string }).openapi, '3.1.0');
    await page.context().close();
  });

  test('on a phone, in Chinese, the page fits the screen', async () => {
    const { email, password } = await signedUpPerson(stack);
    const context = await newConsoleContext(browser, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '概览', level: 1 }).waitFor();
    await page.goto('/api-reference?q=completions');
    await page.getByRole('heading', { name: 'API 参考', level: 1 }).waitFor();
    await page.getByLabel('按路径或摘要筛选').waitFor();
    await operation(page, 'POST', '/v1/chat/completions').click();
    const chat = page.getByRole('region', { name: /^POST \/v1\/chat\/completions / });
    await chat.getByText('谁可以调用').waitFor();
    await chat.getByText('API 密钥', { exact: true }).waitFor();
    await chat.getByText('messages', { exact: true }).waitFor();
    await page.waitForTimeout(300); // the panel's opening transition, for the screenshot
    await screenshot(page, 'api-reference-03-phone-zh');
    const overflow = await sidewaysOverflow(page);
    assert.ok(overflow <= 1, `the page does not scroll sideways (${overflow} px too wide)`);
    await context.close();
  });

  test('staff also see the admin API, with who may call each route and what their own role may not', async () => {
    const support = await staffWithTotp(stack, 'support');
    const page = await (await newConsoleContext(browser)).newPage();
    await signIn(page, support.email, support.password, support.secret);
    await page.goto('/api-reference?q=staff');
    await page.getByRole('heading', { name: 'Admin API', level: 2 }).waitFor();
    await operation(page, 'PATCH', '/api/admin/staff/{id}').click();
    const patch = page.getByRole('region', { name: /^PATCH \/api\/admin\/staff\/\{id\} / });
    await patch.getByText('Staff: owner', { exact: true }).waitFor();
    await patch.getByText('Staff whose role holds staff.manage (owner), or the admin token.').waitFor();
    await patch.getByText('staff.manage', { exact: true }).waitFor();
    await patch.getByText('id', { exact: true }).waitFor();
    await patch.getByText('role', { exact: true }).waitFor();
    for (const role of ['owner', 'admin', 'support']) await patch.getByText(`"${role}"`, { exact: true }).waitFor();
    await page.getByRole('button', { name: /^PATCH \/api\/admin\/staff\/\{id\} .*Not for your role/ }).waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'api-reference-04-staff');

    // A body with several shapes (by batch or by code), and one with a map of names (a channel's model map).
    await page.getByLabel('Filter by path or summary').fill('void');
    await operation(page, 'POST', '/api/admin/redemption-codes/void').click();
    const voidCodes = page.getByRole('region', { name: /^POST \/api\/admin\/redemption-codes\/void / });
    await voidCodes.getByText('one of these shapes:').waitFor();
    await voidCodes.getByText('batch_name', { exact: true }).waitFor();
    await voidCodes.getByText('codes', { exact: true }).waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'api-reference-05-staff-void-codes');
    await page.getByLabel('Filter by path or summary').fill('post /api/admin/channels');
    await operation(page, 'POST', '/api/admin/channels').click();
    const channel = page.getByRole('region', { name: /^POST \/api\/admin\/channels / });
    await channel.getByText('any other field').first().waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'api-reference-06-staff-channel');
    await page.context().close();
  });
});
