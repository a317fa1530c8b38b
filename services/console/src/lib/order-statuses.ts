import type { OrderStatus } from '../hooks/api/admin/orders/types';

// Checked against the contract's status type both ways (none missing, none extra), without
// loading the contract module (and zod) for a list of words.
const ORDER = { pending: 0, paid: 1, fulfilled: 2, expired: 3, refunded: 4, failed: 5, cancelled: 6 } satisfies Record<OrderStatus, number>;

/** The order statuses, in the order an order passes through them. */
export const ORDER_STATUSES = Object.keys(ORDER) as OrderStatus[];
