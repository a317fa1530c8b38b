import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { createConsoleClient, signedUpPerson, staffWithTotp, totpCode } from '@codex-gateway/stack/console-client';
import { adminApi, resetSecondFactor, runAdmin, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const PASSWORD = 'the staff passphrase';
/** A client address of its own per call (nginx appends the real one), so that failed sign-ins here block no other test. */
let addresses = 0;
const address = () => ({ 'x-forwarded-for': `198.51.100.${++addresses}` });
const RECOVERY_CODE = /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/;

/** Signs in afresh (a new browser) with the password and a TOTP or recovery code. */
const signInWith = (email: string, code?: string) => createConsoleClient(stack).signIn(email, PASSWORD, address(), code);

async function recoveryRows(userId: number): Promise<number> {
  const client = new pg.Client({ connectionString: stack.postgres.primaryUrl });
  await client.connect();
  try {
    return (await client.query('SELECT count(*)::int AS n FROM recovery_codes WHERE user_id = $1', [userId])).rows[0].n;
  } finally {
    await client.end();
  }
}

describe('two-factor sign-in: enrolment, recovery codes, reset', () => {
  test('setting up a second factor asks for the current password: none or a wrong one is a 400 and sets nothing up', async () => {
    const { client } = await signedUpPerson(stack, PASSWORD);
    const none = await client.call('POST', '/me/totp/setup', {});
    assert.equal(none.status, 400);
    assert.equal(none.body.error.code, 'invalid_request');
    const wrong = await client.call('POST', '/me/totp/setup', { password: 'not the passphrase' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.code, 'invalid_password');
    assert.equal(wrong.body.error.param, 'password');
    assert.equal(wrong.body.secret, undefined);
    const enable = await client.call('POST', '/me/totp/enable', { code: '123456' });
    assert.equal(enable.body.error.code, 'totp_not_set_up', 'no secret was stored');

    const setup = await client.call('POST', '/me/totp/setup', { password: PASSWORD });
    assert.equal(setup.status, 200);
    assert.equal(setup.headers.get('cache-control'), 'no-store');
    assert.match(setup.body.secret, /^[A-Z2-7]{32}$/);
    const url = new URL(setup.body.otpauth_url);
    assert.equal(url.protocol, 'otpauth:');
    assert.equal(url.searchParams.get('secret'), setup.body.secret, 'the QR code the console draws from this URL carries the secret');
  });

  test('password confirmations are counted before they are checked: of a burst of 14 wrong ones, no more than 10 are tried, the rest get a 429', async () => {
    const { client } = await signedUpPerson(stack, PASSWORD);
    const burst = await Promise.all(Array.from({ length: 14 }, () => client.call('POST', '/me/totp/setup', { password: 'a wrong guess' })));
    const refused = burst.filter((a) => a.status === 429);
    assert.equal(burst.filter((a) => a.status === 400).length, 10);
    assert.equal(refused.length, 4);
    assert.equal(refused[0]!.body.error.code, 'too_many_attempts');
    assert.ok(Number(refused[0]!.headers.get('retry-after')) > 0);
    assert.equal((await client.call('POST', '/me/totp/setup', { password: PASSWORD })).status, 429, 'the right password waits too');
  });

  test('turning it on answers ten recovery codes once; each signs in once, in place of the code, in any case and spacing', async () => {
    const { client } = await signedUpPerson(stack, PASSWORD);
    const { email } = (await client.call('GET', '/me')).body;
    const setup = await client.call('POST', '/me/totp/setup', { password: PASSWORD });
    const enable = await client.call('POST', '/me/totp/enable', { code: totpCode(setup.body.secret) });
    assert.equal(enable.status, 200);
    assert.equal(enable.headers.get('cache-control'), 'no-store');
    const codes: string[] = enable.body.recovery_codes;
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, RECOVERY_CODE);
    assert.deepEqual((await client.call('GET', '/me/totp')).body, { enabled: true, recovery_codes_left: 10 });

    const byCode = await signInWith(email, codes[0]);
    assert.equal(byCode.status, 200, 'a recovery code signs in');
    assert.equal((await signInWith(email, codes[0])).body.error.code, 'invalid_totp', 'once');
    const typed = await signInWith(email, ` ${codes[1]!.replace('-', ' ').toUpperCase()} `);
    assert.equal(typed.status, 200, 'typed in capitals, with a space');
    assert.equal((await client.call('GET', '/me/totp')).body.recovery_codes_left, 8);
    assert.equal((await signInWith(email, 'zzzzz-zzzzz')).body.error.code, 'invalid_totp', 'an unknown code');
  });

  test('two sign-ins racing with one recovery code: one gets in, the others are refused', async () => {
    const staff = await staffWithTotp(stack, 'support', PASSWORD);
    const code = staff.recoveryCodes[3]!;
    const answers = await Promise.all([1, 2, 3, 4].map(() => signInWith(staff.email, code)));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 401, 401, 401]);
    for (const refused of answers.filter((a) => a.status !== 200)) assert.equal(refused.body.error.code, 'invalid_totp');
    assert.equal((await staff.client.call('GET', '/me/totp')).body.recovery_codes_left, 9);
  });

  test('a recovery code opens the admin API like a TOTP code (the session is second-factor checked)', async () => {
    const staff = await staffWithTotp(stack, 'admin', PASSWORD);
    const browser = createConsoleClient(stack);
    assert.equal((await browser.signIn(staff.email, PASSWORD, address(), staff.recoveryCodes[0])).status, 200);
    assert.equal((await browser.admin('GET', '/users')).status, 200);
  });

  test('new recovery codes take the password and a current code, and void the old ones', async () => {
    const staff = await staffWithTotp(stack, 'admin', PASSWORD);
    const { client, secret } = staff;
    const wrongPassword = await client.call('POST', '/me/totp/recovery-codes', { password: 'not it at all', code: totpCode(secret, 1) });
    assert.equal(wrongPassword.status, 400);
    assert.equal(wrongPassword.body.error.code, 'invalid_password');
    const wrongCode = await client.call('POST', '/me/totp/recovery-codes', { password: PASSWORD, code: '000000' });
    assert.equal(wrongCode.status, 400);
    assert.equal(wrongCode.body.error.code, 'invalid_totp');
    const recoveryAsCode = await client.call('POST', '/me/totp/recovery-codes', { password: PASSWORD, code: staff.recoveryCodes[0] });
    assert.equal(recoveryAsCode.status, 400, 'a recovery code is not a current code');

    const fresh = await client.call('POST', '/me/totp/recovery-codes', { password: PASSWORD, code: totpCode(secret, 1) });
    assert.equal(fresh.status, 200);
    assert.equal(fresh.headers.get('cache-control'), 'no-store');
    const codes: string[] = fresh.body.recovery_codes;
    assert.equal(codes.length, 10);
    assert.equal(
      codes.some((c) => staff.recoveryCodes.includes(c)),
      false,
    );
    assert.equal((await signInWith(staff.email, staff.recoveryCodes[1])).body.error.code, 'invalid_totp', 'an old code is void');
    assert.equal((await signInWith(staff.email, codes[0])).status, 200, 'a new one works');
    assert.equal((await client.call('GET', '/me/totp')).body.recovery_codes_left, 9);
  });

  test('a setup after the factor is on is a 409 and the secret in force stays', async () => {
    const staff = await staffWithTotp(stack, 'owner', PASSWORD);
    const again = await staff.client.call('POST', '/me/totp/setup', { password: PASSWORD });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'totp_already_enabled');
    assert.equal(again.body.secret, undefined);
    assert.equal((await signInWith(staff.email, totpCode(staff.secret, 1))).status, 200, 'the enrolled secret still signs in');
  });

  test('a setup racing an enable leaves one of them whole: on with the secret that was checked, or off with the new secret', async () => {
    for (let round = 0; round < 4; round += 1) {
      const { client, email } = await signedUpPerson(stack, PASSWORD);
      const first = (await client.call('POST', '/me/totp/setup', { password: PASSWORD })).body.secret as string;
      const [enable, setup] = await Promise.all([
        client.call('POST', '/me/totp/enable', { code: totpCode(first) }),
        client.call('POST', '/me/totp/setup', { password: PASSWORD }),
      ]);
      const on = (await client.call('GET', '/me')).body.totp_enabled as boolean;
      assert.ok(
        enable.status >= 400 || setup.status >= 400,
        `round ${round}: the enable (${enable.status}) and the setup (${setup.status}) cannot both succeed`,
      );
      if (enable.status === 200) {
        assert.equal(setup.status, 409, `round ${round}: a setup after the enable must not replace the secret in force`);
        assert.equal(on, true);
        assert.equal((await signInWith(email, totpCode(first, 1))).status, 200, 'the checked secret is the one in force');
      } else {
        assert.equal(setup.status, 200, `round ${round}: enable ${enable.status} ${enable.text}`);
        // Refused either way: the secret changed under the enable (409), or before its code was checked (400).
        assert.ok(['totp_changed', 'invalid_totp'].includes(enable.body.error.code), enable.text);
        assert.equal(on, false);
        const second = await client.call('POST', '/me/totp/enable', { code: totpCode(setup.body.secret) });
        assert.equal(second.status, 200, 'the new secret is the one pending');
      }
    }
  });

  test('admin reset-2fa EMAIL turns the factor and its codes off, ends every session, and is audited', async () => {
    const staff = await staffWithTotp(stack, 'owner', PASSWORD);
    const other = createConsoleClient(stack);
    assert.equal((await other.signIn(staff.email, PASSWORD, address(), totpCode(staff.secret, 1))).status, 200);
    assert.equal(await recoveryRows(staff.userId), 10);

    const printed = await resetSecondFactor(staff.email.toUpperCase());
    assert.match(printed, /two-factor sign-in is off/);
    for (const session of [staff.client, other]) assert.equal((await session.call('GET', '/me')).status, 401, 'every session ended');
    assert.equal(await recoveryRows(staff.userId), 0);

    const back = createConsoleClient(stack);
    const signIn = await back.signIn(staff.email, PASSWORD, address());
    assert.equal(signIn.status, 200, 'the password alone signs in');
    assert.equal(signIn.body.user.totp_enabled, false);
    assert.equal((await back.admin('GET', '/users')).body.error.code, 'mfa_required', 'staff enrol again before the admin API opens');
    const setup = await back.call('POST', '/me/totp/setup', { password: PASSWORD });
    assert.equal(setup.status, 200, 'and can enrol a new phone');

    const trail = await admin.call('GET', `/audit-log?target_type=user&target_id=${staff.userId}&action=user.reset_second_factor`);
    assert.equal(trail.body.data.length, 1);
    assert.match(trail.body.data[0].actor, /^cli@/);
    assert.deepEqual([trail.body.data[0].before, trail.body.data[0].after], [{ totp_enabled: true }, { totp_enabled: false }]);
  });

  test('reset-2fa changes nothing without Redis (the sessions could not end), and names an unknown address', async () => {
    const staff = await staffWithTotp(stack, 'admin', PASSWORD);
    const noRedis = await runAdmin(['reset-2fa', staff.email], { REDIS_URL: undefined });
    assert.equal(noRedis.code, 2);
    assert.match(noRedis.stderr, /REDIS_URL is required/);
    const deadRedis = await runAdmin(['reset-2fa', staff.email], { REDIS_URL: 'redis://127.0.0.1:1' });
    assert.equal(deadRedis.code, 1);
    assert.match(deadRedis.stderr, /nothing was changed/);
    assert.equal((await staff.client.call('GET', '/me')).body.totp_enabled, true, 'the factor is still on');
    assert.equal(await recoveryRows(staff.userId), 10);

    const unknown = await runAdmin(['reset-2fa', 'nobody-at-all@example.test']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no account has the address/);
  });
});
