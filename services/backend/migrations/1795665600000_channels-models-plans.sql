-- Up Migration
-- Upstream channels as managed data. The upstream key is sealed with AES-256-GCM under the
-- gateway's channel key (config), never stored or returned in the clear. Channels from the
-- environment (UPSTREAM_BASE_URL / UPSTREAM_CHANNELS) are not rows: each process holds them.
CREATE TABLE channels (
  id               serial PRIMARY KEY,
  name             text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  kind             text NOT NULL DEFAULT 'openai' CHECK (kind IN ('openai', 'azure')),
  base_url         text NOT NULL CHECK (base_url ~ '^https?://'),
  -- Azure OpenAI's api-version query parameter.
  api_version      text,
  api_key_sealed   text,
  -- The key's last four characters, so that staff can tell keys apart.
  api_key_hint     text,
  -- Higher first: a tier is tried only when every channel above it failed or is cooling down.
  priority         integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN -1000 AND 1000),
  weight           integer NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 1000),
  -- Models served; empty = every model.
  models           text[] NOT NULL DEFAULT '{}',
  -- Model names rewritten for this channel (Azure: the deployment).
  model_map        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(model_map) = 'object'),
  enabled          boolean NOT NULL DEFAULT true,
  -- Why the gateway disabled it (an upstream 401/403), cleared when staff enable it again.
  disabled_reason  text,
  notes            text NOT NULL DEFAULT '',
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- The model catalogue. Prices are in micro-dollars per million tokens. A name ending in
-- '*' prices a family of names (the longest matching prefix wins over shorter ones; an
-- exact name wins over every prefix). While the catalogue is empty every model is offered
-- at no charge, as before it existed.
CREATE TABLE models (
  name                       text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,127}\*?$'),
  input_price_micros         bigint NOT NULL DEFAULT 0 CHECK (input_price_micros >= 0),
  -- NULL: cached input costs what input costs.
  cached_input_price_micros  bigint CHECK (cached_input_price_micros >= 0),
  output_price_micros        bigint NOT NULL DEFAULT 0 CHECK (output_price_micros >= 0),
  enabled                    boolean NOT NULL DEFAULT true,
  notes                      text NOT NULL DEFAULT '',
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now()
);

-- Plans: requests, tokens and credits (micro-dollars) per day, per rolling 5 hours and per
-- week, concurrent streams per key, and the models the plan may use (empty = all offered).
-- A period copies them when it is granted, like the other terms.
ALTER TABLE packages
  ADD COLUMN daily_credit_limit bigint CHECK (daily_credit_limit >= 0),
  ADD COLUMN five_hour_request_limit integer CHECK (five_hour_request_limit >= 0),
  ADD COLUMN five_hour_token_limit bigint CHECK (five_hour_token_limit >= 0),
  ADD COLUMN five_hour_credit_limit bigint CHECK (five_hour_credit_limit >= 0),
  ADD COLUMN weekly_request_limit integer CHECK (weekly_request_limit >= 0),
  ADD COLUMN weekly_token_limit bigint CHECK (weekly_token_limit >= 0),
  ADD COLUMN weekly_credit_limit bigint CHECK (weekly_credit_limit >= 0),
  ADD COLUMN max_concurrent_streams integer CHECK (max_concurrent_streams > 0),
  ADD COLUMN models text[] NOT NULL DEFAULT '{}';
ALTER TABLE user_packages
  ADD COLUMN daily_credit_limit bigint CHECK (daily_credit_limit >= 0),
  ADD COLUMN five_hour_request_limit integer CHECK (five_hour_request_limit >= 0),
  ADD COLUMN five_hour_token_limit bigint CHECK (five_hour_token_limit >= 0),
  ADD COLUMN five_hour_credit_limit bigint CHECK (five_hour_credit_limit >= 0),
  ADD COLUMN weekly_request_limit integer CHECK (weekly_request_limit >= 0),
  ADD COLUMN weekly_token_limit bigint CHECK (weekly_token_limit >= 0),
  ADD COLUMN weekly_credit_limit bigint CHECK (weekly_credit_limit >= 0),
  ADD COLUMN max_concurrent_streams integer CHECK (max_concurrent_streams > 0),
  ADD COLUMN models text[] NOT NULL DEFAULT '{}';

-- Each request's cached and reasoning tokens, its cost at the price in force when it was
-- served, and the channel that served it.
ALTER TABLE usage_logs
  ADD COLUMN cached_tokens integer NOT NULL DEFAULT 0,
  ADD COLUMN reasoning_tokens integer NOT NULL DEFAULT 0,
  ADD COLUMN cost_micros bigint NOT NULL DEFAULT 0,
  ADD COLUMN channel text;
ALTER TABLE daily_usage
  ADD COLUMN cached_tokens bigint NOT NULL DEFAULT 0,
  ADD COLUMN reasoning_tokens bigint NOT NULL DEFAULT 0,
  ADD COLUMN cost_micros bigint NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE daily_usage DROP COLUMN IF EXISTS cost_micros, DROP COLUMN IF EXISTS reasoning_tokens, DROP COLUMN IF EXISTS cached_tokens;
ALTER TABLE usage_logs DROP COLUMN IF EXISTS channel, DROP COLUMN IF EXISTS cost_micros, DROP COLUMN IF EXISTS reasoning_tokens, DROP COLUMN IF EXISTS cached_tokens;
ALTER TABLE user_packages
  DROP COLUMN IF EXISTS models, DROP COLUMN IF EXISTS max_concurrent_streams,
  DROP COLUMN IF EXISTS weekly_credit_limit, DROP COLUMN IF EXISTS weekly_token_limit, DROP COLUMN IF EXISTS weekly_request_limit,
  DROP COLUMN IF EXISTS five_hour_credit_limit, DROP COLUMN IF EXISTS five_hour_token_limit, DROP COLUMN IF EXISTS five_hour_request_limit,
  DROP COLUMN IF EXISTS daily_credit_limit;
ALTER TABLE packages
  DROP COLUMN IF EXISTS models, DROP COLUMN IF EXISTS max_concurrent_streams,
  DROP COLUMN IF EXISTS weekly_credit_limit, DROP COLUMN IF EXISTS weekly_token_limit, DROP COLUMN IF EXISTS weekly_request_limit,
  DROP COLUMN IF EXISTS five_hour_credit_limit, DROP COLUMN IF EXISTS five_hour_token_limit, DROP COLUMN IF EXISTS five_hour_request_limit,
  DROP COLUMN IF EXISTS daily_credit_limit;
DROP TABLE IF EXISTS models;
DROP TABLE IF EXISTS channels;
