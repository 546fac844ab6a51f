-- Foundation: users and auth, audit log, outbox, idempotency keys, system state.
-- Business timestamps have no defaults: they come from the application's injected clock.

CREATE TABLE users (
  id             text PRIMARY KEY,
  email          text NOT NULL,
  name           text NOT NULL DEFAULT '',
  kind           text NOT NULL CHECK (kind IN ('staff', 'customer')),
  role           text CHECK (role IN ('admin', 'billing', 'support', 'viewer')),
  -- customer users are bound to exactly one customer; the customers table arrives with the
  -- customers module, which adds the foreign key
  customer_id    text,
  locale         text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'de', 'zh-CN', 'ru')),
  time_zone      text NOT NULL DEFAULT 'UTC',
  password_hash  text,
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  last_login_at  timestamptz,
  CONSTRAINT users_kind_binding CHECK (
    (kind = 'staff' AND role IS NOT NULL AND customer_id IS NULL) OR
    (kind = 'customer' AND role IS NULL AND customer_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_customer_idx ON users (customer_id) WHERE customer_id IS NOT NULL;

CREATE TABLE sessions (
  id            text PRIMARY KEY,            -- sha256 of the cookie value
  user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  ip            text,
  user_agent    text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);

CREATE TABLE api_tokens (
  id            text PRIMARY KEY,
  user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name          text NOT NULL,
  token_hash    text NOT NULL UNIQUE,        -- sha256 of the secret; the secret is shown once
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz,
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

CREATE TABLE login_attempts (
  id         bigserial PRIMARY KEY,
  email_key  text NOT NULL,
  ip         text NOT NULL,
  ok         boolean NOT NULL,
  at         timestamptz NOT NULL
);
CREATE INDEX login_attempts_email_idx ON login_attempts (email_key, at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at);

CREATE TABLE audit_log (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL,
  actor_type   text NOT NULL CHECK (actor_type IN ('user', 'token', 'system', 'cli')),
  actor_id     text,
  actor_label  text NOT NULL,
  action       text NOT NULL,
  entity_type  text NOT NULL,
  entity_id    text,
  before       jsonb,
  after        jsonb,
  request_id   text
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'P0001';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE outbox (
  id               text PRIMARY KEY,
  effect           text NOT NULL,
  payload          jsonb NOT NULL,
  idempotency_key  text NOT NULL UNIQUE,
  status           text NOT NULL CHECK (status IN ('pending', 'processing', 'done', 'dead')),
  attempts         integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL DEFAULT 10,
  next_attempt_at  timestamptz NOT NULL,
  locked_until     timestamptz,
  locked_by        text,
  last_error       text,
  result           jsonb,
  created_at       timestamptz NOT NULL,
  done_at          timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status IN ('pending', 'processing');

CREATE TABLE idempotency_keys (
  principal        text NOT NULL,
  key              text NOT NULL,
  method           text NOT NULL,
  path             text NOT NULL,
  request_hash     text NOT NULL,
  state            text NOT NULL CHECK (state IN ('in_progress', 'done')),
  response_status  integer,
  response_body    jsonb,
  created_at       timestamptz NOT NULL,
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

CREATE TABLE system_state (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL
);
