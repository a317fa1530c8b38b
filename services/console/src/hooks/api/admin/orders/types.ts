export type { AdminOrderDetail, AdminOrderList, AdminOrderView, OrderStatus, PaymentEventView, RefundedOrder } from '@codex-gateway/backend/admin-api';

export interface OrderFilters {
  status: string;
  provider: string;
  /** Digits only, or empty. */
  userId: string;
}
