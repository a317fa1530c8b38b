-- Up Migration
-- People sign up and sign in to the console: a password (argon2id, PHC string), a verified
-- e-mail address, the language of their mails.
ALTER TABLE users ADD COLUMN password_hash text;
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
ALTER TABLE users ADD COLUMN locale text CHECK (locale IN ('en', 'zh'));
-- Sign-in looks e-mail addresses up without regard to case.
CREATE INDEX users_email_lower ON users (lower(email));

-- Single-use links mailed to a person: verify the address, reset the password. Only an
-- HMAC of the token is kept; a link works once, until it expires.
CREATE TABLE account_tokens (
  id          bigserial PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose     text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
  token_hash  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  CONSTRAINT account_tokens_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX account_tokens_user_purpose ON account_tokens (user_id, purpose) WHERE used_at IS NULL;

-- Invite codes for sign-up when the operator allows it by invitation only.
CREATE TABLE signup_invites (
  id          bigserial PRIMARY KEY,
  code        text NOT NULL,
  note        text NOT NULL DEFAULT '',
  max_uses    integer NOT NULL DEFAULT 1 CHECK (max_uses > 0),
  uses        integer NOT NULL DEFAULT 0 CHECK (uses >= 0),
  expires_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT signup_invites_code_key UNIQUE (code),
  CHECK (uses <= max_uses)
);

-- When each key was last used, written by the usage flusher with each batch.
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;

-- Down Migration
ALTER TABLE api_keys DROP COLUMN IF EXISTS last_used_at;
DROP TABLE IF EXISTS signup_invites;
DROP TABLE IF EXISTS account_tokens;
DROP INDEX IF EXISTS users_email_lower;
ALTER TABLE users DROP COLUMN IF EXISTS locale;
ALTER TABLE users DROP COLUMN IF EXISTS email_verified_at;
ALTER TABLE users DROP COLUMN IF EXISTS password_hash;
