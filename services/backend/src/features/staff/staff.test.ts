import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createConsoleClient, newEmail, signedUpPerson, staffWithTotp, totpCode as codeOf } from '@codex-gateway/stack/console-client';
import { adminApi, createOwner, linkFrom, readMail, runAdmin, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const PASSWORD = 'the owner passphrase';

/** A token-less path to the admin API: an owner made by the command, signed in with a second factor. */
const ownerWithTotp = () => staffWithTotp(stack, 'owner', PASSWORD);

describe('staff: the first owner, two-factor sign-in, roles', () => {
  test('create-owner says a second factor comes next, and links a new account to a page for its first password', async () => {
    const email = newEmail();
    const made = await runAdmin(['create-owner', email]);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /set your password/);
    assert.match(made.stdout, /second factor/);
    assert.match(made.stdout, /authenticator app/);
    assert.equal(new URL(/https?:\/\/\S+/.exec(made.stdout)![0]).searchParams.get('first'), '1', 'a first password, not a reset');

    // Someone who already has a password gets a reset link.
    const person = await signedUpPerson(stack);
    const promoted = await runAdmin(['create-owner', person.email]);
    assert.match(promoted.stdout, /choose a new password/);
    assert.equal(new URL(/https?:\/\/\S+/.exec(promoted.stdout)![0]).searchParams.get('first'), null);
  });

  test('create-owner prints a one-time link; the owner sets a password, must turn on TOTP, then runs the admin API from a session', async () => {
    const email = newEmail();
    const link = await createOwner(email);
    assert.ok(link.startsWith(`${stack.gatewayUrl}/reset-password?token=`));
    const token = new URL(link).searchParams.get('token');
    const client = createConsoleClient(stack);
    await client.session();
    assert.equal((await client.call('POST', '/auth/reset-password', { token, password: PASSWORD })).status, 200);
    assert.equal((await client.call('POST', '/auth/reset-password', { token, password: PASSWORD })).status, 400, 'the link works once');

    assert.equal((await client.signIn(email, PASSWORD)).status, 200);
    const me = await client.call('GET', '/me');
    assert.equal(me.body.role, 'owner');
    const early = await client.admin('GET', '/users');
    assert.equal(early.status, 403);
    assert.equal(early.body.error.code, 'mfa_required');

    const setup = await client.call('POST', '/me/totp/setup', { password: PASSWORD });
    assert.equal((await client.call('POST', '/me/totp/enable', { code: '000000' })).status, 400);
    assert.equal((await client.call('POST', '/me/totp/enable', { code: codeOf(setup.body.secret) })).status, 200);
    assert.equal((await client.admin('GET', '/users')).status, 200, 'the session that enrolled is second-factor checked');

    const again = createConsoleClient(stack);
    const withoutCode = await again.signIn(email, PASSWORD);
    assert.equal(withoutCode.status, 401);
    assert.equal(withoutCode.body.error.code, 'totp_required');
    assert.equal((await again.signIn(email, PASSWORD, { 'x-forwarded-for': '198.51.100.7' }, '123456')).body.error.code, 'invalid_totp');
    const withCode = await again.signIn(email, PASSWORD, undefined, codeOf(setup.body.secret, 1));
    assert.equal(withCode.status, 200);
    assert.equal((await again.admin('GET', '/audit-log?limit=1')).status, 200);
    const replay = await createConsoleClient(stack).signIn(email, PASSWORD, undefined, codeOf(setup.body.secret, 1));
    assert.equal(replay.status, 401, 'a code works once');

    const noCsrf = await again.call('POST', '/users', { email: newEmail() }, { api: 'admin', csrf: null });
    assert.equal(noCsrf.status, 403);
    assert.equal(noCsrf.body.error.code, 'csrf_failed');
    const made = await again.admin('POST', '/users', { email: newEmail() });
    assert.equal(made.status, 201);
    const trail = (await admin.call('GET', `/audit-log?target_type=user&target_id=${made.body.id}`)).body.data;
    assert.equal(trail[0].actor, email, 'the staff member, not the token');
    assert.equal(trail[0].role, 'owner');
  });

  test('roles bound what staff may do: support reads and suspends but cannot refund or edit packages; only owners manage staff', async () => {
    const { client: owner, email: ownerEmail } = await ownerWithTotp();
    const supportPerson = await staffWithTotp(stack, 'support');
    const adminPerson = await signedUpPerson(stack);
    assert.equal((await owner.admin('POST', '/staff', { email: adminPerson.email, role: 'admin' })).status, 201);
    const support = supportPerson.client;

    const customer = await admin.customer();
    const pkg = await admin.createPackage();
    assert.equal((await support.admin('GET', `/users/${customer.userId}`)).status, 200, 'support reads');
    assert.equal((await support.admin('GET', '/orders')).status, 200);
    assert.equal((await support.admin('POST', `/users/${customer.userId}/suspend`, {})).status, 200, 'support suspends');
    assert.equal((await support.admin('POST', `/users/${customer.userId}/resume`, {})).status, 200);
    assert.equal((await support.admin('DELETE', `/api-keys/${customer.keyId}`)).status, 204, 'support revokes keys');
    for (const [method, route, body] of [
      ['PATCH', `/packages/${pkg.id}`, { price_cents: 1 }],
      ['POST', '/packages', { name: 'x', daily_request_limit: null, daily_token_limit: null, duration_days: 1, price_cents: 1, currency: 'USD' }],
      ['POST', '/orders/CG00000000000000000AAAAAAAA/refund', {}],
      ['POST', `/users/${customer.userId}/packages`, { package_id: pkg.id }],
      ['POST', '/redemption-codes', { package_id: pkg.id, count: 1 }],
      ['GET', '/staff', undefined],
    ] as const) {
      const res = await support.admin(method, route, body);
      assert.equal(res.status, 403, `support: ${method} ${route}`);
      assert.equal(res.body.error.code, 'insufficient_role');
    }

    // Appointed, the admin signs in again (the change ended its sessions), turns on TOTP, then may change packages but not staff.
    const adminClient = adminPerson.client;
    assert.equal((await adminClient.admin('GET', '/users')).status, 401, 'the appointment ended the session');
    await adminClient.session();
    assert.equal((await adminClient.signIn(adminPerson.email, adminPerson.password)).status, 200);
    assert.equal((await adminClient.admin('GET', '/users')).body.error.code, 'mfa_required');
    const setup = await adminClient.call('POST', '/me/totp/setup', { password: adminPerson.password });
    assert.equal((await adminClient.call('POST', '/me/totp/enable', { code: codeOf(setup.body.secret) })).status, 200);
    assert.equal((await adminClient.admin('PATCH', `/packages/${pkg.id}`, { price_cents: 4321 })).status, 200);
    assert.equal((await adminClient.admin('POST', '/staff', { email: newEmail(), role: 'admin' })).status, 403);
    assert.equal((await adminClient.admin('GET', '/staff')).status, 403);

    const staffList = (await owner.admin('GET', '/staff')).body.data;
    assert.deepEqual(
      [supportPerson.email, adminPerson.email, ownerEmail].map((e) => staffList.find((s: { email: string }) => s.email === e)?.role),
      ['support', 'admin', 'owner'],
    );
    const suspendTrail = (await admin.call('GET', `/audit-log?target_type=user&target_id=${customer.userId}&action=user.suspend`)).body.data;
    assert.equal(suspendTrail[0].actor, supportPerson.email);
    assert.equal(suspendTrail[0].role, 'support');
  });

  test('an appointed address without an account gets a mail to choose its password', async () => {
    const { client: owner } = await ownerWithTotp();
    const fresh = newEmail();
    assert.equal((await owner.admin('POST', '/staff', { email: fresh, role: 'support' })).status, 201);
    assert.match(linkFrom(await readMail(fresh, { subject: /password/i }), '/reset-password?token='), /token=/);
  });
});
