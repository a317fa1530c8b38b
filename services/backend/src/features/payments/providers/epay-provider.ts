import { timingSafeEqual } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import type { Config } from '../../../infra/config.js';
import type { Logger } from '../../../infra/logger.js';
import { createRouter, route } from '../../../infra/routes.js';
import type { FulfilmentService } from '../fulfilment-service.js';
import { centsToMoney, moneyToCents, signEpay } from './epay-sign.js';
import { type PaymentProvider, PROVIDER_SIGNATURE } from './payment-provider.js';

type EpayConfig = NonNullable<Config['payments']['epay']>;

/**
 * EPay (易支付): a signed link to the reseller's submit.php. Its `money` carries no
 * currency: it is always the merchant account's, so only packages priced in it are offered.
 */
export function createEpayProvider(config: EpayConfig, publicBaseUrl: string, returnUrl: (orderNo: string) => string): PaymentProvider {
  return {
    name: 'epay',
    currencies: [config.currency],
    async createCheckout(order, packageName) {
      const params: Record<string, string> = {
        pid: config.pid,
        type: config.payType,
        out_trade_no: order.order_no,
        notify_url: `${publicBaseUrl}/api/payments/notify/epay`,
        return_url: returnUrl(order.order_no),
        name: packageName.slice(0, 100),
        money: centsToMoney(order.amount_cents),
      };
      const query = new URLSearchParams({ ...params, sign: signEpay(params, config.key), sign_type: 'MD5' });
      return { checkoutUrl: `${config.gatewayUrl}/submit.php?${query}`, providerRef: null };
    },
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * GET|POST /api/payments/notify/epay: EPay's asynchronous notify. The signature is
 * checked first; the protocol wants the plain text "success" once the merchant has the
 * payment (or had it already), anything else makes the site notify again.
 */
export function createEpayNotifyRoute(deps: { config: EpayConfig; fulfilment: FulfilmentService; logger: Logger }): Router {
  const router = createRouter();
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const handle = async (req: Request, params: Record<string, string>) => {
    const sign = params.sign ?? '';
    if (params.pid !== deps.config.pid || !sameText(sign.toLowerCase(), signEpay(params, deps.config.key))) {
      deps.logger.warn({ provider: 'epay', orderNo: params.out_trade_no }, 'epay notify refused: bad signature');
      return 'fail';
    }
    if (params.trade_status !== 'TRADE_SUCCESS') return 'success';
    const cents = moneyToCents(params.money ?? '');
    if (!params.trade_no || !params.out_trade_no || cents === undefined) return 'fail';
    const outcome = await deps.fulfilment.fulfil({
      provider: 'epay',
      eventId: params.trade_no,
      eventType: 'trade_success',
      orderNo: params.out_trade_no,
      amountCents: cents,
      payload: { trade_no: params.trade_no, money: params.money, type: params.type, ip: req.ip },
    });
    return outcome === 'amount_mismatch' || outcome === 'unknown_order' ? 'fail' : 'success';
  };
  const flatten = (input: unknown): Record<string, string> =>
    Object.fromEntries(Object.entries((input ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>;

  const spec = { access: PROVIDER_SIGNATURE, summary: "EPay's signed payment notify (answers success or fail)", ownBody: true };
  route(router, 'get', '/notify/epay', spec, async (_in, res, req) => {
    res.type('text/plain').send(await handle(req, flatten(req.query)));
  });
  route(router, 'post', '/notify/epay', { ...spec, middleware: [form] }, async (_in, res, req) => {
    res.type('text/plain').send(await handle(req, { ...flatten(req.query), ...flatten(req.body) }));
  });
  return router;
}
