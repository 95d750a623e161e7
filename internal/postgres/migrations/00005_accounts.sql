-- Accounts: users (email or Vietnamese mobile in E.164), sessions stored
-- here so several replicas share them (only the SHA-256 of a token is
-- kept), password-reset tokens (hashed, single use), failed sign-ins for
-- rate limiting, and the role tables: producer membership and the
-- provinces a trade-department staff member serves. Admin is a flag.

-- +goose Up
CREATE TABLE app_user (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email         text UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
  phone         text UNIQUE CHECK (phone ~ '^\+84[0-9]{9}$'),
  display_name  text NOT NULL CHECK (display_name <> ''),
  password_hash text NOT NULL,
  is_admin      boolean NOT NULL DEFAULT false,
  disabled_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (email IS NOT NULL OR phone IS NOT NULL)
);

CREATE TABLE user_session (
  token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
  user_id      bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  -- absolute end of life, whatever the activity
  expires_at   timestamptz NOT NULL
);
CREATE INDEX user_session_user ON user_session (user_id);

CREATE TABLE password_reset (
  token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
  user_id    bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);
CREATE INDEX password_reset_user ON password_reset (user_id);

-- one row per failed sign-in; account_key is the normalised identifier
-- (whether or not an account has it), ip the client address
CREATE TABLE login_failure (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_key text NOT NULL,
  ip          text NOT NULL,
  at          timestamptz NOT NULL
);
CREATE INDEX login_failure_account ON login_failure (account_key, at);
CREATE INDEX login_failure_ip ON login_failure (ip, at);

CREATE TABLE producer_member (
  user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  producer_id bigint NOT NULL REFERENCES producer (id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('owner', 'staff')),
  PRIMARY KEY (user_id, producer_id)
);
CREATE INDEX producer_member_producer ON producer_member (producer_id);

CREATE TABLE staff_province (
  user_id       bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  province_code char(2) NOT NULL REFERENCES province (code),
  PRIMARY KEY (user_id, province_code)
);

-- +goose Down
DROP TABLE staff_province;
DROP TABLE producer_member;
DROP TABLE login_failure;
DROP TABLE password_reset;
DROP TABLE user_session;
DROP TABLE app_user;
