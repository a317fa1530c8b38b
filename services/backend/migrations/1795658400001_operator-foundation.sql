-- Up Migration
-- A period keeps the terms it was sold with: editing a package changes what is sold from
-- now on, never what a customer already has.
ALTER TABLE user_packages
  ADD COLUMN package_name text,
  ADD COLUMN daily_request_limit integer CHECK (daily_request_limit >= 0),
  ADD COLUMN daily_token_limit bigint CHECK (daily_token_limit >= 0),
  ADD COLUMN rpm_limit integer CHECK (rpm_limit > 0);
UPDATE user_packages up
   SET package_name = p.name, daily_request_limit = p.daily_request_limit,
       daily_token_limit = p.daily_token_limit, rpm_limit = p.rpm_limit
  FROM packages p
 WHERE p.id = up.package_id;
ALTER TABLE user_packages ALTER COLUMN package_name SET NOT NULL;

ALTER TABLE packages ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- Every change made by staff or the admin token: who, as what, did what to what, from
-- where, and the state before and after. Written in the transaction of the change.
CREATE TABLE audit_log (
  id             bigserial PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  actor          text NOT NULL,
  actor_user_id  bigint REFERENCES users(id),
  role           text NOT NULL,
  action         text NOT NULL,
  target_type    text NOT NULL,
  target_id      text NOT NULL,
  before         jsonb,
  after          jsonb,
  address        text
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, at DESC);
CREATE INDEX audit_log_actor ON audit_log (actor, at DESC);

-- Append-only, whoever asks: the application's role owns the table, so a REVOKE would not
-- bind it; a trigger refuses every change to a written row.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Codes come in named batches, and unused ones can be voided.
ALTER TABLE redemption_codes ADD COLUMN batch_name text NOT NULL DEFAULT '';
ALTER TABLE redemption_codes DROP CONSTRAINT redemption_codes_status_check;
ALTER TABLE redemption_codes ADD CONSTRAINT redemption_codes_status_check CHECK (status IN ('unused', 'redeemed', 'void'));
CREATE INDEX redemption_codes_batch ON redemption_codes (batch_name, id);

-- Down Migration
DROP INDEX IF EXISTS redemption_codes_batch;
UPDATE redemption_codes SET status = 'unused' WHERE status = 'void';
ALTER TABLE redemption_codes DROP CONSTRAINT redemption_codes_status_check;
ALTER TABLE redemption_codes ADD CONSTRAINT redemption_codes_status_check CHECK (status IN ('unused', 'redeemed'));
ALTER TABLE redemption_codes DROP COLUMN IF EXISTS batch_name;
DROP TABLE IF EXISTS audit_log;
DROP FUNCTION IF EXISTS audit_log_append_only();
ALTER TABLE packages DROP COLUMN IF EXISTS updated_at;
ALTER TABLE user_packages DROP COLUMN IF EXISTS package_name, DROP COLUMN IF EXISTS daily_request_limit,
  DROP COLUMN IF EXISTS daily_token_limit, DROP COLUMN IF EXISTS rpm_limit;
