import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import client from 'prom-client';
import request from 'supertest';
import { adminApi, freePort, postJson, stackEnv, testDir, testStack, waitFor } from '@codex-gateway/stack/testing';
import { createApp, type App } from '../../app.js';
import { loadConfig } from '../../infra/config.js';

const stack = testStack();
const admin = adminApi(stack);
const fake = stack.payments.fakeUrl!;
const DAY = 24 * 60 * 60;

/** A customer with a key and a Stripe package at this price. */
const buyer = (price: number) => admin.buyer({ daily_request_limit: 10, price_cents: price });

/** The Checkout Session behind an order, as the (fake) Stripe API reports it. */
async function sessionOf(checkoutUrl: string): Promise<{ created: number; expires_at: number; status: string }> {
  const id = checkoutUrl.split('/').pop();
  const res = await fetch(`${fake}/v1/checkout/sessions/${id}`, { headers: { authorization: 'Bearer sk_test_any' } });
  assert.equal(res.status, 200);
  return (await res.json()) as { created: number; expires_at: number; status: string };
}

/** A gateway of the test's own (same databases and Redis) whose log lines are kept. */
function gatewayWith(env: Record<string, string>) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({
    ...stackEnv(),
    DB_POOL_MAX: '2',
    STRIPE_WEBHOOK_SECRET: stack.payments.stripeWebhookSecret,
    ...env,
  });
  const app = createApp(config, { logger: pino({ level: 'warn' }, sink), registry: new client.Registry() });
  return { app, lines };
}

describe('creating Stripe checkouts', () => {
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  let unreachable: { app: App; lines: string[] };
  let longOrders: { app: App; lines: string[] };

  before(async () => {
    unreachable = gatewayWith({ STRIPE_SECRET_KEY: secretKey, STRIPE_API_BASE_URL: `http://127.0.0.1:${await freePort()}` });
    longOrders = gatewayWith({ STRIPE_SECRET_KEY: secretKey, STRIPE_API_BASE_URL: fake, ORDER_EXPIRY_MINUTES: String(48 * 60) });
  });

  after(async () => {
    await unreachable.app.close();
    await longOrders.app.close();
  });

  test("a checkout session stays open past Stripe's 30-minute minimum, so a second on the way to Stripe is no refusal", async () => {
    const { key, packageId } = await buyer(1500);
    const created = await postJson(`${stack.gatewayUrl}/v1/orders`, key, { package_id: packageId, provider: 'stripe' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const session = await sessionOf(created.body.checkout_url);
    assert.equal(session.status, 'open');
    // Measured on the provider's clock, from when it received the call.
    assert.ok(session.expires_at - session.created >= 30 * 60 + 30, `the session closes ${session.expires_at - session.created} s after its creation`);
    assert.ok(session.expires_at - session.created <= DAY);
  });

  test("an order that outlives 24 hours still gets a session, closing within Stripe's 24-hour maximum", async () => {
    const { key, packageId } = await buyer(1500);
    const res = await request(longOrders.app.app).post('/v1/orders').set('authorization', `Bearer ${key}`).send({ package_id: packageId, provider: 'stripe' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const session = await sessionOf(res.body.checkout_url);
    assert.ok(session.expires_at - session.created <= DAY, `the session closes ${session.expires_at - session.created} s after its creation`);
    assert.ok(session.expires_at - session.created > DAY - 10 * 60);
  });

  test("Stripe refusing the checkout is a 502 saying so, and the log carries Stripe's reason", async () => {
    // Stripe takes at most 8 digits of minor units per line item.
    const { key, packageId } = await buyer(100_000_000);
    const refused = await postJson(`${stack.gatewayUrl}/v1/orders`, key, { package_id: packageId, provider: 'stripe' });
    assert.equal(refused.status, 502);
    assert.equal(refused.body.error.code, 'payment_provider_refused');
    assert.match(refused.body.error.message, /refused to create the checkout/);
    assert.equal(refused.headers.get('x-should-retry'), 'false', 'asking again will not help');

    const logDir = path.join(testDir(), 'logs');
    let line: string | undefined;
    await waitFor(
      'the refusal in a backend log',
      async () => {
        const logs = readdirSync(logDir)
          .filter((f) => f.startsWith('backend-'))
          .map((f) => readFileSync(path.join(logDir, f), 'utf8'));
        line = logs
          .join('\n')
          .split('\n')
          .find((l) => l.includes('payment provider refused the checkout') && l.includes('100000000'));
        return line !== undefined;
      },
      5000,
      100,
    );
    assert.ok(line);
    assert.match(line, /This value must be between 0 and 99999999/);
    assert.doesNotMatch(line, /sk_test_|whsec_/);
  });

  test('a provider that cannot be reached is a 502 saying so, distinct from a refusal', async () => {
    const { key, packageId } = await buyer(1500);
    const res = await request(unreachable.app.app).post('/v1/orders').set('authorization', `Bearer ${key}`).send({ package_id: packageId, provider: 'stripe' });
    assert.equal(res.status, 502);
    assert.equal(res.body.error.code, 'payment_provider_unreachable');
    assert.match(res.body.error.message, /could not be reached/);
    const logged = unreachable.lines.join('');
    assert.match(logged, /payment provider unreachable/);
    assert.ok(!logged.includes(secretKey), 'the secret key is not logged');
  });
});
