import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { signedUpPerson, staffWithTotp, totpCode } from '@codex-gateway/stack/console-client';
import { adminApi, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);

async function roleOf(userId: number): Promise<string | null> {
  const client = new pg.Client({ connectionString: stack.postgres.primaryUrl });
  await client.connect();
  try {
    return (await client.query<{ role: string | null }>('SELECT role FROM users WHERE id = $1', [userId])).rows[0]!.role;
  } finally {
    await client.end();
  }
}

/** Demotes every active owner but `keep` (through the admin token), so that `keep` is the last one. */
async function onlyOwner(keep: number): Promise<void> {
  for (const s of (await admin.call('GET', '/staff')).body.data as Array<{ id: number; role: string; status: string }>) {
    if (s.role === 'owner' && s.status === 'active' && s.id !== keep) assert.equal((await admin.call('PATCH', `/staff/${s.id}`, { role: null })).status, 200);
  }
}

describe('staff cannot bend their own powers', () => {
  test('an admin cannot make itself owner, by any spelling of the path or through appointing', async () => {
    const me = await staffWithTotp(stack, 'admin');
    for (const path of [
      `/staff/${me.userId}`,
      `/STAFF/${me.userId}`,
      `/Staff/${me.userId}`,
      `/staff/${me.userId}/`,
      `//staff/${me.userId}`,
      `/%73taff/${me.userId}`,
    ]) {
      const res = await me.client.admin('PATCH', path, { role: 'owner' });
      assert.ok([403, 404].includes(res.status), `${path} answered ${res.status}`);
      assert.ok(['insufficient_role', 'unknown_route'].includes(res.body.error.code), `${path}: ${res.body.error.code}`);
    }
    const appoint = await me.client.admin('POST', '/staff', { email: me.email, role: 'owner' });
    assert.equal(appoint.status, 403);
    assert.equal(await roleOf(me.userId), 'admin');
    const trail = (await admin.call('GET', `/audit-log?target_type=user&target_id=${me.userId}`)).body.data;
    assert.equal(
      trail.some((e: { action: string; actor: string }) => e.actor === me.email),
      false,
      'nothing it tried was recorded as a change',
    );
  });

  test('nobody changes their own role, an owner included', async () => {
    const owner = await staffWithTotp(stack, 'owner');
    const patch = await owner.client.admin('PATCH', `/staff/${owner.userId}`, { role: 'admin' });
    assert.equal(patch.status, 403);
    assert.equal(patch.body.error.code, 'own_role');
    const appoint = await owner.client.admin('POST', '/staff', { email: owner.email.toUpperCase(), role: 'support' });
    assert.equal(appoint.status, 403);
    assert.equal(appoint.body.error.code, 'own_role');
    assert.equal(await roleOf(owner.userId), 'owner');
  });

  test('support acts on customers only: never suspends, resumes, resets or revokes the keys of staff', async () => {
    const support = await staffWithTotp(stack, 'support');
    const colleague = await staffWithTotp(stack, 'admin');
    const owner = await staffWithTotp(stack, 'owner');
    const staffKey = await admin.issueKey(colleague.userId);
    for (const target of [colleague.userId, owner.userId]) {
      for (const action of ['suspend', 'resume', 'password-reset']) {
        const res = await support.client.admin('POST', `/users/${target}/${action}`, {});
        assert.equal(res.status, 403, `${action} of staff ${target}`);
        assert.equal(res.body.error.code, 'staff_account');
      }
    }
    const revoke = await support.client.admin('DELETE', `/api-keys/${staffKey.id}`);
    assert.equal(revoke.status, 403);
    assert.equal((await colleague.client.call('GET', '/keys')).body.data.find((k: { id: number }) => k.id === staffKey.id).status, 'active');
    // An admin does not act on owners' accounts either; an owner does.
    assert.equal((await colleague.client.admin('POST', `/users/${owner.userId}/suspend`, {})).body.error.code, 'staff_account');

    const customer = await admin.customer();
    assert.equal((await support.client.admin('POST', `/users/${customer.userId}/suspend`, {})).status, 200);
    assert.equal((await support.client.admin('POST', `/users/${customer.userId}/resume`, {})).status, 200);
    assert.equal((await support.client.admin('DELETE', `/api-keys/${customer.keyId}`)).status, 204);
    assert.equal((await owner.client.admin('POST', `/users/${colleague.userId}/password-reset`, {})).status, 202);
  });

  test('support sees code batches and their state, never the text of an unused code', async () => {
    const support = await staffWithTotp(stack, 'support');
    const pkg = await admin.createPackage();
    const batch = `rules-${Date.now()}`;
    const made = await admin.call('POST', '/redemption-codes', { package_id: pkg.id, count: 3, batch_name: batch });
    assert.equal(made.status, 201);
    const buyer = await admin.customer();
    const redeemed = await fetch(`${stack.gatewayUrl}/v1/redeem`, {
      method: 'POST',
      headers: { authorization: `Bearer ${buyer.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: made.body.codes[0] }),
    });
    assert.equal(redeemed.status, 201);

    const seen = (await support.client.admin('GET', `/redemption-codes?batch=${batch}`)).body.data as Array<{ code: string | null; status: string }>;
    assert.equal(seen.length, 3);
    assert.deepEqual(
      seen.filter((c) => c.status === 'unused').map((c) => c.code),
      [null, null],
    );
    assert.equal(seen.find((c) => c.status === 'redeemed')!.code, made.body.codes[0]);
    const csv = (await support.client.admin('GET', `/redemption-codes.csv?batch=${batch}`)).text;
    for (const code of made.body.codes.slice(1)) assert.equal(csv.includes(code), false, 'an unused code in the CSV');
    assert.equal(csv.split('\r\n').filter(Boolean).length, 4, 'a header and three rows');
    // Those who make codes see them.
    const adminSees = (await admin.call('GET', `/redemption-codes?batch=${batch}`)).body.data as Array<{ code: string | null }>;
    assert.equal(adminSees.filter((c) => c.code === null).length, 0);
  });

  test('a role change ends every session of that person at once', async () => {
    const owner = await staffWithTotp(stack, 'owner');
    const person = await staffWithTotp(stack, 'support');
    assert.equal((await person.client.admin('GET', '/users')).status, 200);
    assert.equal((await owner.client.admin('PATCH', `/staff/${person.userId}`, { role: 'admin' })).status, 200);
    const after = await person.client.admin('GET', '/users');
    assert.equal(after.status, 401, 'the session from before the change is gone');
    assert.equal((await person.client.call('GET', '/me')).status, 401);
    // Signing in again (with a fresh CSRF token, as the console fetches one) gives a session with the new role.
    await person.client.session();
    const again = await person.client.signIn(person.email, person.password, undefined, totpCode(person.secret, 1));
    assert.equal(again.status, 200);
    assert.equal(again.body.user.role, 'admin');
  });

  test('the last active owner can be neither demoted, suspended nor replaced by appointment, even by two changes at once', async () => {
    const last = await staffWithTotp(stack, 'owner');
    await onlyOwner(last.userId);
    for (const [method, path, body] of [
      ['PATCH', `/staff/${last.userId}`, { role: 'admin' }],
      ['PATCH', `/staff/${last.userId}`, { role: null }],
      ['POST', '/staff', { email: last.email, role: 'support' }],
      ['POST', `/users/${last.userId}/suspend`, {}],
    ] as const) {
      const res = await admin.call(method, path, body);
      assert.equal(res.status, 409, `${method} ${path}`);
      assert.equal(res.body.error.code, 'last_owner');
    }
    assert.equal(await roleOf(last.userId), 'owner');

    // Two owners demote each other (and suspend) at the same moment: one of them stays an active owner.
    const second = await staffWithTotp(stack, 'owner');
    const answers = await Promise.all([
      last.client.admin('PATCH', `/staff/${second.userId}`, { role: null }),
      second.client.admin('POST', `/users/${last.userId}/suspend`, {}),
    ]);
    // The other is refused: the last owner (409), or its session already ended by the suspension (401).
    const statuses = answers.map((a) => a.status).sort();
    assert.equal(statuses[0], 200, JSON.stringify(answers.map((a) => a.body)));
    assert.ok([401, 409].includes(statuses[1]!), JSON.stringify(answers.map((a) => a.body)));
    const owners = ((await admin.call('GET', '/staff')).body.data as Array<{ role: string; status: string }>).filter(
      (s) => s.role === 'owner' && s.status === 'active',
    );
    assert.equal(owners.length, 1);
  });

  test('a call with no credentials is refused without counting as a failed guess', async () => {
    const address = `198.51.100.${Math.floor(Math.random() * 200) + 20}`;
    for (let i = 0; i < 40; i += 1) {
      const res = await fetch(`${stack.gatewayUrl}/api/admin/users`, { headers: { 'x-forwarded-for': address } });
      assert.equal(res.status, 401, `call ${i}`);
    }
    const withToken = await fetch(`${stack.gatewayUrl}/api/admin/users?limit=1`, {
      headers: { 'x-forwarded-for': address, authorization: `Bearer ${stack.adminToken}` },
    });
    assert.equal(withToken.status, 200, 'the address is not blocked');
  });

  test('a customer appointed support cannot use the admin API before turning on a second factor', async () => {
    const person = await signedUpPerson(stack);
    assert.equal((await admin.call('POST', '/staff', { email: person.email, role: 'support' })).status, 201);
    await person.client.session();
    const again = await person.client.signIn(person.email, person.password);
    assert.equal(again.status, 200);
    const res = await person.client.admin('GET', '/users');
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'mfa_required');
  });
});
