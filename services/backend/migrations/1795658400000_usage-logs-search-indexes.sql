-- Up Migration
-- The admin usage search and summary (features/usage/admin-usage-store.ts). Each index
-- below is one the search's plans use; every one costs the usage flusher an index insert
-- per request (the partial one only per failed request), so there are no more than the
-- filters need. The search always orders by (created_at, request_id) newest first and
-- reads LIMIT rows: each filter gets an index that starts with its column and continues
-- with created_at, so a page is a short backward walk of one index per monthly partition.
-- The user filter already has idx_usage_logs_user_created (add_performance_indexes.sql).
--
-- An index on the partitioned parent is created on every partition, and on partitions
-- created later. On a large existing table this build blocks the flusher's inserts while
-- it runs (the flusher waits; records stay in the Redis stream). To avoid that, build the
-- same index by hand first: CREATE INDEX … ON ONLY usage_logs, then CREATE INDEX
-- CONCURRENTLY on each partition and ALTER INDEX … ATTACH PARTITION; IF NOT EXISTS then
-- skips it here.

-- A bare time range (and 2xx, which is nearly every row): newest rows of the range.
CREATE INDEX IF NOT EXISTS usage_logs_created ON usage_logs (created_at DESC);

-- One API key's requests.
CREATE INDEX IF NOT EXISTS usage_logs_key_created ON usage_logs (api_key_id, created_at DESC);

-- One model's requests: a rarely used model would otherwise mean reading the whole range.
CREATE INDEX IF NOT EXISTS usage_logs_model_created ON usage_logs (model, created_at DESC);

-- Failed requests (status, 4xx, 5xx), a few per cent of the rows: the search's error
-- filters and the summary's errors per day (an index-only scan) read only these.
CREATE INDEX IF NOT EXISTS usage_logs_errors_created ON usage_logs (created_at DESC) WHERE status_code >= 400;

-- The summary's days of daily_usage for every user (its key starts with user_id). One
-- entry per user per day, and the flusher's updates change no indexed column (HOT).
CREATE INDEX IF NOT EXISTS daily_usage_date ON daily_usage (usage_date);

-- Down Migration
DROP INDEX IF EXISTS daily_usage_date;
DROP INDEX IF EXISTS usage_logs_errors_created;
DROP INDEX IF EXISTS usage_logs_model_created;
DROP INDEX IF EXISTS usage_logs_key_created;
DROP INDEX IF EXISTS usage_logs_created;
