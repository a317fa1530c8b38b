-- Up Migration
-- The gateway's data model (see docs/design.md). Money is integer cents; calendar days
-- are DATE in the configured business time zone; every instant is timestamptz.

CREATE TABLE users (
  id          bigserial PRIMARY KEY,
  email       text NOT NULL,
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE api_keys (
  id            bigserial PRIMARY KEY,
  user_id       bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name          text NOT NULL DEFAULT '',
  -- HMAC-SHA256(pepper, key), hex. The plain key is shown once and never stored.
  key_hash      text NOT NULL,
  -- The first characters of the key, for people to tell their keys apart.
  key_prefix    text NOT NULL,
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  expires_at    timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz,
  CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
);
CREATE INDEX api_keys_user_id ON api_keys (user_id);

CREATE TABLE packages (
  id                   bigserial PRIMARY KEY,
  name                 text NOT NULL,
  description          text NOT NULL DEFAULT '',
  -- NULL means unlimited.
  daily_request_limit  integer CHECK (daily_request_limit >= 0),
  daily_token_limit    bigint CHECK (daily_token_limit >= 0),
  rpm_limit            integer CHECK (rpm_limit > 0),
  duration_days        integer NOT NULL CHECK (duration_days > 0),
  price_cents          bigint NOT NULL CHECK (price_cents >= 0),
  currency             text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payment_orders (
  id             bigserial PRIMARY KEY,
  order_no       text NOT NULL,
  user_id        bigint NOT NULL REFERENCES users(id),
  package_id     bigint NOT NULL REFERENCES packages(id),
  provider       text NOT NULL,
  amount_cents   bigint NOT NULL CHECK (amount_cents >= 0),
  currency       text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status         text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'paid', 'fulfilled', 'expired', 'refunded')),
  provider_ref   text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz,
  paid_at        timestamptz,
  fulfilled_at   timestamptz,
  refunded_at    timestamptz,
  CONSTRAINT payment_orders_order_no_key UNIQUE (order_no)
);
CREATE INDEX payment_orders_user_created ON payment_orders (user_id, created_at DESC);

CREATE TABLE user_packages (
  id          bigserial PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  package_id  bigint NOT NULL REFERENCES packages(id),
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled', 'refunded')),
  -- Inclusive calendar days; a period starting in the future is queued.
  start_date  date NOT NULL,
  end_date    date NOT NULL,
  order_id    bigint REFERENCES payment_orders(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (end_date >= start_date)
);

CREATE TABLE daily_usage (
  user_id            bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  usage_date         date NOT NULL,
  request_count      bigint NOT NULL DEFAULT 0,
  prompt_tokens      bigint NOT NULL DEFAULT 0,
  completion_tokens  bigint NOT NULL DEFAULT 0,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, usage_date)
);

CREATE TABLE payment_events (
  id           bigserial PRIMARY KEY,
  provider     text NOT NULL,
  -- The provider's own id of the event: delivering it twice records it once.
  event_id     text NOT NULL,
  order_no     text,
  event_type   text NOT NULL,
  outcome      text NOT NULL,
  payload      jsonb NOT NULL DEFAULT '{}'::jsonb,
  received_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT payment_events_provider_event_key UNIQUE (provider, event_id)
);

-- One row per relayed request, partitioned by month. The key includes created_at (a
-- partitioned table's unique keys must); the flusher writes the created_at carried in the
-- usage stream entry, so a re-delivered entry hits the same key and is skipped.
CREATE TABLE usage_logs (
  request_id         text NOT NULL,
  user_id            bigint NOT NULL,
  api_key_id         bigint,
  model              text NOT NULL,
  prompt_tokens      integer NOT NULL DEFAULT 0,
  completion_tokens  integer NOT NULL DEFAULT 0,
  total_tokens       integer NOT NULL DEFAULT 0,
  status_code        smallint NOT NULL,
  latency_ms         integer NOT NULL,
  stream             boolean NOT NULL DEFAULT false,
  created_at         timestamptz NOT NULL,
  PRIMARY KEY (request_id, created_at)
) PARTITION BY RANGE (created_at);

-- Rows outside every monthly partition still land somewhere.
CREATE TABLE usage_logs_default PARTITION OF usage_logs DEFAULT;

-- Creates the monthly partitions from the current month to months_ahead months later.
-- Safe to call repeatedly and from several backends at once.
CREATE FUNCTION ensure_usage_logs_partitions(months_ahead integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  month_start date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  first_day date;
  name text;
  created integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('ensure_usage_logs_partitions'));
  FOR i IN 0..months_ahead LOOP
    first_day := (month_start + make_interval(months => i))::date;
    name := format('usage_logs_y%sm%s', to_char(first_day, 'YYYY'), to_char(first_day, 'MM'));
    IF to_regclass(name) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF usage_logs FOR VALUES FROM (%L) TO (%L)',
        name, first_day::timestamp AT TIME ZONE 'UTC',
        (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC');
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END;
$$;

SELECT ensure_usage_logs_partitions(2);

-- Down Migration
DROP FUNCTION IF EXISTS ensure_usage_logs_partitions(integer);
DROP TABLE IF EXISTS usage_logs, payment_events, daily_usage, user_packages, payment_orders, packages, api_keys, users;
