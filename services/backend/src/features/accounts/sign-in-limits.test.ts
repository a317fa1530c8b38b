import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { type ConsoleAnswer, createConsoleClient, newEmail, signedUpPerson } from '@codex-gateway/stack/console-client';
import { createOwner, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const PASSWORD = 'correct horse battery';
const PER_ACCOUNT = 5;
const BURST = 50;
/** Client addresses of their own (nginx appends the real one; the backends trust loopback proxies), so these bursts block no other test. */
let addresses = 0;
const address = () => ({ 'x-forwarded-for': `198.51.100.${++addresses}` });

const codeOf = (secret: string, steps = 0) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + steps * 30_000 });

function tally(answers: ConsoleAnswer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const key = `${a.status} ${a.body?.error?.code ?? ''}`.trim();
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('sign-in limits hold against a burst', () => {
  test(`${BURST} concurrent wrong passwords for one account: no more than ${PER_ACCOUNT} are checked, the rest get 429, and then the right one does too`, async () => {
    const { email } = await signedUpPerson(stack, PASSWORD);
    const client = createConsoleClient(stack);
    await client.session();
    const answers = await Promise.all(Array.from({ length: BURST }, (_, i) => client.signIn(email, `wrong guess ${i}`, address())));
    const counts = tally(answers);
    const checked = counts['401 invalid_credentials'] ?? 0;
    assert.ok(checked <= PER_ACCOUNT, `${checked} guesses were checked: ${JSON.stringify(counts)}`);
    assert.equal(checked + (counts['429 too_many_sign_in_attempts'] ?? 0), BURST, JSON.stringify(counts));
    const right = await client.signIn(email, PASSWORD, address());
    assert.equal(right.status, 429, 'guessing learns nothing: the right password is refused too');
  });

  test(`${BURST} concurrent wrong authentication codes with the right password: no more than ${PER_ACCOUNT} are checked`, async () => {
    const email = newEmail();
    const token = new URL(await createOwner(email)).searchParams.get('token');
    const owner = createConsoleClient(stack);
    await owner.session();
    assert.equal((await owner.call('POST', '/auth/reset-password', { token, password: PASSWORD })).status, 200);
    assert.equal((await owner.signIn(email, PASSWORD)).status, 200);
    // Enrolment asks for the current password; enabling answers the recovery codes.
    const setup = await owner.call('POST', '/me/totp/setup', { password: PASSWORD });
    assert.equal(setup.status, 200, setup.text);
    assert.equal((await owner.call('POST', '/me/totp/enable', { code: codeOf(setup.body.secret) })).status, 200);

    const right = new Set([-1, 0, 1].map((s) => codeOf(setup.body.secret, s)));
    const wrong = Array.from({ length: 1000 }, (_, i) => String(100_000 + i * 7)).filter((c) => !right.has(c));
    const client = createConsoleClient(stack);
    await client.session();
    const answers = await Promise.all(Array.from({ length: BURST }, (_, i) => client.signIn(email, PASSWORD, address(), wrong[i])));
    const counts = tally(answers);
    const checked = counts['401 invalid_totp'] ?? 0;
    assert.ok(checked <= PER_ACCOUNT, `${checked} codes were checked: ${JSON.stringify(counts)}`);
    assert.equal(checked + (counts['429 too_many_sign_in_attempts'] ?? 0), BURST, JSON.stringify(counts));
    const withRightCode = await client.signIn(email, PASSWORD, address(), codeOf(setup.body.secret, 1));
    assert.equal(withRightCode.status, 429, 'a right code past the limit is refused too');
  });

  test('right answers count against neither the person nor the address: 25 sign-ins in a row from one address all work', async () => {
    const { email } = await signedUpPerson(stack, PASSWORD);
    const headers = address();
    for (let i = 0; i < 25; i += 1) {
      const res = await createConsoleClient(stack).signIn(email, PASSWORD, headers);
      assert.equal(res.status, 200, `sign-in ${i + 1}`);
    }
    for (let i = 0; i < PER_ACCOUNT - 1; i += 1) assert.equal((await createConsoleClient(stack).signIn(email, 'wrong', headers)).status, 401);
    assert.equal((await createConsoleClient(stack).signIn(email, PASSWORD, headers)).status, 200, 'a success clears the count');
    for (let i = 0; i < PER_ACCOUNT - 1; i += 1) assert.equal((await createConsoleClient(stack).signIn(email, 'wrong', headers)).status, 401);
  });
});
