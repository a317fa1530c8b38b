import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signedUpPerson } from '@codex-gateway/stack/console-client';
import { adminApi, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);

describe("staff's view of orders", () => {
  test("every order names its customer by e-mail, in the list and on the order's page", async () => {
    const pkg = await admin.createPackage({ price_cents: 1500, currency: 'USD' });
    const customer = await signedUpPerson(stack);
    const placed = await customer.client.call('POST', '/orders', { package_id: pkg.id, provider: 'stripe' });
    assert.equal(placed.status, 201, placed.text);
    const orderNo = placed.body.order_no as string;

    const list = await admin.call('GET', `/orders?user_id=${customer.userId}`);
    assert.equal(list.status, 200);
    const row = list.body.data.find((o: { order_no: string }) => o.order_no === orderNo);
    assert.equal(row.user_id, customer.userId);
    assert.equal(row.user_email, customer.email);

    const detail = await admin.call('GET', `/orders/${orderNo}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.user_email, customer.email);
  });
});
