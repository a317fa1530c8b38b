import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { type ConsoleClient, createConsoleClient, newEmail, signedUpPerson } from '@codex-gateway/stack/console-client';
import { adminApi, type CaughtMail, getWithKey, linkFrom, postJson, readMail, testStack, waitFor } from '@codex-gateway/stack/testing';
import { deliverStripe, paidCheckoutEvent } from '../payments/test-support.js';

const stack = testStack();
const admin = adminApi(stack);
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'counting' }] };
/** Longer than the stack's notice scan interval (1 s) several times over, and than a queued mail takes. */
const SETTLE_MS = 3000;

/** Every mail the catcher holds for an address whose subject matches. */
async function mailsTo(email: string, subject: RegExp): Promise<CaughtMail[]> {
  const all = (await (await fetch(`${stack.mail!.apiUrl}/messages?to=${encodeURIComponent(email)}`)).json()) as CaughtMail[];
  return all.filter((m) => subject.test(m.subject));
}

/** A customer made by staff (no console password): address, id and a key; a package of these terms when given. */
async function customer(terms?: Parameters<typeof admin.createPackage>[0]) {
  const user = await admin.createUser();
  const key = await admin.issueKey(user.id);
  const pkg = terms && (await admin.createPackage(terms));
  if (pkg) await admin.grant(user.id, pkg.id);
  return { userId: user.id as number, email: user.email as string, key: key.key as string, pkg };
}

/** A person signed up in the console in this language, with an API key. */
async function personIn(locale: 'en' | 'zh') {
  const email = newEmail();
  const client = createConsoleClient(stack);
  await client.session();
  assert.equal((await client.call('POST', '/auth/sign-up', { email, password: 'correct horse battery', locale })).status, 202);
  const token = new URL(linkFrom(await readMail(email, { subject: /verify|验证/i }), '/verify?token=')).searchParams.get('token');
  assert.equal((await client.call('POST', '/auth/verify-email', { token })).status, 200);
  const signIn = await client.signIn(email, 'correct horse battery');
  assert.equal(signIn.status, 200);
  const userId = signIn.body.user.id as number;
  const key = (await admin.issueKey(userId)).key as string;
  return { email, client, userId, key };
}

/** Orders the package with Stripe and delivers its webhook `times` times at once, to nginx and to each backend. */
async function buyAndPay(key: string, packageId: number, amountCents: number, times: number): Promise<string> {
  const created = await postJson(`${stack.gatewayUrl}/v1/orders`, key, { package_id: packageId, provider: 'stripe' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const orderNo = created.body.order_no as string;
  const event = paidCheckoutEvent(orderNo, amountCents, {
    secret: stack.payments.stripeWebhookSecret,
    id: `evt_notice_${orderNo}`,
    sessionId: `cs_notice_${orderNo}`,
  });
  const targets = [stack.gatewayUrl, ...stack.backends.map((b) => b.url)];
  const answers = await Promise.all(Array.from({ length: times }, (_, i) => deliverStripe(targets[i % targets.length]!, event)));
  assert.deepEqual(
    answers.map((a) => a.status),
    Array(times).fill(200),
  );
  const status = JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/orders/${orderNo}`, key)).body).status;
  assert.equal(status, 'fulfilled');
  return orderNo;
}

async function periodsOf(userId: number): Promise<Array<{ start_date: string; end_date: string }>> {
  return (await admin.call('GET', `/users/${userId}/packages`)).body;
}

const setNotices = (client: ConsoleClient, change: Record<string, boolean | string>) => client.call('PATCH', '/me/notifications', change);

describe('receipts', () => {
  test('a payment mails one receipt with the order, package, amount and period, however often its webhook arrives', async () => {
    const { userId, email, key } = await customer();
    const pkg = await admin.createPackage({ daily_request_limit: 100, price_cents: 1999, duration_days: 30 });
    const orderNo = await buyAndPay(key, pkg.id, 1999, 6);

    const receipt = await readMail(email, { subject: /receipt/i });
    const [period] = await periodsOf(userId);
    assert.match(receipt.subject, new RegExp(orderNo));
    for (const fact of [orderNo, pkg.name, '$19.99', `${period!.start_date} to ${period!.end_date}`])
      assert.ok(receipt.text.includes(fact), `${fact} in:\n${receipt.text}`);
    assert.ok(receipt.text.includes(`${stack.gatewayUrl}/orders`), 'a link to the orders page');

    await sleep(SETTLE_MS);
    assert.equal((await mailsTo(email, /receipt/i)).length, 1, 'one receipt for six deliveries of the webhook');
  });

  test('a customer who chose Chinese, at sign-up or later in the console, gets the receipt in Chinese', async () => {
    const atSignUp = await personIn('zh');
    const later = await personIn('en');
    const switched = await setNotices(later.client, { locale: 'zh' });
    assert.equal(switched.status, 200);
    assert.equal(switched.body.locale, 'zh');
    for (const { email, key } of [atSignUp, later]) {
      const pkg = await admin.createPackage({ daily_request_limit: 100, price_cents: 500 });
      const orderNo = await buyAndPay(key, pkg.id, 500, 1);
      const receipt = await readMail(email, { subject: /收据/ });
      assert.ok(receipt.subject.includes(orderNo));
      for (const fact of ['订单号', pkg.name, '5.00', '有效期']) assert.ok(receipt.text.includes(fact), `${fact} in:\n${receipt.text}`);
    }
  });

  test('with receipts turned off in Account, a payment sends none', async () => {
    const { email, client, key } = await personIn('en');
    const before = await client.call('GET', '/me/notifications');
    assert.deepEqual(before.body, { receipts: true, limit_warnings: true, package_ending: true, locale: 'en' }, 'every mail is on until turned off');
    const off = await setNotices(client, { receipts: false });
    assert.equal(off.status, 200);
    assert.deepEqual(off.body, { receipts: false, limit_warnings: true, package_ending: true, locale: 'en' });
    assert.deepEqual((await client.call('GET', '/me/notifications')).body, off.body);
    assert.equal((await setNotices(client, { receipts: 'no' })).status, 400, 'a switch is true or false');

    const pkg = await admin.createPackage({ daily_request_limit: 100, price_cents: 700 });
    await buyAndPay(key, pkg.id, 700, 1);
    await sleep(SETTLE_MS);
    assert.deepEqual(await mailsTo(email, /receipt/i), []);
  });
});

describe('limit warnings', () => {
  test('a weekly request limit warns once at 80 % and once at 100 %, saying when it resets', async () => {
    const { email, key } = await customer({ weekly_request_limit: 5 });
    for (let i = 0; i < 3; i += 1) assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 200);
    await sleep(SETTLE_MS);
    assert.deepEqual(await mailsTo(email, /limit/i), [], 'nothing at 60 %');

    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 200);
    const at80 = await readMail(email, { subject: /80%/ });
    assert.match(at80.subject, /weekly request limit/);
    assert.ok(at80.text.includes('4 of 5 requests'), at80.text);
    assert.match(at80.text, /resets at \d{4}-\d\d-\d\d \d\d:\d\d \S+/);
    assert.ok(at80.text.includes(`${stack.gatewayUrl}/buy`), 'the way forward');

    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 200);
    const at100 = await readMail(email, { subject: /reached/ });
    assert.ok(at100.text.includes('5 of 5 requests'), at100.text);
    for (let i = 0; i < 3; i += 1) assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 429);

    await sleep(SETTLE_MS);
    assert.equal((await mailsTo(email, /80%/)).length, 1, 'one 80 % warning');
    assert.equal((await mailsTo(email, /reached/)).length, 1, 'one 100 % warning, however many requests were refused');
  });

  test('a credit limit that refuses the next request counts as reached, though less than all of it was spent', async () => {
    // $0.0003: more than a short answer costs, less than what a request reserves before it is answered.
    const { email, key } = await customer({ weekly_credit_limit: 0.0003 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status);
    assert.equal(statuses.at(-1), 429, statuses.join(' '));
    const reached = await readMail(email, { subject: /reached your Codex Gateway weekly credit limit/ });
    assert.match(reached.text, /requests are refused until it resets/);
    await sleep(SETTLE_MS);
    assert.equal((await mailsTo(email, /limit/i)).length, 1, 'one warning');
  });

  test('with warnings turned off, reaching a limit sends nothing', async () => {
    const { email, client, key, userId } = await personIn('en');
    assert.equal((await setNotices(client, { limit_warnings: false })).status, 200);
    const pkg = await admin.createPackage({ weekly_request_limit: 2 });
    await admin.grant(userId, pkg.id);
    for (const expected of [200, 200, 429]) assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, expected);
    await sleep(SETTLE_MS);
    assert.deepEqual(await mailsTo(email, /limit/i), []);
  });
});

describe('the reminder before a package ends', () => {
  test('three days before the last day: one reminder; none when a package is queued after it, or when turned off', async () => {
    const ending = await customer({ duration_days: 3 });
    const followed = await customer({ duration_days: 3 });
    await admin.grant(followed.userId, (await admin.createPackage({ duration_days: 30 })).id);
    const later = await customer({ duration_days: 30 });
    const off = await personIn('en');
    assert.equal((await setNotices(off.client, { package_ending: false })).status, 200);
    await admin.grant(off.userId, (await admin.createPackage({ duration_days: 2 })).id);

    const [period] = await periodsOf(ending.userId);
    const reminder = await readMail(ending.email, { subject: /ends on/ });
    assert.ok(reminder.subject.includes(period!.end_date), reminder.subject);
    assert.ok(reminder.text.includes(ending.pkg!.name), reminder.text);
    assert.ok(reminder.text.includes(`${stack.gatewayUrl}/buy`));

    await sleep(SETTLE_MS);
    assert.equal((await mailsTo(ending.email, /ends on/)).length, 1, 'once, though the scan runs every second');
    for (const quiet of [followed, later, off]) assert.deepEqual(await mailsTo(quiet.email, /ends on/), [], quiet.email);
  });
});

describe('the Account switches', () => {
  test('only a signed-in person reads or changes their own', async () => {
    const anonymous = createConsoleClient(stack);
    await anonymous.session();
    assert.equal((await anonymous.call('GET', '/me/notifications')).status, 401);
    assert.equal((await anonymous.call('PATCH', '/me/notifications', { receipts: false })).status, 401);
    const { client } = await signedUpPerson(stack);
    const res = await setNotices(client, { package_ending: false, limit_warnings: false });
    assert.deepEqual(res.body, { receipts: true, limit_warnings: false, package_ending: false, locale: 'en' });
    await waitFor('the change read back', async () => (await client.call('GET', '/me/notifications')).body.package_ending === false, 2000, 50);
  });
});
