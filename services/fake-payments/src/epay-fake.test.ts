import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { type FakeEpay, type NotifyResult, createFakeEpay, signEpay, verifyEpay } from './index.js';
import { type TestMerchant, startTestMerchant } from './test-merchant.js';

const PID = '1001';
const KEY = 'epay_merchant_key_0123456789';

let fake: FakeEpay;
let base: string;
let merchant: TestMerchant;
let counter = 0;

before(async () => {
  merchant = await startTestMerchant('success');
  fake = createFakeEpay({ pid: PID, key: KEY });
  base = (await fake.listen(0, '127.0.0.1')).url;
});
after(async () => {
  await fake.close();
  await merchant.close();
});
beforeEach(() => {
  merchant.calls.length = 0;
  merchant.answer.status = 200;
  merchant.answer.body = 'success';
});

/** What the merchant's backend does: build the signed submit.php parameters. */
function payParams(overrides: Record<string, string> = {}): Record<string, string> {
  const params: Record<string, string> = {
    pid: PID,
    type: 'alipay',
    out_trade_no: `T${Date.now()}${++counter}`,
    notify_url: `${merchant.url}/epay/notify?src=epay`,
    return_url: 'http://merchant.test/epay/return',
    name: 'Starter pack 套餐',
    money: '9.99',
    ...overrides,
  };
  return { ...params, sign: signEpay(params, KEY), sign_type: 'MD5' };
}

async function submit(params: Record<string, string>): Promise<Response> {
  return fetch(`${base}/submit.php?${new URLSearchParams(params).toString()}`);
}

async function controlPay(outTradeNo: string, body?: unknown): Promise<{ status: number; json: NotifyResult }> {
  const res = await fetch(`${base}/__fake/epay/orders/${encodeURIComponent(outTradeNo)}/pay`, {
    method: 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as NotifyResult };
}

/** The notify as the merchant received it: the query of its GET. */
function receivedNotify(index = 0): Record<string, string> {
  const call = merchant.calls[index];
  assert.ok(call, 'the merchant received no notify');
  assert.equal(call.method, 'GET');
  return Object.fromEntries(new URL(call.url, 'http://x').searchParams);
}

describe('signEpay', () => {
  test('known answer: sorted, sign_type dropped, key appended without separator', () => {
    const expected = createHash('md5')
      .update('money=9.99&name=Pack&notify_url=http://x/n&out_trade_no=A1&pid=1001&type=alipay' + 'KEY')
      .digest('hex');
    const actual = signEpay(
      { pid: '1001', type: 'alipay', out_trade_no: 'A1', notify_url: 'http://x/n', name: 'Pack', money: '9.99', sign_type: 'MD5' },
      'KEY',
    );
    assert.equal(actual, expected);
  });

  test('empty values and sign are ignored; order is ASCII, uppercase before lowercase', () => {
    const expected = createHash('md5')
      .update('Z=1&a=2&b=x y' + 'K')
      .digest('hex');
    assert.equal(signEpay({ b: 'x y', a: '2', Z: '1', empty: '', sign: 'whatever', gone: undefined }, 'K'), expected);
    assert.ok(verifyEpay({ Z: '1', a: '2', b: 'x y', sign: expected }, 'K'));
    assert.ok(!verifyEpay({ Z: '1', a: '2', b: 'x y', sign: expected.toUpperCase() }, 'K'));
    assert.ok(!verifyEpay({ Z: '1', a: '3', b: 'x y', sign: expected }, 'K'));
  });
});

describe('submit.php', () => {
  test('a correctly signed request shows the pay page', async () => {
    const params = payParams();
    const res = await submit(params);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const html = await res.text();
    assert.match(html, /9\.99/);
    assert.match(html, /Starter pack 套餐/);
    assert.ok(html.includes(`action="/submit.php/pay?out_trade_no=${params.out_trade_no}"`));
    assert.equal(fake.getOrder(params.out_trade_no!)?.status, 'pending');
  });

  test('a POSTed form is accepted too', async () => {
    const res = await fetch(`${base}/submit.php`, { method: 'POST', body: new URLSearchParams(payParams()) });
    assert.equal(res.status, 200);
  });

  test('tampering, a wrong pid or a missing parameter is refused with a 400 page naming the problem', async () => {
    const tampered = { ...payParams(), money: '0.01' };
    const res = await submit(tampered);
    assert.equal(res.status, 400);
    const text = await res.text();
    assert.match(text, /签名校验失败|signature verification failed/);
    assert.ok(!text.includes(KEY), 'the key is never shown');
    assert.ok(!text.includes(signEpay(tampered, KEY)), 'the valid signature is never shown');

    const wrongPid = payParams({ pid: '9999' });
    const pidRes = await submit(wrongPid);
    assert.equal(pidRes.status, 400);
    assert.match(await pidRes.text(), /pid/);

    const { name: _dropped, ...rest } = payParams();
    const missing = await submit({ ...rest, sign: signEpay(rest, KEY) });
    assert.equal(missing.status, 400);
    assert.match(await missing.text(), /missing parameter: name/);

    const badMoney = await submit(payParams({ money: '9.999' }));
    assert.equal(badMoney.status, 400);
    assert.match(await badMoney.text(), /invalid money/);
  });
});

describe('paying and notify', () => {
  test("paying sends a signed notify GET and reports the merchant's success", async () => {
    const params = payParams();
    await submit(params);
    const { status, json } = await controlPay(params.out_trade_no!);
    assert.equal(status, 200);
    assert.deepEqual(json.delivery, { status: 200, body: 'success' });
    assert.equal(json.acknowledged, true);

    const notify = receivedNotify();
    assert.equal(new URL(merchant.calls[0]!.url, 'http://x').pathname, '/epay/notify');
    assert.equal(notify.src, 'epay', "the notify_url's own query is kept");
    assert.equal(notify.pid, PID);
    assert.equal(notify.out_trade_no, params.out_trade_no);
    assert.equal(notify.type, 'alipay');
    assert.equal(notify.name, 'Starter pack 套餐');
    assert.equal(notify.money, '9.99');
    assert.equal(notify.trade_status, 'TRADE_SUCCESS');
    assert.equal(notify.sign_type, 'MD5');
    assert.match(notify.trade_no ?? '', /^\d{19}$/);
    const { src: _src, ...signed } = notify;
    assert.equal(notify.sign, signEpay(signed, KEY));
    assert.deepEqual(json.params, signed);
    assert.equal(fake.getOrder(params.out_trade_no!)?.status, 'paid');

    assert.equal((await controlPay(params.out_trade_no!)).status, 409, 'an order is paid once');
    assert.equal((await submit(params)).status, 400, 'a paid out_trade_no cannot be submitted again');
  });

  test('overrides simulate a wrong amount; a merchant that does not say success is reported', async () => {
    const params = payParams();
    await submit(params);
    merchant.answer.body = 'fail';
    const { json } = await controlPay(params.out_trade_no!, { money: '0.01' });
    assert.equal(json.acknowledged, false);
    assert.deepEqual(json.delivery, { status: 200, body: 'fail' });
    const notify = receivedNotify();
    assert.equal(notify.money, '0.01');
    const { src: _src, ...signed } = notify;
    assert.ok(verifyEpay(signed, KEY), 'still validly signed: the provider itself reports it');

    const res = await fetch(`${base}/__fake/epay/orders/${params.out_trade_no}/pay`, { method: 'POST', body: '{"money":9.99}' });
    assert.equal(res.status, 400);
  });

  test('renotify re-sends exactly the same parameters', async () => {
    const params = payParams();
    await submit(params);
    const first = await controlPay(params.out_trade_no!);
    const res = await fetch(`${base}/__fake/epay/orders/${params.out_trade_no}/renotify`, { method: 'POST' });
    assert.equal(res.status, 200);
    const again = (await res.json()) as NotifyResult;
    assert.deepEqual(again.params, first.json.params);
    assert.equal(merchant.calls.length, 2);
    assert.equal(merchant.calls[1]!.url, merchant.calls[0]!.url);
    assert.equal((await fetch(`${base}/__fake/epay/orders/nope/renotify`, { method: 'POST' })).status, 404);
  });

  test('the pay button notifies, then sends the buyer to return_url with the signed parameters', async () => {
    const params = payParams();
    await submit(params);
    const res = await fetch(`${base}/submit.php/pay?out_trade_no=${params.out_trade_no}`, { method: 'POST', redirect: 'manual' });
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location') ?? '');
    assert.equal(location.origin + location.pathname, 'http://merchant.test/epay/return');
    const back = Object.fromEntries(location.searchParams);
    assert.equal(back.trade_status, 'TRADE_SUCCESS');
    assert.ok(verifyEpay(back, KEY));
    assert.equal(merchant.calls.length, 1);
  });
});
