import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createConsoleClient, newEmail, signedUpPerson } from '@codex-gateway/stack/console-client';
import { adminApi, linkFrom, readMail, startExtraBackend, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const PASSWORD = 'correct horse battery';
/** A client address of its own (nginx appends the real one; the backends trust loopback proxies), so failures here block no other test. */
let addresses = 0;
const address = () => ({ 'x-forwarded-for': `203.0.113.${++addresses}` });
const person = () => signedUpPerson(stack, PASSWORD);

const sessionCookie = (setCookies: string[]) => setCookies.find((c) => c.startsWith('cg_session='));

describe('signing up, verifying and signing in', () => {
  test('a person signs up, verifies the address by the mailed link, and signs in to a session', async () => {
    const email = newEmail();
    const client = createConsoleClient(stack);
    const session = await client.session();
    assert.equal(session.user, null);
    assert.equal(session.signup_mode, 'open');
    assert.equal(session.api_base_url, `${stack.gatewayUrl}/v1`);

    const signUp = await client.call('POST', '/auth/sign-up', { email: email.toUpperCase(), password: PASSWORD, locale: 'zh' });
    assert.equal(signUp.status, 202);
    assert.deepEqual(signUp.body, {}, 'nothing about the account: a taken address gets the same answer');

    const early = await client.signIn(email, PASSWORD);
    assert.equal(early.status, 403);
    assert.equal(early.body.error.code, 'email_not_verified');

    const mail = await readMail(email, { subject: /验证/ });
    const link = linkFrom(mail, '/verify?token=');
    const token = new URL(link).searchParams.get('token');
    const verified = await client.call('POST', '/auth/verify-email', { token });
    assert.equal(verified.status, 200);
    assert.equal(verified.body.user.email, email, 'addresses are kept in lower case');
    assert.equal(verified.body.user.email_verified, true);
    assert.equal(JSON.stringify(verified.body).includes('password'), false, 'no password hash in the answer');
    const again = await client.call('POST', '/auth/verify-email', { token });
    assert.equal(again.status, 400, 'a link works once');
    assert.equal(again.body.error.code, 'invalid_or_expired_link');

    const signIn = await client.signIn(email, PASSWORD);
    assert.equal(signIn.status, 200);
    const cookie = sessionCookie(signIn.headers.getSetCookie());
    assert.ok(cookie, 'a session cookie');
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.match(cookie, /Path=\//i);
    assert.doesNotMatch(cookie, /Secure/i, 'not Secure over plain HTTP');
    const me = await client.call('GET', '/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.email, email);
    assert.equal(me.body.locale, 'zh');
  });

  test('the same address cannot sign up twice, in any case; bad input is a 400 in the error shape', async () => {
    const { email } = await person();
    const client = createConsoleClient(stack);
    await client.session();
    const taken = await client.call('POST', '/auth/sign-up', { email: email.replace('person', 'PERSON'), password: 'another passphrase' });
    assert.equal(taken.status, 202, 'answered as a new address would be');
    assert.equal((await client.signIn(email, 'another passphrase', address())).status, 401, 'the account keeps its password');
    const short = await client.call('POST', '/auth/sign-up', { email: newEmail(), password: 'short' });
    assert.equal(short.status, 400);
    assert.match(short.body.error.message, /password/);
    const notEmail = await client.call('POST', '/auth/sign-up', { email: 'nobody', password: PASSWORD });
    assert.equal(notEmail.status, 400);
  });

  test('a wrong password and an unknown address get the same 401', async () => {
    const { email } = await person();
    const client = createConsoleClient(stack);
    const headers = address();
    const wrong = await client.signIn(email, 'not the password', headers);
    const unknown = await client.signIn(newEmail(), 'not the password', headers);
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual({ ...wrong.body.error, request_id: null }, { ...unknown.body.error, request_id: null });
  });

  test('each sign-in gets a new session id, and the one before it stops working', async () => {
    const { email, client } = await person();
    const first = client.jar.get('cg_session');
    const signIn = await client.signIn(email, PASSWORD);
    assert.equal(signIn.status, 200);
    const second = client.jar.get('cg_session');
    assert.notEqual(first, second);
    const stale = createConsoleClient(stack);
    stale.jar.set('cg_session', first!);
    assert.equal((await stale.call('GET', '/me')).status, 401);
    assert.equal((await client.call('GET', '/me')).status, 200);
  });
});

describe('sessions across the cluster', () => {
  test('a session works on every replica, and sign-out ends it on every replica at once', async () => {
    const { client } = await person();
    for (const b of stack.backends) assert.equal((await client.call('GET', '/me', undefined, { base: b.url })).status, 200);
    const cookie = client.jar.get('cg_session')!;
    const out = await client.call('POST', '/auth/sign-out', {});
    assert.equal(out.status, 204);
    const replay = createConsoleClient(stack);
    replay.jar.set('cg_session', cookie);
    for (const b of stack.backends) {
      const me = await replay.call('GET', '/me', undefined, { base: b.url });
      assert.equal(me.status, 401);
      assert.equal(me.body.error.code, 'not_signed_in');
    }
  });

  test('"sign out everywhere" ends the sessions of other browsers too', async () => {
    const { email, client: laptop } = await person();
    const phone = createConsoleClient(stack);
    assert.equal((await phone.signIn(email, PASSWORD)).status, 200);
    assert.equal((await laptop.call('POST', '/auth/sign-out', { everywhere: true })).status, 204);
    assert.equal((await phone.call('GET', '/me')).status, 401);
  });

  test('suspending a person ends their sessions; they cannot sign in until resumed', async () => {
    const { email, client } = await person();
    const me = await client.call('GET', '/me');
    assert.equal((await admin.call('POST', `/users/${me.body.id}/suspend`)).status, 200);
    assert.equal((await client.call('GET', '/me')).status, 401);
    const refused = await createConsoleClient(stack).signIn(email, PASSWORD);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'account_suspended');
    await admin.call('POST', `/users/${me.body.id}/resume`);
    assert.equal((await createConsoleClient(stack).signIn(email, PASSWORD)).status, 200);
  });
});

describe('CSRF', () => {
  test('a state-changing call without the CSRF token, or with another one, is refused', async () => {
    const { client } = await person();
    const none = await client.call('POST', '/keys', { name: 'x' }, { csrf: null });
    assert.equal(none.status, 403);
    assert.equal(none.body.error.code, 'csrf_failed');
    const forged = await client.call('POST', '/keys', { name: 'x' }, { csrf: 'A'.repeat(43) });
    assert.equal(forged.status, 403);
    assert.equal((await client.call('POST', '/auth/sign-out', {}, { csrf: null })).status, 403, 'sign-out too');
    assert.equal((await client.call('GET', '/keys')).status, 200, 'reads need no token');
    assert.equal((await client.call('POST', '/keys', { name: 'x' })).status, 201, 'with the session token it works');
  });

  test('before sign-in the token is bound to a cookie: a sign-in without it is refused', async () => {
    const { email } = await person();
    const client = createConsoleClient(stack);
    const blind = await client.call('POST', '/auth/sign-in', { email, password: PASSWORD });
    assert.equal(blind.status, 403);
    assert.equal(blind.body.error.code, 'csrf_failed');
    const session = await client.session();
    const other = createConsoleClient(stack);
    await other.session();
    const borrowed = await other.call('POST', '/auth/sign-in', { email, password: PASSWORD }, { csrf: session.csrf_token });
    assert.equal(borrowed.status, 403, "another browser's token does not match this browser's cookie");
    assert.equal((await client.signIn(email, PASSWORD)).status, 200);
  });
});

describe('slowing down password guessing', () => {
  test('after 5 wrong passwords an account refuses sign-in for a while, even with the right one, from any address', async () => {
    const { email } = await person();
    const client = createConsoleClient(stack);
    const headers = address();
    for (let i = 0; i < 5; i += 1) assert.equal((await client.signIn(email, `wrong ${i}`, headers)).status, 401);
    const blocked = await client.signIn(email, PASSWORD, address());
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.error.code, 'too_many_sign_in_attempts');
    assert.ok(Number(blocked.headers.get('retry-after')) > 60);
    // The count is shared by the cluster: every replica refuses.
    for (const b of stack.backends) {
      const direct = await client.call('POST', '/auth/sign-in', { email, password: PASSWORD }, { base: b.url, headers: address() });
      assert.equal(direct.status, 429);
    }
  });

  test('one address guessing across many accounts is refused after 20 failures', async () => {
    const client = createConsoleClient(stack);
    const headers = address();
    const statuses = [];
    for (let i = 0; i < 21; i += 1) statuses.push((await client.signIn(newEmail(), 'guess', headers)).status);
    assert.deepEqual(statuses.slice(0, 20), Array(20).fill(401));
    assert.equal(statuses[20], 429);
  });
});

describe('forgotten passwords', () => {
  test('a reset link sets a new password once, ends every session, and the old password stops working', async () => {
    const { email, client } = await person();
    const anonymous = createConsoleClient(stack);
    await anonymous.session();
    assert.equal((await anonymous.call('POST', '/auth/forgot-password', { email })).status, 202);
    const mail = await readMail(email, { subject: /password/i });
    const token = new URL(linkFrom(mail, '/reset-password?token=')).searchParams.get('token');
    const reset = await anonymous.call('POST', '/auth/reset-password', { token, password: 'a brand new passphrase' });
    assert.equal(reset.status, 200);
    assert.equal((await anonymous.call('POST', '/auth/reset-password', { token, password: 'yet another passphrase' })).status, 400, 'once');
    assert.equal((await client.call('GET', '/me')).status, 401, 'sessions ended');
    assert.equal((await createConsoleClient(stack).signIn(email, PASSWORD, address())).status, 401);
    assert.equal((await createConsoleClient(stack).signIn(email, 'a brand new passphrase')).status, 200);
  });

  test('asking for an unknown address answers the same and sends nothing', async () => {
    const client = createConsoleClient(stack);
    await client.session();
    const email = newEmail();
    const res = await client.call('POST', '/auth/forgot-password', { email });
    assert.equal(res.status, 202);
    await assert.rejects(readMail(email, { timeoutMs: 1500 }));
  });

  test('a user created by the admin API sets a password through a reset link and signs in', async () => {
    const email = newEmail();
    await admin.createUser(email);
    const client = createConsoleClient(stack);
    await client.session();
    assert.equal((await client.signIn(email, PASSWORD, address())).status, 401, 'no password yet');
    await client.call('POST', '/auth/forgot-password', { email });
    const token = new URL(linkFrom(await readMail(email), '/reset-password?token=')).searchParams.get('token');
    assert.equal((await client.call('POST', '/auth/reset-password', { token, password: PASSWORD })).status, 200);
    assert.equal((await client.signIn(email, PASSWORD)).status, 200, 'verified by the link it followed');
  });
});

describe('sign-up modes', () => {
  test('invite-only sign-up takes a valid code once; closed sign-up takes none', async () => {
    const [invite, closed] = await Promise.all([
      startExtraBackend('backend-invite-mode', { SIGNUP_MODE: 'invite', SMTP_URL: stack.mail!.smtpUrl }),
      startExtraBackend('backend-closed-mode', { SIGNUP_MODE: 'closed' }),
    ]);
    try {
      const client = createConsoleClient({ gatewayUrl: invite.url });
      assert.equal((await client.session()).signup_mode, 'invite');
      const without = await client.call('POST', '/auth/sign-up', { email: newEmail(), password: PASSWORD });
      assert.equal(without.status, 403);
      assert.equal(without.body.error.code, 'invite_required');
      const { data } = (await admin.call('POST', '/signup-invites', { count: 1, max_uses: 1 })).body;
      const code = data[0].code;
      assert.equal((await client.call('POST', '/auth/sign-up', { email: newEmail(), password: PASSWORD, invite_code: code })).status, 202);
      const usedUp = await client.call('POST', '/auth/sign-up', { email: newEmail(), password: PASSWORD, invite_code: code });
      assert.equal(usedUp.status, 403);
      assert.equal(usedUp.body.error.code, 'invalid_invite');

      const shut = createConsoleClient({ gatewayUrl: closed.url });
      assert.equal((await shut.session()).signup_mode, 'closed');
      const refused = await shut.call('POST', '/auth/sign-up', { email: newEmail(), password: PASSWORD, invite_code: code });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'signup_closed');
    } finally {
      await Promise.all([invite.service.stop('SIGTERM', 10_000), closed.service.stop('SIGTERM', 10_000)]);
    }
  });
});
