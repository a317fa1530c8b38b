-- The five indexes of the original operations guide, under their exact names.
--
-- Applied by the migration 1795629600001_add-performance-indexes.js, and also runnable
-- on its own against an already-migrated database:
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f services/backend/migrations/add_performance_indexes.sql
-- Every statement is idempotent, so running it twice changes nothing.

-- API authentication: look a key up by its hash, active keys only.
CREATE INDEX IF NOT EXISTS idx_api_keys_key_hash_status
  ON api_keys (key_hash, status);

-- The package in effect for a user today.
CREATE INDEX IF NOT EXISTS idx_user_packages_user_status_dates
  ON user_packages (user_id, status, start_date, end_date);

-- Today's (or a range of days') usage of a user.
CREATE INDEX IF NOT EXISTS idx_daily_usage_user_date
  ON daily_usage (user_id, usage_date);

-- Orders are looked up by their public number (webhooks, status page).
CREATE INDEX IF NOT EXISTS idx_payment_orders_order_no
  ON payment_orders (order_no);

-- A user's request history, newest first (created on every partition).
CREATE INDEX IF NOT EXISTS idx_usage_logs_user_created
  ON usage_logs (user_id, created_at DESC);
