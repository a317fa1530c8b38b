-- Up Migration
-- Refusals of metered requests (401 of a revoked or expired key, 403 of a suspended
-- account or a model outside the plan, 429 of a limit or of no package) are recorded in
-- usage_logs beside the requests served, through the same stream and flusher, so that the
-- customer's ledger and the operator's search and error figures show them. `refusal` is
-- the error code the client received (e.g. daily_request_limit_exceeded); NULL for every
-- request that reached the upstream. A refusal carries no tokens and no cost and is never
-- added to daily_usage. Adding a nullable column without a default rewrites no partition.
ALTER TABLE usage_logs ADD COLUMN refusal text;

-- Down Migration
ALTER TABLE usage_logs DROP COLUMN IF EXISTS refusal;
