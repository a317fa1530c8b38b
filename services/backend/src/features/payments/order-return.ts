import { createHmac } from 'node:crypto';
import { sameToken } from '../../infra/tokens.js';

/**
 * The pages a payment provider sends the buyer back to: the console's
 * /orders/:order_no/return?sig=… after paying, /orders/:order_no/cancelled?sig=… after
 * cancelling. The signature (an HMAC of the order number under the server's secret) lets
 * those pages show (and cancel) that one order without a session or an API key, and does
 * nothing for someone who only guessed an order number.
 */
export function createOrderReturn({ publicBaseUrl, secret }: { publicBaseUrl: string; secret: string }) {
  const sign = (orderNo: string) => createHmac('sha256', secret).update(`order-return:${orderNo}`).digest('base64url').slice(0, 32);
  return {
    url: (orderNo: string) => `${publicBaseUrl}/orders/${orderNo}/return?sig=${sign(orderNo)}`,
    cancelUrl: (orderNo: string) => `${publicBaseUrl}/orders/${orderNo}/cancelled?sig=${sign(orderNo)}`,
    verify: (orderNo: string, sig: string | undefined) => sameToken(sig, sign(orderNo)),
  };
}

export type OrderReturn = ReturnType<typeof createOrderReturn>;
