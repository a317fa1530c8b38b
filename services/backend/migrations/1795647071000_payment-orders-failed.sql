-- Up Migration
-- A delayed payment method (bank debit, voucher…) can fail after the checkout completed:
-- the order then ends as failed. A payment that still arrives later is honoured, as for
-- an expired order.
ALTER TABLE payment_orders DROP CONSTRAINT payment_orders_status_check;
ALTER TABLE payment_orders ADD CONSTRAINT payment_orders_status_check
  CHECK (status IN ('pending', 'paid', 'fulfilled', 'expired', 'refunded', 'failed'));

-- Down Migration
UPDATE payment_orders SET status = 'expired' WHERE status = 'failed';
ALTER TABLE payment_orders DROP CONSTRAINT payment_orders_status_check;
ALTER TABLE payment_orders ADD CONSTRAINT payment_orders_status_check
  CHECK (status IN ('pending', 'paid', 'fulfilled', 'expired', 'refunded'));
