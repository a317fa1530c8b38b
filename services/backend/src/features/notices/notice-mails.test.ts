import assert from 'node:assert/strict';
import { test } from 'node:test';
import { thresholdOf } from './limit-watch.js';
import { instant, limitWarningMail, packageEndingMail, receiptMail } from './notice-mails.js';

const ctx = { publicBaseUrl: 'https://gw.example', timeZone: 'Asia/Shanghai' };

test('a warning is due at four fifths of a limit and at all of it, for the measure furthest along', () => {
  const cases: Array<[string, Parameters<typeof thresholdOf>[0], ReturnType<typeof thresholdOf>]> = [
    ['below 80 %', [{ measure: 'requests', used: 3, limit: 5 }], undefined],
    ['exactly 80 %', [{ measure: 'requests', used: 4, limit: 5 }], { threshold: 80, measure: 'requests', used: 4, limit: 5 }],
    ['all of it', [{ measure: 'requests', used: 5, limit: 5 }], { threshold: 100, measure: 'requests', used: 5, limit: 5 }],
    ['past it', [{ measure: 'credits', used: 1_200_000, limit: 1_000_000 }], { threshold: 100, measure: 'credits', used: 1_200_000, limit: 1_000_000 }],
    ['no limit', [{ measure: 'tokens', used: 10, limit: null }], undefined],
    ['a limit of zero warns of nothing', [{ measure: 'tokens', used: 0, limit: 0 }], undefined],
    [
      'the highest threshold of several',
      [
        { measure: 'requests', used: 81, limit: 100 },
        { measure: 'tokens', used: 1000, limit: 1000 },
      ],
      { threshold: 100, measure: 'tokens', used: 1000, limit: 1000 },
    ],
    ['exact for large numbers', [{ measure: 'tokens', used: 799_999_999_999, limit: 1_000_000_000_000 }], undefined],
  ];
  for (const [name, readings, expected] of cases) assert.deepEqual(thresholdOf(readings), expected, name);
});

test('times in mails are in the business time zone, with the zone named', () => {
  assert.equal(instant(Date.parse('2026-12-07T20:30:00Z'), 'UTC'), '2026-12-07 20:30 UTC');
  assert.equal(instant(Date.parse('2026-12-07T20:30:00Z'), 'Asia/Shanghai'), '2026-12-08 04:30 GMT+8');
});

test('a receipt names the order, the package, the amount and the period, in English and in Chinese', () => {
  const r = {
    orderNo: 'CG1',
    packageName: 'Pro',
    amountCents: 1999,
    currency: 'USD',
    startDate: '2026-12-07',
    endDate: '2027-01-05',
    paidAt: Date.parse('2026-12-07T02:00:00Z'),
  };
  const en = receiptMail('a@example.test', r, null, ctx);
  assert.equal(en.subject, 'Your Codex Gateway receipt for order CG1');
  for (const fact of [
    'Order: CG1',
    'Package: Pro',
    'Amount paid: $19.99',
    'Period: 2026-12-07 to 2027-01-05',
    'Paid at: 2026-12-07 10:00 GMT+8',
    'https://gw.example/orders',
    'https://gw.example/account',
  ])
    assert.ok(en.text.includes(fact), fact);
  const zh = receiptMail('a@example.test', { ...r, amountCents: 6800, currency: 'CNY' }, 'zh', ctx);
  for (const fact of ['订单号：CG1', '套餐：Pro', '¥68.00', '有效期：2026-12-07 至 2027-01-05']) assert.ok(zh.text.includes(fact), fact);
  assert.ok(zh.html.includes('订单号：CG1'), 'the HTML part carries the same text');
});

test('a limit warning says how much is used, when the limit resets and the way forward', () => {
  const w = {
    window: 'week' as const,
    measure: 'credits' as const,
    threshold: 80 as const,
    used: 8_500_000,
    limit: 10_000_000,
    resetsAt: Date.parse('2026-12-14T00:00:00Z'),
  };
  const en = limitWarningMail('a@example.test', w, 'en', ctx);
  assert.equal(en.subject, 'You have used 80% of your Codex Gateway weekly credit limit');
  for (const fact of ['85%', '$8.50 of $10.00', 'It resets at 2026-12-14 08:00 GMT+8', 'https://gw.example/buy']) assert.ok(en.text.includes(fact), fact);
  const reached = limitWarningMail('a@example.test', { ...w, measure: 'requests', threshold: 100, used: 50, limit: 50 }, 'zh', ctx);
  assert.equal(reached.subject, '您已达到 Codex Gateway 每周请求限额');
  assert.ok(reached.text.includes('50 / 50 次请求'), reached.text);
});

test('the reminder names the package and its last day', () => {
  const mail = packageEndingMail('a@example.test', { packageName: 'Starter', endDate: '2026-12-10' }, null, ctx);
  assert.equal(mail.subject, 'Your Codex Gateway package ends on 2026-12-10');
  assert.ok(mail.text.includes('"Starter" ends on 2026-12-10'));
});
