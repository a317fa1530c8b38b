import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signedUpPerson } from '../../console-client.js';
import { type Browser, launchBrowser, newConsoleContext, screenshot } from '../../browser.js';
import { adminApi, postJson, testStack } from '../../testing.js';
import { signIn } from './sign-in.js';

const stack = testStack();
const admin = adminApi(stack);
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'One is all I get' }] };
let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

/** Text with Intl's narrow and no-break spaces as plain ones (ICU versions differ in which they use). */
const plain = (text: string | null) => (text ?? '').replace(/\s+/g, ' ');

/** The next midnight of the test stack's business day (UTC) as a viewer in Tokyo reads it, the zone named. */
function tokyoReset(locale: string): string {
  const midnight = new Date(`${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`);
  const options = { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' } as const;
  return plain(new Intl.DateTimeFormat(locale, { ...options, timeZone: 'Asia/Tokyo' }).format(midnight));
}

describe('the overview at a limit', () => {
  test('says which limit was reached, when it resets in the viewer’s own time with the zone named, and the way forward, in English and Chinese', async () => {
    const person = await signedUpPerson(stack, 'a long browser passphrase');
    const pkg = await admin.createPackage({ daily_request_limit: 1, duration_days: 30 });
    await admin.grant(person.userId, pkg.id);
    const { key } = await admin.issueKey(person.userId);
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 200);
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 429);

    // The viewer is in Tokyo; the gateway's business day is UTC's.
    const page = await (await newConsoleContext(browser, { timezoneId: 'Asia/Tokyo' })).newPage();
    await signIn(page, person.email, person.password);
    const alert = page.getByTestId('limit-reached');
    await alert.waitFor();
    const line = plain(await page.getByTestId('limit-reached-day-requests').textContent());
    assert.equal(line, `Daily request limit reached (1 of 1). It resets ${tokyoReset('en-US')}.`);
    assert.match(line, /9:00 AM GMT\+9/);
    assert.match(
      plain(await page.getByTestId('limit-reached-way-forward').textContent()),
      /^Wait until then, or buy a package with higher limits: it starts when the current one ends \(.+ GMT\+9\)\.$/,
    );
    assert.match(plain(await page.getByTestId('plan-ends-at').textContent()), /^Ends .+ GMT\+9$/);
    assert.equal(
      plain(await page.getByTestId('usage-window-day-resets').textContent()),
      `Resets ${tokyoReset('en-US')} (midnight in UTC)`,
      "the day's meter names the same reset",
    );
    await screenshot(page, 'limit-reached-en');
    await alert.getByRole('link', { name: 'Buy a package' }).click();
    await page.waitForURL(/\/buy$/);
    await page.goto('/');
    await page.getByLabel('Language').first().selectOption({ label: '中文' });
    await page.getByRole('heading', { name: '概览', level: 1 }).waitFor();
    assert.equal(
      plain(await page.getByTestId('limit-reached-day-requests').textContent()),
      `每日请求数限额已用完（1 / 1），将于 ${tokyoReset('zh-CN')} 重置。`,
    );
    await screenshot(page, 'limit-reached-zh');
    await page.context().close();
  });
});
