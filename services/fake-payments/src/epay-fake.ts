/**
 * A local stand-in for an EPay (易支付) site speaking the common protocol:
 * the buyer is sent to submit.php with MD5-signed parameters, sees a pay page,
 * and on payment the site calls the merchant's notify_url with a signed GET
 * that must be answered with the plain text `success`.
 *
 * Control endpoints under /__fake/epay/ pay and re-notify without a browser.
 * Error pages name what is wrong but never the merchant key or a valid signature.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyError, type Delivery, deliver, parseOptionalJsonObject, readBody, redirect, sendHtml, sendJson, splitUrl } from './http-util.js';
import { type EpayOrder, EpayRequestError, MONEY_PATTERN, newTradeNo, parseSubmit } from './epay-order.js';
import { signEpay } from './epay-sign.js';
import { deliveryReportPage, epayPayPage, errorPage } from './pages.js';
import { type FakeServer, type RequestHandler, serveHandlers } from './server.js';

export type { EpayOrder } from './epay-order.js';

export interface FakeEpayOptions {
  /** The merchant id (商户ID) the fake accepts. */
  pid: string;
  /** The merchant key (商户密钥) both sides sign with. */
  key: string;
}

/** `params` are exactly what was sent to notify_url, signature included. */
export interface NotifyResult {
  params: Record<string, string>;
  delivery: Delivery;
  /** The merchant answered the plain text `success`, the only answer EPay accepts. */
  acknowledged: boolean;
}

export interface EpayHandler {
  /** Claims /submit.php, /submit.php/* and /__fake/epay/*; returns false for any other path. */
  handle: RequestHandler;
  /** Marks the order paid and sends the signed notify; overrides simulate a lying or failing provider. */
  pay(outTradeNo: string, overrides?: { money?: string; tradeStatus?: string }): Promise<NotifyResult>;
  /** Re-sends the last notify unchanged (same trade_no, same signature). */
  renotify(outTradeNo: string): Promise<NotifyResult>;
  getOrder(outTradeNo: string): EpayOrder | undefined;
}

export interface FakeEpay extends EpayHandler, FakeServer {}

const CONTROL_ORDER = /^\/__fake\/epay\/orders\/([^/]+)(?:\/(pay|renotify))?$/;

function decodeSegment(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return segment ?? '';
  }
}

export function createEpayHandler(options: FakeEpayOptions): EpayHandler {
  if (!options.pid || !options.key) throw new TypeError('createFakeEpay: pid and key are required');
  const orders = new Map<string, EpayOrder>();

  function findOrder(outTradeNo: string): EpayOrder {
    const order = orders.get(outTradeNo);
    if (!order) throw new EpayRequestError(404, `订单不存在 (no order with out_trade_no ${outTradeNo})`);
    return order;
  }

  async function notify(params: Record<string, string>, notifyUrl: string): Promise<NotifyResult> {
    const target = `${notifyUrl}${notifyUrl.includes('?') ? '&' : '?'}${new URLSearchParams(params).toString()}`;
    const delivery = await deliver(target, { method: 'GET', headers: { 'user-agent': 'Mozilla/5.0 (fake-epay notify)' } });
    return { params, delivery, acknowledged: delivery.status === 200 && delivery.body.trim() === 'success' };
  }

  async function pay(outTradeNo: string, overrides: { money?: string; tradeStatus?: string } = {}): Promise<NotifyResult> {
    const order = findOrder(outTradeNo);
    if (order.status === 'paid') throw new EpayRequestError(409, `订单已支付 (order ${outTradeNo} is already paid; use renotify to resend)`);
    const tradeStatus = overrides.tradeStatus ?? 'TRADE_SUCCESS';
    const unsigned: Record<string, string> = {
      pid: order.pid,
      trade_no: order.trade_no,
      out_trade_no: order.out_trade_no,
      type: order.type,
      name: order.name,
      money: overrides.money ?? order.money,
      trade_status: tradeStatus,
    };
    if (order.param !== null) unsigned.param = order.param;
    const params = { ...unsigned, sign: signEpay(unsigned, options.key), sign_type: 'MD5' };
    // A non-success status (e.g. a simulated TRADE_CLOSED) leaves the order payable.
    if (tradeStatus === 'TRADE_SUCCESS') order.status = 'paid';
    order.notify = params;
    return notify(params, order.notify_url);
  }

  async function renotify(outTradeNo: string): Promise<NotifyResult> {
    const order = findOrder(outTradeNo);
    if (order.notify === null) throw new EpayRequestError(409, `订单未支付 (order ${outTradeNo} was never paid, nothing to resend)`);
    return notify(order.notify, order.notify_url);
  }

  async function submit(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const raw = req.method === 'POST' ? await readBody(req) : '';
    // Real sites read PHP's $_REQUEST, so a POSTed form may also carry parameters in the URL.
    const params = Object.fromEntries([...query, ...new URLSearchParams(raw)]);
    const order = parseSubmit(params, options);
    const previous = orders.get(order.out_trade_no);
    if (previous?.status === 'paid') throw new EpayRequestError(400, `订单号已存在 (out_trade_no ${order.out_trade_no} is already paid)`);
    // Re-submitting a pending order (the buyer came back) keeps its trade_no, as real sites do.
    order.trade_no = previous?.trade_no ?? newTradeNo();
    orders.set(order.out_trade_no, order);
    sendHtml(res, 200, epayPayPage(order));
  }

  /** The pay page's button: notify the merchant, then send the buyer to return_url like the real site. */
  async function payButton(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    await readBody(req);
    const outTradeNo = query.get('out_trade_no') ?? '';
    const result = await pay(outTradeNo);
    const order = findOrder(outTradeNo);
    if (result.acknowledged && order.return_url !== null) {
      const sep = order.return_url.includes('?') ? '&' : '?';
      return redirect(res, `${order.return_url}${sep}${new URLSearchParams(result.params).toString()}`);
    }
    const { delivery } = result;
    const summary =
      delivery.error !== undefined
        ? `The notify could not be delivered: ${delivery.error}.`
        : `The merchant answered the notify with HTTP ${delivery.status}: ${JSON.stringify(delivery.body.slice(0, 200))}.`;
    sendHtml(res, 200, deliveryReportPage('支付完成 Payment recorded', summary, order.return_url));
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (path === '/__fake/epay/orders' && method === 'GET') {
      return sendJson(res, 200, { data: [...orders.values()].reverse() });
    }
    const match = CONTROL_ORDER.exec(path);
    const outTradeNo = decodeSegment(match?.[1]);
    if (match && match[2] === undefined && method === 'GET') return sendJson(res, 200, findOrder(outTradeNo));
    if (match?.[2] === 'renotify' && method === 'POST') {
      await readBody(req);
      return sendJson(res, 200, await renotify(outTradeNo));
    }
    if (match?.[2] === 'pay' && method === 'POST') {
      const body = parseOptionalJsonObject(await readBody(req));
      const { money, trade_status: tradeStatus } = body;
      if (money !== undefined && (typeof money !== 'string' || !MONEY_PATTERN.test(money))) {
        throw new EpayRequestError(400, 'money must be a decimal string such as "9.99"');
      }
      if (tradeStatus !== undefined && (typeof tradeStatus !== 'string' || tradeStatus === '')) {
        throw new EpayRequestError(400, 'trade_status must be a non-empty string');
      }
      return sendJson(res, 200, await pay(outTradeNo, { money, tradeStatus }));
    }
    throw new EpayRequestError(404, `Unknown control endpoint: ${method} ${path}`);
  }

  const handle: RequestHandler = (req, res) => {
    const { path, query } = splitUrl(req.url);
    const method = req.method ?? 'GET';
    let work: Promise<void>;
    let html = true;
    if (path === '/submit.php' && (method === 'GET' || method === 'POST')) work = submit(req, res, query);
    else if (path === '/submit.php/pay' && method === 'POST') work = payButton(req, res, query);
    else if (path.startsWith('/__fake/epay/')) {
      html = false;
      work = control(req, res, path);
    } else if (path === '/submit.php' || path.startsWith('/submit.php/')) {
      work = Promise.reject(new EpayRequestError(405, `Method ${method} is not allowed on ${path}`));
    } else return false;
    work
      .catch((err: unknown) => {
        const status = err instanceof EpayRequestError || err instanceof BodyError ? err.status : 500;
        const message = err instanceof Error ? err.message : String(err);
        if (html) sendHtml(res, status, errorPage('易支付 Fake EPay', message));
        else sendJson(res, status, { error: { message } });
      })
      .catch(() => res.destroy());
    return true;
  };

  return { handle, pay, renotify, getOrder: (no) => orders.get(no) };
}

export function createFakeEpay(options: FakeEpayOptions): FakeEpay {
  const handler = createEpayHandler(options);
  return { ...handler, ...serveHandlers([handler.handle]) };
}
