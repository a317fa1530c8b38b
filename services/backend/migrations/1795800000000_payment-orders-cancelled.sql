-- Up Migration
-- The buyer cancelled the checkout (Stripe's Cancel, or "Cancel this order" on the return
-- page): the order is cancelled, a status of its own, stamped when it happened. Only a
-- pending order is cancelled; a payment that still arrives afterwards is honoured, as for
-- an expired order (the money was taken: the package is added, once).
ALTER TABLE payment_orders DROP CONSTRAINT payment_orders_status_check;
ALTER TABLE payment_orders ADD CONSTRAINT payment_orders_status_check
  CHECK (status IN ('pending', 'paid', 'fulfilled', 'expired', 'refunded', 'failed', 'cancelled'));
ALTER TABLE payment_orders ADD COLUMN cancelled_at timestamptz;

-- Down Migration
UPDATE payment_orders SET status = 'expired' WHERE status = 'cancelled';
ALTER TABLE payment_orders DROP COLUMN IF EXISTS cancelled_at;
ALTER TABLE payment_orders DROP CONSTRAINT payment_orders_status_check;
ALTER TABLE payment_orders ADD CONSTRAINT payment_orders_status_check
  CHECK (status IN ('pending', 'paid', 'fulfilled', 'expired', 'refunded', 'failed'));
