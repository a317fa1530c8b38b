-- Up Migration
-- An account is active or suspended (by staff); a suspended account's keys are refused.
ALTER TABLE users DROP CONSTRAINT users_status_check;
UPDATE users SET status = 'suspended' WHERE status = 'disabled';
ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('active', 'suspended'));
ALTER TABLE users ADD COLUMN status_changed_at timestamptz;

-- Down Migration
ALTER TABLE users DROP COLUMN status_changed_at;
ALTER TABLE users DROP CONSTRAINT users_status_check;
UPDATE users SET status = 'disabled' WHERE status = 'suspended';
ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('active', 'disabled'));
