-- Up Migration
-- Anthropic channels (the Messages API), and prompt-cache writes priced and recorded on their own.
ALTER TABLE channels DROP CONSTRAINT IF EXISTS channels_kind_check;
ALTER TABLE channels ADD CONSTRAINT channels_kind_check CHECK (kind IN ('openai', 'azure', 'anthropic'));

-- NULL: a cache write costs what input costs (OpenAI's prompt caches charge nothing extra to write).
ALTER TABLE models ADD COLUMN cache_write_price_micros bigint CHECK (cache_write_price_micros >= 0);

-- Of a request's prompt tokens, those written to the upstream's prompt cache (Anthropic's
-- cache_creation_input_tokens). No CHECK: adding one would scan every partition.
ALTER TABLE usage_logs ADD COLUMN cache_write_tokens integer NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE usage_logs DROP COLUMN cache_write_tokens;
ALTER TABLE models DROP COLUMN cache_write_price_micros;
DELETE FROM channels WHERE kind = 'anthropic';
ALTER TABLE channels DROP CONSTRAINT channels_kind_check;
ALTER TABLE channels ADD CONSTRAINT channels_kind_check CHECK (kind IN ('openai', 'azure'));
