-- Up Migration
-- The most one answer of a model writes, reasoning included (its upstream's output
-- ceiling). A request that names no lower maximum reserves this much output against its
-- plan's token and credit limits, so that concurrent requests to a reasoning model cannot
-- pass a limit; NULL: the gateway's COMPLETION_TOKEN_ESTIMATE.
ALTER TABLE models ADD COLUMN max_output_tokens integer CHECK (max_output_tokens BETWEEN 1 AND 1000000);

-- Down Migration
ALTER TABLE models DROP COLUMN IF EXISTS max_output_tokens;
