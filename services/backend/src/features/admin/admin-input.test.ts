import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adminApi, postJson, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);

const INT_MAX = 2 ** 31 - 1;
const NUL = 'bad\u0000text';

/** What is wrong with an answer that should be a 400 in OpenAI's error shape naming the field, if anything. */
function refusalProblem(what: string, res: { status: number; body: any }, field: string): string | undefined {
  const error = res.body?.error;
  if (res.status !== 400 || error?.type !== 'invalid_request_error' || typeof error.message !== 'string')
    return `${what}: ${res.status} ${JSON.stringify(res.body)}`;
  if (!error.message.includes(field)) return `${what}: "${error.message}" does not name ${field}`;
  return undefined;
}

const pkg = (extra: Record<string, unknown>) => ({
  name: 'Bounds',
  daily_request_limit: 10,
  daily_token_limit: 1000,
  duration_days: 30,
  price_cents: 100,
  currency: 'USD',
  ...extra,
});

describe('admin and customer input out of range', () => {
  test('numbers past their column, impossible dates, NUL characters and repeated query parameters get a 400 naming the field, never a 500', async () => {
    const user = await admin.createUser();
    const { key } = await admin.issueKey(user.id);
    const existing = await admin.createPackage();

    const posts: Array<[string, string, unknown, string]> = [
      ['daily_request_limit above integer', '/packages', pkg({ daily_request_limit: INT_MAX + 1 }), 'daily_request_limit'],
      ['rpm_limit above integer', '/packages', pkg({ rpm_limit: INT_MAX + 1 }), 'rpm_limit'],
      ['daily_token_limit above safe integers', '/packages', pkg({ daily_token_limit: 2 ** 53 }), 'daily_token_limit'],
      ['daily_token_limit above bigint', '/packages', pkg({ daily_token_limit: 1e19 }), 'daily_token_limit'],
      ['price_cents above safe integers', '/packages', pkg({ price_cents: 2 ** 53 }), 'price_cents'],
      ['duration_days above ten years', '/packages', pkg({ duration_days: 3661 }), 'duration_days'],
      ['a NUL in a package name', '/packages', pkg({ name: NUL }), 'name'],
      ['a NUL in a package description', '/packages', pkg({ description: NUL }), 'description'],
      ['a package id above safe integers', `/users/${user.id}/packages`, { package_id: 2 ** 53 }, 'package_id'],
      ['an impossible key expiry date', `/users/${user.id}/api-keys`, { name: 'k', expires_at: '2026-02-30T00:00:00Z' }, 'expires_at'],
      ['a key expiry in year 0', `/users/${user.id}/api-keys`, { name: 'k', expires_at: '0000-01-01T00:00:00Z' }, 'expires_at'],
      ['a NUL in a key name', `/users/${user.id}/api-keys`, { name: NUL }, 'name'],
      ['too many redemption codes', '/redemption-codes', { package_id: existing.id, count: 1001 }, 'count'],
      ['a redemption package id above safe integers', '/redemption-codes', { package_id: 2 ** 53, count: 1 }, 'package_id'],
    ];
    const problems: Array<string | undefined> = [];
    for (const [what, path, body, field] of posts) problems.push(refusalProblem(what, await admin.call('POST', path, body), field));

    const gets: Array<[string, string, string]> = [
      ['an impossible usage date', `/users/${user.id}/usage?from=2026-02-30&to=2026-03-01`, 'from'],
      ['an impossible usage end date', `/users/${user.id}/usage?from=2026-02-01&to=2026-02-31`, 'to'],
      ['a usage date in year 0', `/users/${user.id}/usage?from=0000-01-01&to=0000-01-02`, 'from'],
      ['a usage range of years', `/users/${user.id}/usage?from=2020-01-01&to=2026-01-01`, 'to'],
      ['a usage date given twice', `/users/${user.id}/usage?from=2026-01-01&from=2026-01-02&to=2026-01-03`, 'from'],
      ['an order user id above safe integers', '/orders?user_id=99999999999999999999', 'user_id'],
      ['an order user id in exponent form', '/orders?user_id=1e20', 'user_id'],
      ['an order user id given twice', '/orders?user_id=1&user_id=2', 'user_id'],
      ['an order status given twice', '/orders?status=pending&status=paid', 'status'],
      ['a NUL in the order provider filter', '/orders?provider=%00', 'provider'],
      ['a NUL in the order cursor', '/orders?before=%00', 'before'],
      ['an order limit given twice', '/orders?limit=1&limit=2', 'limit'],
      ['a NUL in the payment-events order filter', '/payment-events?order_no=%00', 'order_no'],
      ['a NUL in the payment-events provider filter', '/payment-events?provider=%00', 'provider'],
      ['a payment-events order filter given twice', '/payment-events?order_no=A&order_no=B', 'order_no'],
    ];
    for (const [what, path, field] of gets) problems.push(refusalProblem(what, await admin.call('GET', path), field));

    // The customer API, with an API key.
    const customer: Array<[string, string, unknown, string]> = [
      ['a NUL in a redemption code', '/v1/redeem', { code: `ABCD${NUL}` }, 'code'],
      ['an order package id above safe integers', '/v1/orders', { package_id: 2 ** 53, provider: 'stripe' }, 'package_id'],
    ];
    for (const [what, path, body, field] of customer) problems.push(refusalProblem(what, await postJson(`${stack.gatewayUrl}${path}`, key, body), field));
    assert.deepEqual(problems.filter(Boolean), []);

    // The limits themselves are accepted.
    const largest = await admin.call(
      'POST',
      '/packages',
      pkg({
        daily_request_limit: INT_MAX,
        rpm_limit: INT_MAX,
        daily_token_limit: Number.MAX_SAFE_INTEGER,
        price_cents: Number.MAX_SAFE_INTEGER,
        duration_days: 3660,
      }),
    );
    assert.equal(largest.status, 201, JSON.stringify(largest.body));
    assert.equal(largest.body.daily_token_limit, Number.MAX_SAFE_INTEGER);
    assert.equal((await admin.call('GET', `/users/${user.id}/usage?from=2024-02-29&to=2025-02-28`)).status, 200, 'a leap day and a 366-day range');
  });
});
