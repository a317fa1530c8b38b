-- Up Migration
-- Single-use codes that grant a package (sold by resellers, given away by admins).
CREATE TABLE redemption_codes (
  id               bigserial PRIMARY KEY,
  code             text NOT NULL,
  package_id       bigint NOT NULL REFERENCES packages(id),
  status           text NOT NULL DEFAULT 'unused' CHECK (status IN ('unused', 'redeemed')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  redeemed_by      bigint REFERENCES users(id),
  redeemed_at      timestamptz,
  user_package_id  bigint REFERENCES user_packages(id),
  CONSTRAINT redemption_codes_code_key UNIQUE (code)
);

-- Where the customer pays (the provider's page), kept so GET /orders/:no can show it again.
ALTER TABLE payment_orders ADD COLUMN checkout_url text;
CREATE INDEX payment_orders_pending_expiry ON payment_orders (expires_at) WHERE status = 'pending';
CREATE INDEX user_packages_order ON user_packages (order_id) WHERE order_id IS NOT NULL;

-- Down Migration
DROP INDEX IF EXISTS user_packages_order;
DROP INDEX IF EXISTS payment_orders_pending_expiry;
ALTER TABLE payment_orders DROP COLUMN IF EXISTS checkout_url;
DROP TABLE IF EXISTS redemption_codes;
