/**
 * The few HTML pages a human sees when clicking through the local stack: each
 * provider's pay page and the error pages real providers show. Deliberately
 * plain; every dynamic value goes through escapeHtml.
 */

import { escapeHtml } from './http-util.js';

// ISO 4217 currencies Stripe treats as having no minor unit (amounts are whole units).
const ZERO_DECIMAL = new Set('bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '));

/** 999 usd → "9.99 USD", 500 jpy → "500 JPY". */
export function formatMinorUnits(amount: number | null, currency: string | null): string {
  if (amount === null) return '—';
  const code = (currency ?? '').toUpperCase();
  const value = ZERO_DECIMAL.has(currency ?? '') ? String(amount) : (amount / 100).toFixed(2);
  return `${value} ${code}`.trim();
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem; color: #222; }
  .amount { font-size: 2rem; font-weight: 600; margin: 1rem 0; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: .25rem 1rem; font-size: .9rem; }
  dt { color: #666; } dd { margin: 0; word-break: break-all; }
  button { font-size: 1rem; padding: .6rem 1.6rem; border: 0; border-radius: .4rem; background: #635bff; color: #fff; cursor: pointer; }
  .note { color: #888; font-size: .8rem; margin-top: 2rem; }
  .error { color: #b00020; }
</style>
</head>
<body>
${body}
<p class="note">Local fake for development: no real money moves.</p>
</body>
</html>
`;
}

function details(rows: ReadonlyArray<readonly [string, string | null | undefined]>): string {
  const items = rows
    .filter((row): row is readonly [string, string] => row[1] !== null && row[1] !== undefined && row[1] !== '')
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`);
  return `<dl>${items.join('')}</dl>`;
}

export function stripeCheckoutPage(session: {
  id: string;
  amount_total: number | null;
  currency: string | null;
  client_reference_id: string | null;
  status: string;
  cancel_url: string | null;
}): string {
  const open = session.status === 'open';
  const action = `/checkout/${encodeURIComponent(session.id)}/pay`;
  const cancel = session.cancel_url ? ` <a href="${escapeHtml(session.cancel_url)}">Cancel</a>` : '';
  return layout(
    'Fake Stripe Checkout',
    `<h1>Fake Stripe Checkout</h1>
<div class="amount">${escapeHtml(formatMinorUnits(session.amount_total, session.currency))}</div>
${details([
  ['Session', session.id],
  ['Reference', session.client_reference_id],
  ['Status', session.status],
])}
${open ? `<form method="post" action="${escapeHtml(action)}"><button type="submit">Pay</button>${cancel}</form>` : `<p class="error">This Checkout Session is ${escapeHtml(session.status)}.</p>`}`,
  );
}

export function epayPayPage(order: { out_trade_no: string; trade_no: string; name: string; money: string; type: string; return_url: string | null }): string {
  const action = `/submit.php/pay?out_trade_no=${encodeURIComponent(order.out_trade_no)}`;
  // Real cashier pages let the buyer go back without paying: to return_url, with nothing signed (no payment to report).
  const back = order.return_url ? ` <a href="${escapeHtml(order.return_url)}">返回商户 Back to the merchant</a>` : '';
  return layout(
    'Fake EPay 收银台',
    `<h1>Fake EPay 收银台</h1>
<div class="amount">¥${escapeHtml(order.money)}</div>
${details([
  ['商品 Item', order.name],
  ['支付方式 Method', order.type],
  ['商户订单号 Order', order.out_trade_no],
  ['交易号 Trade', order.trade_no],
])}
<form method="post" action="${escapeHtml(action)}"><button type="submit">立即支付 Pay</button>${back}</form>`,
  );
}

/** Real EPay sites answer a bad request with a short human page, not JSON. */
export function errorPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p class="error">${escapeHtml(message)}</p>`);
}

/** Shown after paying when the merchant did not acknowledge, so the human sees why nothing happened. */
export function deliveryReportPage(title: string, summary: string, continueUrl: string | null): string {
  const next = continueUrl ? `<p><a href="${escapeHtml(continueUrl)}">Continue to the merchant</a></p>` : '';
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(summary)}</p>${next}`);
}
