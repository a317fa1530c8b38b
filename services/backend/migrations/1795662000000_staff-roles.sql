-- Up Migration
-- Staff are users with a role: owner (everything, manages staff), admin (everything but
-- staff), support (reads, suspends, revokes, resends mails). Owners and admins sign in
-- with a TOTP second factor; its secret is stored encrypted (AES-256-GCM).
ALTER TABLE users
  ADD COLUMN role text CHECK (role IN ('owner', 'admin', 'support')),
  ADD COLUMN totp_secret text,
  ADD COLUMN totp_enabled_at timestamptz;
CREATE INDEX users_staff ON users (role) WHERE role IS NOT NULL;

-- Down Migration
DROP INDEX IF EXISTS users_staff;
ALTER TABLE users DROP COLUMN IF EXISTS totp_enabled_at, DROP COLUMN IF EXISTS totp_secret, DROP COLUMN IF EXISTS role;
