/**
 * The MD5 signature of the common EPay (易支付) protocol, used both for the
 * merchant's pay request and for the provider's notify/return callbacks:
 *
 *   1. drop `sign`, `sign_type` and every empty value;
 *   2. sort the remaining keys by ASCII, ascending;
 *   3. join as `k1=v1&k2=v2` with the raw (not URL-encoded) values;
 *   4. append the merchant key directly, with no separator;
 *   5. MD5, lowercase hex.
 */

import { createHash } from 'node:crypto';
import { safeEqual } from './http-util.js';

export type EpayParams = Readonly<Record<string, string | number | null | undefined>>;

/** The string that gets hashed, without the key; handy when a merchant's signature disagrees. */
export function epaySigningString(params: EpayParams): string {
  return (
    Object.keys(params)
      .filter((k) => k !== 'sign' && k !== 'sign_type')
      .filter((k) => {
        const v = params[k];
        return v !== undefined && v !== null && String(v) !== '';
      })
      // Plain code-unit comparison, i.e. ASCII order for EPay's ASCII keys (not localeCompare).
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((k) => `${k}=${String(params[k])}`)
      .join('&')
  );
}

export function signEpay(params: EpayParams, key: string): string {
  return createHash('md5')
    .update(epaySigningString(params) + key, 'utf8')
    .digest('hex');
}

/** True when `params.sign` is the signature of the other params under `key`. */
export function verifyEpay(params: EpayParams, key: string): boolean {
  const sign = params.sign;
  if (typeof sign !== 'string' || sign === '') return false;
  // Strict, lowercase included: real EPay servers compare the strings as-is.
  return safeEqual(sign, signEpay(params, key));
}
