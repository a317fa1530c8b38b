import { createHash } from 'node:crypto';

/**
 * EPay's MD5 signature: every parameter but sign and sign_type, empty ones left out,
 * sorted by name, joined as k=v&k=v (raw values), followed by the merchant key.
 */
export function signEpay(params: Record<string, string>, key: string): string {
  const text = Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && params[k] !== '' && params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return createHash('md5')
    .update(text + key, 'utf8')
    .digest('hex');
}

/** Cents to EPay's decimal money string ("9.99"). */
export function centsToMoney(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** EPay's money string to cents, or undefined when it is not a plain decimal amount. */
export function moneyToCents(money: string): number | undefined {
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(money);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}
