-- Up Migration
-- One-time recovery codes of a second factor: ten are issued when it is turned on (and on
-- each regeneration, replacing the old ones); each signs in once in place of a TOTP code.
-- Only an HMAC of each code (under a key derived from the server's pepper) is stored, so a
-- copy of the database alone signs no one in. A used code keeps its row (used_at) so the
-- person can be told how many are left; it never matches again.
CREATE TABLE recovery_codes (
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  used_at     timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

-- Down Migration
DROP TABLE IF EXISTS recovery_codes;
