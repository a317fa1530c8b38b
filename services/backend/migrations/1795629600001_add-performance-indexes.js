// The indexes live in a plain SQL file so that operators can also apply them with
// `psql -f` (as the original guide does); this migration applies the same file.
import { readFileSync } from 'node:fs';

const sql = readFileSync(new URL('./add_performance_indexes.sql', import.meta.url), 'utf8');

export const up = (pgm) => {
  pgm.sql(sql);
};

export const down = (pgm) => {
  pgm.sql(`
    DROP INDEX IF EXISTS idx_api_keys_key_hash_status;
    DROP INDEX IF EXISTS idx_user_packages_user_status_dates;
    DROP INDEX IF EXISTS idx_daily_usage_user_date;
    DROP INDEX IF EXISTS idx_payment_orders_order_no;
    DROP INDEX IF EXISTS idx_usage_logs_user_created;
  `);
};
