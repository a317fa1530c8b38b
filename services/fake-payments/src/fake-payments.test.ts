import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';
import { type FakePayments, createFakePayments, signEpay } from './index.js';

const SECRETS = { webhook: 'whsec_combined_secret', epayKey: 'combined_epay_key' };

let fake: FakePayments;
let base: string;
let port: number;

before(async () => {
  fake = createFakePayments({
    stripe: { webhookSecret: SECRETS.webhook },
    epay: { pid: '7', key: SECRETS.epayKey },
  });
  ({ url: base, port } = await fake.listen(0, '127.0.0.1'));
});
after(() => fake.close());

describe('createFakePayments: both providers on one server', () => {
  test('Stripe and EPay paths reach their fakes; other paths 404', async () => {
    const stripe = new Stripe('sk_test_any', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'http://merchant.test/ok',
      line_items: [{ price_data: { currency: 'cny', unit_amount: 500, product_data: { name: 'Pack' } }, quantity: 1 }],
    });
    assert.equal(session.url, `${base}/checkout/${session.id}`);
    assert.equal((await fetch(session.url)).status, 200);
    assert.equal((await fetch(`${base}/__fake/stripe/events`)).status, 200);

    const params = { pid: '7', type: 'wxpay', out_trade_no: 'C1', notify_url: 'http://127.0.0.1:1/n', name: 'Pack', money: '5.00' };
    const res = await fetch(`${base}/submit.php?${new URLSearchParams({ ...params, sign: signEpay(params, SECRETS.epayKey), sign_type: 'MD5' })}`);
    assert.equal(res.status, 200);
    assert.equal(fake.epay.getOrder('C1')?.money, '5.00');

    assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'ok' });
    assert.equal((await fetch(`${base}/elsewhere`)).status, 404);
    // Stripe's 404 for unknown /v1 routes, in Stripe's error shape.
    const unknown = await fetch(`${base}/v1/customers`, { headers: { authorization: 'Bearer sk_test_any' } });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
  });
});

describe('main.ts', () => {
  const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url));
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

  function run(env: Record<string, string>): ReturnType<typeof spawn> {
    return spawn(process.execPath, ['--import', 'tsx', mainPath], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', FAKE_PAYMENTS_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  function exited(child: ReturnType<typeof spawn>): Promise<number | null> {
    return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  test('starts on a free port, serves, and exits 0 on SIGTERM', async () => {
    const child = run({ STRIPE_WEBHOOK_SECRET: SECRETS.webhook, EPAY_PID: '1', EPAY_KEY: SECRETS.epayKey });
    const done = exited(child);
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /fake payments listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      void done.then((code) => reject(new Error(`exited early with ${code}`)));
    });
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    child.kill('SIGTERM');
    assert.equal(await done, 0);
    assert.ok(!output.includes(SECRETS.webhook) && !output.includes(SECRETS.epayKey));
  });

  test('a missing secret is named, not printed, and exits 1', async () => {
    const child = run({ STRIPE_WEBHOOK_SECRET: SECRETS.webhook, EPAY_PID: '1' });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    assert.equal(await exited(child), 1);
    assert.match(stderr, /EPAY_KEY is required/);
    assert.ok(!stderr.includes(SECRETS.webhook));
  });
});
