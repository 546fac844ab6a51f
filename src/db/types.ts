import type { ColumnType, Generated } from 'kysely';

/**
 * Table types for Kysely, kept by hand beside the SQL migrations (one file per migration adds
 * its tables here). `bigint` columns read as JS bigint (see store.ts type parsers).
 */
type Timestamp = ColumnType<Date, Date, Date>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface UsersTable {
  id: string;
  email: string;
  name: Generated<string>;
  kind: 'staff' | 'customer';
  role: 'admin' | 'billing' | 'support' | 'viewer' | null;
  customer_id: string | null;
  locale: Generated<string>;
  time_zone: Generated<string>;
  password_hash: string | null;
  status: Generated<'active' | 'disabled'>;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_login_at: Timestamp | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface LoginAttemptsTable {
  id: Generated<bigint>;
  email_key: string;
  ip: string;
  ok: boolean;
  at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<bigint>;
  at: Timestamp;
  actor_type: 'user' | 'token' | 'system' | 'cli';
  actor_id: string | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: Json | null;
  after: Json | null;
  request_id: string | null;
}

export interface OutboxTable {
  id: string;
  effect: string;
  payload: Json<Record<string, unknown>>;
  idempotency_key: string;
  status: 'pending' | 'processing' | 'done' | 'dead';
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  next_attempt_at: Timestamp;
  locked_until: Timestamp | null;
  locked_by: string | null;
  last_error: string | null;
  result: Json | null;
  created_at: Timestamp;
  done_at: Timestamp | null;
}

export interface IdempotencyKeysTable {
  principal: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  state: 'in_progress' | 'done';
  response_status: number | null;
  response_body: Json | null;
  created_at: Timestamp;
}

export interface SystemStateTable {
  key: string;
  value: Json;
  updated_at: Timestamp;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_attempts: LoginAttemptsTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
  system_state: SystemStateTable;
}
