-- Up Migration
-- Mail that customers expect: a receipt after each payment, a warning at 80 % and 100 % of
-- a weekly or credit limit, a reminder before the current package ends. Each kind can be
-- turned off in Account (on by default).
ALTER TABLE users
  ADD COLUMN mail_receipts boolean NOT NULL DEFAULT true,
  ADD COLUMN mail_limit_warnings boolean NOT NULL DEFAULT true,
  ADD COLUMN mail_package_ending boolean NOT NULL DEFAULT true;

-- Each notice a customer was sent, once: the row is claimed (inserted) before the mail
-- leaves, so a receipt for a webhook delivered twice, or a warning two backends noticed
-- at once, is sent by whoever inserted it and by nobody else. `notice` names what it is
-- about: receipt:<order_no>, limit:<window>:<window start>:<threshold>, ending:<period id>.
CREATE TABLE customer_notices (
  user_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  notice   text NOT NULL,
  sent_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, notice)
);
CREATE INDEX customer_notices_sent_at ON customer_notices (sent_at);

-- Down Migration
DROP TABLE IF EXISTS customer_notices;
ALTER TABLE users DROP COLUMN IF EXISTS mail_package_ending, DROP COLUMN IF EXISTS mail_limit_warnings, DROP COLUMN IF EXISTS mail_receipts;
