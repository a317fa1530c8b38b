import { z } from 'zod';
import { ORDER_STATUSES } from '../../contract/console-api.js';
import { queryInt, text } from '../../infra/input-fields.js';

/** GET /api/admin/orders?status&user_id&provider&before&limit. */
export const orderListQuery = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  user_id: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  provider: text().max(32).optional(),
  before: z
    .string()
    .regex(/^[A-Z0-9]{1,40}$/, 'expected an order number')
    .optional(),
  limit: queryInt(1, 500).default(100),
});

/** GET /api/admin/payment-events?order_no&provider&limit. */
export const paymentEventsQuery = z.object({
  order_no: text().max(40).optional(),
  provider: text().max(32).optional(),
  limit: queryInt(1, 500).default(100),
});
