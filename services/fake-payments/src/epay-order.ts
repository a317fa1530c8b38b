/**
 * Validation of an EPay submit.php request and the order it creates. Checks run
 * in the order real EPay sites apply them (merchant, parameters, signature,
 * values), so a merchant sees the same first complaint it would in production.
 */

import { epaySigningString, verifyEpay } from './epay-sign.js';
import { unixSeconds } from './http-util.js';

/** An answer with a status and a message safe to show (no key, no expected signature). */
export class EpayRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface EpayOrder {
  pid: string;
  /** The fake's own transaction number, sent back as trade_no. */
  trade_no: string;
  out_trade_no: string;
  type: string;
  name: string;
  /** Kept as the merchant's decimal string: it is signed verbatim, so reformatting would break signatures. */
  money: string;
  notify_url: string;
  return_url: string | null;
  /** Optional pass-through value, returned in the notify. */
  param: string | null;
  status: 'pending' | 'paid';
  created: number;
  /** The signed notify parameters last sent, re-sent as-is by renotify. */
  notify: Record<string, string> | null;
}

export const MONEY_PATTERN = /^(0|[1-9]\d{0,8})(\.\d{1,2})?$/;
const TYPE_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
const OUT_TRADE_NO_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const REQUIRED = ['type', 'out_trade_no', 'notify_url', 'name', 'money'] as const;

let sequence = 0;

/** Looks like real EPay trade numbers: a timestamp followed by digits, 19 characters. */
export function newTradeNo(): string {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  sequence = (sequence + 1) % 100_000;
  return stamp + String(sequence).padStart(5, '0');
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

const bad = (message: string): EpayRequestError => new EpayRequestError(400, message);

/** Validates submit.php parameters; trade_no is left empty for the caller to assign. */
export function parseSubmit(params: Record<string, string>, merchant: { pid: string; key: string }): EpayOrder {
  // Values are used untrimmed: they were signed verbatim and go back verbatim in the notify.
  const get = (name: string): string => params[name] ?? '';
  const pid = get('pid');
  if (pid === '') throw bad('缺少参数 pid (missing parameter: pid)');
  if (pid !== merchant.pid) throw bad(`商户不存在 (no merchant with pid ${pid})`);
  for (const name of REQUIRED) {
    if (get(name) === '') throw bad(`缺少参数 ${name} (missing parameter: ${name})`);
  }
  if (get('sign') === '') throw bad('缺少参数 sign (missing parameter: sign)');
  const signType = get('sign_type');
  if (signType !== '' && signType.toUpperCase() !== 'MD5') {
    throw bad(`签名类型不支持 (unsupported sign_type ${signType}; only MD5)`);
  }
  if (!verifyEpay(params, merchant.key)) {
    // The signed string is built from the merchant's own parameters, so showing it leaks
    // nothing and is exactly what a developer needs to find the mismatch.
    throw bad(`签名校验失败 (signature verification failed; expected MD5 of "${epaySigningString(params)}" followed by the merchant key)`);
  }
  const money = get('money');
  if (!MONEY_PATTERN.test(money) || Number(money) <= 0) throw bad(`金额不合法 (invalid money ${money}; expected e.g. "9.99")`);
  const type = get('type');
  if (!TYPE_PATTERN.test(type)) throw bad(`支付方式不存在 (unknown payment type ${type})`);
  const outTradeNo = get('out_trade_no');
  if (!OUT_TRADE_NO_PATTERN.test(outTradeNo)) throw bad('订单号格式错误 (out_trade_no must be 1-64 letters, digits, _ . -)');
  const notifyUrl = get('notify_url');
  if (!isHttpUrl(notifyUrl)) throw bad('notify_url 格式错误 (notify_url must be an http(s) URL)');
  const returnUrl = get('return_url');
  if (returnUrl !== '' && !isHttpUrl(returnUrl)) throw bad('return_url 格式错误 (return_url must be an http(s) URL)');
  return {
    pid,
    trade_no: '',
    out_trade_no: outTradeNo,
    type,
    name: get('name'),
    money,
    notify_url: notifyUrl,
    return_url: returnUrl === '' ? null : returnUrl,
    param: get('param') === '' ? null : get('param'),
    status: 'pending',
    created: unixSeconds(),
    notify: null,
  };
}
