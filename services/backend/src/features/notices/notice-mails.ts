import { compose } from '../accounts/account-mails.js';
import type { Locale } from '../../contract/console-api.js';
import type { Mail } from '../accounts/mailer.js';
import { wallTime } from '../../domain/business-day.js';

/** What a limit warning is about: a weekly limit (any measure) or the daily credit limit. */
export type WatchedWindow = 'week' | 'day';
export type Measure = 'requests' | 'tokens' | 'credits';

export interface ReceiptMail {
  orderNo: string;
  packageName: string;
  amountCents: number;
  currency: string;
  startDate: string | null;
  endDate: string | null;
  /** Epoch ms of the payment, when known. */
  paidAt: number | null;
}

export interface LimitWarningMail {
  window: WatchedWindow;
  measure: Measure;
  threshold: 80 | 100;
  used: number;
  limit: number;
  /** Epoch ms: when the window begins again. */
  resetsAt: number;
}

export interface EndingMail {
  packageName: string;
  endDate: string;
}

/** Where the mails' links go, and the zone their times are shown in. */
export interface MailContext {
  publicBaseUrl: string;
  timeZone: string;
}

const zh = (locale: Locale | null) => locale === 'zh';

export function money(cents: number, currency: string, locale: Locale | null): string {
  // Whole units of every currency the gateway sells in have two decimals (USD, CNY).
  return new Intl.NumberFormat(zh(locale) ? 'zh-CN' : 'en-US', { style: 'currency', currency }).format(cents / 100);
}

/** "4 of 5 requests", "$0.80 of $1.00" (credits are micro-dollars); "4 / 5 次请求" in Chinese. */
function usage(measure: Measure, used: number, limit: number, locale: Locale | null): string {
  const tag = zh(locale) ? 'zh-CN' : 'en-US';
  if (measure === 'credits') {
    const dollars = new Intl.NumberFormat(tag, { style: 'currency', currency: 'USD', maximumFractionDigits: 4 });
    return zh(locale) ? `${dollars.format(used / 1e6)} / ${dollars.format(limit / 1e6)}` : `${dollars.format(used / 1e6)} of ${dollars.format(limit / 1e6)}`;
  }
  const n = new Intl.NumberFormat(tag);
  if (zh(locale)) return `${n.format(used)} / ${n.format(limit)} ${measure === 'requests' ? '次请求' : '个 token'}`;
  return `${n.format(used)} of ${n.format(limit)} ${measure}`;
}

/** An instant in the business time zone, with the zone named: "2026-12-14 05:00 UTC". */
export const instant = (ms: number, timeZone: string): string => wallTime(timeZone, new Date(ms));

const limitName: Record<WatchedWindow, Record<Measure, { en: string; zh: string }>> = {
  week: {
    requests: { en: 'weekly request limit', zh: '每周请求限额' },
    tokens: { en: 'weekly token limit', zh: '每周 token 限额' },
    credits: { en: 'weekly credit limit', zh: '每周额度' },
  },
  day: {
    requests: { en: 'daily request limit', zh: '每日请求限额' },
    tokens: { en: 'daily token limit', zh: '每日 token 限额' },
    credits: { en: 'daily credit limit', zh: '每日额度' },
  },
};

const settingsFooter = (ctx: MailContext, locale: Locale | null, what: { en: string; zh: string }) =>
  zh(locale) ? `您可以在账户页面关闭${what.zh}：${ctx.publicBaseUrl}/account` : `You can turn ${what.en} off in Account: ${ctx.publicBaseUrl}/account`;

/** The receipt after a payment: order, package, amount and the period it bought. */
export function receiptMail(to: string, r: ReceiptMail, locale: Locale | null, ctx: MailContext): Mail {
  const paid = money(r.amountCents, r.currency, locale);
  const footer = settingsFooter(ctx, locale, { en: 'receipts', zh: '收据邮件' });
  if (zh(locale)) {
    return compose(
      to,
      `Codex Gateway 收据：订单 ${r.orderNo}`,
      [
        '感谢您的付款，套餐已添加到您的账户。',
        `订单号：${r.orderNo}`,
        `套餐：${r.packageName}`,
        `支付金额：${paid}`,
        ...(r.paidAt ? [`付款时间：${instant(r.paidAt, ctx.timeZone)}`] : []),
        ...(r.startDate && r.endDate ? [`有效期：${r.startDate} 至 ${r.endDate}（含）`] : []),
      ],
      { href: `${ctx.publicBaseUrl}/orders`, label: '查看我的订单' },
      footer,
    );
  }
  return compose(
    to,
    `Your Codex Gateway receipt for order ${r.orderNo}`,
    [
      'Thank you for your payment: the package is on your account.',
      `Order: ${r.orderNo}`,
      `Package: ${r.packageName}`,
      `Amount paid: ${paid}`,
      ...(r.paidAt ? [`Paid at: ${instant(r.paidAt, ctx.timeZone)}`] : []),
      ...(r.startDate && r.endDate ? [`Period: ${r.startDate} to ${r.endDate} (inclusive)`] : []),
    ],
    { href: `${ctx.publicBaseUrl}/orders`, label: 'See your orders' },
    footer,
  );
}

/** At 80 % or 100 % of a weekly or credit limit: how much is used, when it resets, the way forward. */
export function limitWarningMail(to: string, w: LimitWarningMail, locale: Locale | null, ctx: MailContext): Mail {
  const name = limitName[w.window][w.measure];
  const used = usage(w.measure, w.used, w.limit, locale);
  const pct = Math.floor((w.used * 100) / w.limit);
  const resets = instant(w.resetsAt, ctx.timeZone);
  const footer = settingsFooter(ctx, locale, { en: 'these warnings', zh: '用量提醒邮件' });
  const buy = `${ctx.publicBaseUrl}/buy`;
  if (zh(locale)) {
    return compose(
      to,
      w.threshold === 100 ? `您已达到 Codex Gateway ${name.zh}` : `您已用掉 Codex Gateway ${name.zh}的 80%`,
      [
        w.threshold === 100 ? `您已达到${name.zh}（已用 ${used}）。在限额重置之前，新的请求会被拒绝。` : `您的${name.zh}已用掉 ${pct}%（${used}）。`,
        `限额将于 ${resets} 重置。`,
        '如需在此之前继续使用，可以购买或升级套餐：',
      ],
      { href: buy, label: '购买套餐' },
      footer,
    );
  }
  return compose(
    to,
    w.threshold === 100 ? `You have reached your Codex Gateway ${name.en}` : `You have used 80% of your Codex Gateway ${name.en}`,
    [
      w.threshold === 100
        ? `You have reached your ${name.en} (${used} used): requests are refused until it resets.`
        : `You have used ${pct}% of your ${name.en} (${used}).`,
      `It resets at ${resets}.`,
      'To keep going before then, buy or upgrade a package:',
    ],
    { href: buy, label: 'Buy a package' },
    footer,
  );
}

/** A few days before the current package ends, when nothing is queued after it. */
export function packageEndingMail(to: string, e: EndingMail, locale: Locale | null, ctx: MailContext): Mail {
  const footer = settingsFooter(ctx, locale, { en: 'these reminders', zh: '到期提醒邮件' });
  if (zh(locale)) {
    return compose(
      to,
      `您的 Codex Gateway 套餐将于 ${e.endDate} 到期`,
      [
        `您的套餐"${e.packageName}"将于 ${e.endDate} 到期（当天仍可使用），之后没有已购买的套餐。`,
        '如需不间断地使用 API，请现在购买新套餐，它会在当前套餐结束后开始：',
      ],
      { href: `${ctx.publicBaseUrl}/buy`, label: '购买套餐' },
      footer,
    );
  }
  return compose(
    to,
    `Your Codex Gateway package ends on ${e.endDate}`,
    [
      `Your package "${e.packageName}" ends on ${e.endDate} (the last day it can be used), and no package follows it.`,
      'To keep using the API without a break, buy a package now: it starts when this one ends.',
    ],
    { href: `${ctx.publicBaseUrl}/buy`, label: 'Buy a package' },
    footer,
  );
}
