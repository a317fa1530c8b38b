export type { OrderList, OrderStatusAnswer, OrderView, PlaceOrderRequest } from '@codex-gateway/backend/console-api';
