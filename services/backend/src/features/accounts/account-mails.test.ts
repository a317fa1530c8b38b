import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { createConsoleClient, newEmail, signedUpPerson } from '@codex-gateway/stack/console-client';
import { adminApi, type CaughtMail, linkFrom, metricSum, readMail, testStack, waitFor } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const PASSWORD = 'correct horse battery';
const SAMPLES = 15;

async function anonymous() {
  const client = createConsoleClient(stack);
  await client.session();
  return client;
}

/** The mails the catcher holds for an address whose subject matches, newest first. */
async function mailsTo(email: string, subject: RegExp): Promise<CaughtMail[]> {
  const all = (await (await fetch(`${stack.mail!.apiUrl}/messages?to=${encodeURIComponent(email)}`)).json()) as CaughtMail[];
  return all.filter((m) => subject.test(m.subject));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The median time of `path` for addresses with an account and for unknown ones, asked in turns. */
async function medianTimes(path: string, known: string[], unknown: string[]) {
  const client = await anonymous();
  const timed = async (email: string) => {
    const started = performance.now();
    const res = await client.call('POST', path, { email });
    assert.equal(res.status, 202);
    return performance.now() - started;
  };
  for (const email of [newEmail(), newEmail()]) await timed(email);
  const times = { known: [] as number[], unknown: [] as number[] };
  for (let i = 0; i < known.length; i += 1) {
    // Alternate which goes first, so that neither side always follows the other's work.
    if (i % 2 === 0) {
      times.known.push(await timed(known[i]!));
      times.unknown.push(await timed(unknown[i]!));
    } else {
      times.unknown.push(await timed(unknown[i]!));
      times.known.push(await timed(known[i]!));
    }
  }
  return { known: median(times.known), unknown: median(times.unknown) };
}

/**
 * Within a small ratio of each other, with room for a machine busy with other work (the
 * mail itself, sent synchronously, made the difference twentyfold: 145 ms against 7).
 */
function assertAlike(t: TestContext, times: { known: number; unknown: number }) {
  const message = `median ${times.known.toFixed(1)} ms with an account, ${times.unknown.toFixed(1)} ms without`;
  t.diagnostic(message);
  assert.ok(times.known <= times.unknown * 2 + 5, message);
  assert.ok(times.unknown <= times.known * 2 + 5, message);
}

describe('nothing tells whether an address has an account', () => {
  test('sign-up answers a taken address exactly as a new one; the owner of the taken one is told by mail', async () => {
    const { email: taken } = await signedUpPerson(stack, PASSWORD);
    const client = await anonymous();
    const fresh = newEmail();
    const forNew = await client.call('POST', '/auth/sign-up', { email: fresh, password: PASSWORD });
    const forTaken = await client.call('POST', '/auth/sign-up', { email: taken.toUpperCase(), password: 'another passphrase', locale: 'zh' });
    assert.ok(forNew.status >= 200 && forNew.status < 300, forNew.text);
    assert.equal(forTaken.status, forNew.status);
    assert.deepEqual(forTaken.body, forNew.body);
    assert.equal(forTaken.headers.get('content-type'), forNew.headers.get('content-type'));

    assert.match(linkFrom(await readMail(fresh, { subject: /verify/i }), '/verify?token='), /token=/);
    const told = await readMail(taken, { subject: /sign-up/i });
    assert.match(told.text, new RegExp(`${stack.gatewayUrl}/forgot-password`), 'the way back in if it was them');
    assert.doesNotMatch(told.text, /token=/, 'no link that acts on the account');
    assert.equal((await client.signIn(taken, PASSWORD)).status, 200, 'the account and its password are untouched');
  });

  test('forgot-password takes as long for an unknown address as for one with an account, and the mail still arrives', async (t) => {
    const known = [];
    for (let i = 0; i < SAMPLES; i += 1) known.push((await admin.createUser()).email as string);
    const unknown = Array.from({ length: SAMPLES }, () => newEmail());
    assertAlike(t, await medianTimes('/auth/forgot-password', known, unknown));
    for (const email of known) assert.match(linkFrom(await readMail(email, { subject: /password/i }), '/reset-password?token='), /token=/);
    for (const email of unknown.slice(0, 3)) assert.deepEqual(await mailsTo(email, /./), []);
  });

  test('resend-verification takes as long for an unknown address as for an unverified account, and the mail still arrives', async (t) => {
    const client = await anonymous();
    const known = [];
    for (let i = 0; i < SAMPLES; i += 1) {
      const email = newEmail();
      assert.ok((await client.call('POST', '/auth/sign-up', { email, password: PASSWORD })).status < 300);
      await readMail(email, { subject: /verify/i });
      known.push(email);
    }
    const unknown = Array.from({ length: SAMPLES }, () => newEmail());
    assertAlike(t, await medianTimes('/auth/resend-verification', known, unknown));
    for (const email of known) await waitFor(`a second verification mail to ${email}`, async () => (await mailsTo(email, /verify/i)).length === 2, 10_000, 100);
  });
});

describe('the hourly mail cap', () => {
  test('a reset asked for past the cap sends nothing and changes nothing: the last mailed link still works', async () => {
    const { email } = await signedUpPerson(stack, PASSWORD);
    const client = await anonymous();
    // The verification mail was the first of five this hour: four resets fill the cap.
    for (let i = 1; i <= 4; i += 1) {
      assert.equal((await client.call('POST', '/auth/forgot-password', { email })).status, 202);
      await waitFor(`reset mail ${i}`, async () => (await mailsTo(email, /password/i)).length === i, 10_000, 100);
    }
    const last = new URL(linkFrom((await mailsTo(email, /password/i))[0]!, '/reset-password?token=')).searchParams.get('token');

    const capped = await metricSum('gateway_account_mails_total', { kind: 'reset', outcome: 'capped' });
    assert.equal((await client.call('POST', '/auth/forgot-password', { email })).status, 202);
    const handled = await waitFor(
      'the capped request handled',
      async () => (await metricSum('gateway_account_mails_total', { kind: 'reset', outcome: 'capped' })) > capped,
      10_000,
      100,
    ).then(
      () => true,
      () => false,
    );
    const reset = await client.call('POST', '/auth/reset-password', { token: last, password: 'a brand new passphrase' });
    assert.equal(reset.status, 200, reset.text);
    assert.ok(handled, 'the request past the cap was handled (gateway_account_mails_total{outcome="capped"}) before the link was tried');
    assert.equal((await mailsTo(email, /password/i)).length, 4, 'no fifth reset mail');
    assert.equal((await createConsoleClient(stack).signIn(email, 'a brand new passphrase')).status, 200);
  });
});
