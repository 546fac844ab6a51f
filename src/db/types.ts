import type { ColumnType, Generated } from 'kysely';

/**
 * Table types for Kysely, kept by hand beside the SQL migrations (one file per migration adds
 * its tables here). `bigint` columns read as JS bigint (see store.ts type parsers).
 */
type Timestamp = ColumnType<Date, Date, Date>;
type Json<T = unknown> = ColumnType<T, string, string>;
/** a JSON column with a database default: optional on insert */
type JsonDefault<T> = ColumnType<T, string | undefined, string>;

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


export interface ProviderAccountsTable {
  id: string;
  name: string;
  cloud: 'global' | 'usgov' | 'germany' | 'china';
  api_base_url: string;
  token_authority: string;
  scope: string;
  payee: 'microsoft' | '21vianet';
  currency: string;
  partner_tenant_id: string;
  app_id: string;
  secret_enc: string | null;
  certificate_ref: string | null;
  webhook_secret_enc: string | null;
  support_entitlements: JsonDefault<SupportEntitlement[]>;
  demo: Generated<boolean>;
  status: Generated<'active' | 'disabled'>;
  last_sync_at: Timestamp | null;
  last_sync_status: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  payment_terms_days: Generated<number>;
  payable_reminder_days: Generated<number>;
}

export interface SupportEntitlement {
  type: 'commercial' | 'premier' | 'advanced' | 'signature';
  contractId?: string | null;
}

export interface TaxSettings {
  mode: 'standard' | 'reverse_charge' | 'zero_rated' | 'exempt';
  vatId?: string | null;
  /** percentage as a decimal string ("19", "7.7"); absent → the country's rate */
  rate?: string | null;
}

export interface CustomersTable {
  id: string;
  provider_account_id: string;
  tenant_id: string;
  domain: string | null;
  company_name: Generated<string>;
  country: string | null;
  relationship: Generated<string>;
  reseller_partner_id: string | null;
  billing_email: string | null;
  billing_culture: string | null;
  billing_language: string | null;
  locale: Generated<string>;
  locale_override: string | null;
  billing_currency: string;
  payment_terms_days: Generated<number>;
  segment: Generated<string>;
  payment_reference: Generated<string | null>;
  tax_settings: JsonDefault<TaxSettings>;
  billing_address: ColumnType<CustomerAddress | null, string | null | undefined, string | null>;
  billing_contact_name: ColumnType<string | null, string | null | undefined, string | null>;
  status: Generated<'active' | 'removed_upstream'>;
  fraud_review_at: Timestamp | null;
  fraud_review_note: string | null;
  raw: Json | null;
  synced_at: Timestamp | null;
  removed_upstream_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SubscriptionsTable {
  id: string;
  customer_id: string;
  provider_subscription_id: string;
  offer_id: string;
  offer_name: string | null;
  product_id: string | null;
  sku_id: string | null;
  friendly_name: string | null;
  quantity: Generated<number>;
  unit_type: string | null;
  billing_type: string;
  billing_cycle: string | null;
  term_duration: string | null;
  commerce: 'legacy' | 'nce';
  status: string;
  auto_renew: Generated<boolean>;
  creation_date: Timestamp | null;
  effective_start_date: Timestamp | null;
  commitment_end_date: Timestamp | null;
  parent_provider_subscription_id: string | null;
  suspension_reasons: JsonDefault<string[]>;
  etag: string | null;
  expected_status: string | null;
  billed_while_suspended: Generated<boolean>;
  auto_renew_before_suspend: boolean | null;
  azure_entitlements: JsonDefault<{ id: string; friendlyName: string | null; status: string | null }[]>;
  raw: Json | null;
  synced_at: Timestamp | null;
  removed_upstream_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SubscriptionOperationsTable {
  id: string;
  subscription_id: string;
  customer_id: string;
  action: 'suspend' | 'reactivate';
  reason: string;
  state: 'requested' | 'confirmed' | 'retrying' | 'failed';
  request_id: string;
  attempts: Generated<number>;
  provider_before: Json | null;
  provider_after: Json | null;
  error_code: string | null;
  provider_code: string | null;
  http_status: number | null;
  error_message: string | null;
  requested_by: string;
  requested_at: Timestamp;
  completed_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface SyncRunsTable {
  id: string;
  provider_account_id: string;
  trigger: string;
  state: 'running' | 'done' | 'partial' | 'failed';
  stats: JsonDefault<Record<string, number>>;
  errors: JsonDefault<{ customer?: string; code: string; message: string }[]>;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface ProviderEventsTable {
  id: string;
  provider_account_id: string;
  event_name: string;
  resource_uri: string | null;
  resource_change_at: string | null;
  payload: Json;
  state: 'received' | 'handled' | 'ignored' | 'pending';
  note: string | null;
  received_at: Timestamp;
  dedup_key: string;
}


export interface ReconImportsTable {
  id: string;
  provider_account_id: string;
  file_name: string;
  content_hash: string;
  format: string;
  rows: number;
  imported: number;
  replaced: number;
  duplicates: number;
  totals: Json<{ currency: string; subtotal: string; tax: string; total: string }[]>;
  unmatched: Json<{ customers: number; subscriptions: number }>;
  requested_by: string;
  imported_at: Timestamp;
  source: ColumnType<'csv' | 'graph' | 'api', 'csv' | 'graph' | 'api' | undefined, 'csv' | 'graph' | 'api'>;
  provider_invoice_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ReconImportRunsTable {
  id: string;
  provider_account_id: string;
  file_name: string;
  state: 'running' | 'done' | 'rejected' | 'failed';
  bytes: ColumnType<string, number | undefined, number>;
  total_bytes: ColumnType<string | null, number | null, number | null>;
  rows: ColumnType<number, number | undefined, number>;
  import_id: string | null;
  summary: Json<unknown> | null;
  error: Json<{ code: string; params: Record<string, string | number> }> | null;
  requested_by: string;
  started_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface ReconLinesTable {
  // primary key (provider_account_id, line_key); no surrogate id (migration 0009)
  provider_account_id: string;
  import_id: string;
  line_key: string;
  format: string;
  invoice_number: string | null;
  customer_tenant_id: string | null;
  customer_name: string | null;
  subscription_provider_id: string | null;
  order_id: string | null;
  product_id: string | null;
  sku_id: string | null;
  sku_name: string | null;
  charge_type: string;
  charge_type_raw: string;
  charge_start: string | null;
  charge_end: string | null;
  quantity: string;
  billable_quantity: string;
  unit_price: string | null;
  effective_unit_price: string | null;
  exchange_rate: string | null;
  currency: string;
  subtotal: bigint | null;
  tax: bigint | null;
  total: bigint | null;
}

export interface ProviderInvoicesTable {
  id: string;
  provider_account_id: string;
  invoice_number: string;
  payee: 'microsoft' | '21vianet';
  source: 'api' | 'manual';
  invoice_type: string | null;
  document_type: string | null;
  invoice_date: string;
  period_start: string | null;
  period_end: string | null;
  currency: string;
  total: bigint;
  provider_paid: Generated<bigint>;
  due_date: string;
  scheduled_for: string | null;
  line_item_counts: JsonDefault<Record<string, number>>;
  lines_imported_at: Timestamp | null;
  raw: Json | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProviderPaymentsTable {
  id: string;
  provider_invoice_id: string;
  amount: bigint;
  currency: string;
  paid_on: string;
  method: 'bank_transfer' | 'direct_debit' | 'card' | 'other';
  reference: string | null;
  note: string | null;
  recorded_by: string;
  recorded_at: Timestamp;
}

export interface ProviderPayableNoticesTable {
  provider_invoice_id: string;
  kind: 'due_soon' | 'overdue';
  due_date: string;
  sent_at: Timestamp;
  recipients: number;
}

export interface CustomerAddress {
  lines: string[];
  city?: string | null;
  postalCode?: string | null;
  region?: string | null;
  country?: string | null;
}

export interface RecurringFeesTable {
  id: string;
  customer_id: string;
  name: string;
  product_code: string | null;
  category: Generated<string>;
  quantity: string;
  unit_price: string;
  currency: string;
  interval: 'month' | 'year';
  start_date: string;
  end_date: string | null;
  billed_through: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ChargesTable {
  id: string;
  seq: Generated<bigint>;
  customer_id: string;
  source: 'recon' | 'recurring' | 'manual';
  source_ref: string | null;
  billing_period: string;
  subscription_id: string | null;
  group_key: string;
  group_title: string;
  description: string;
  category: string | null;
  product_id: string | null;
  sku_id: string | null;
  period_start: string;
  period_end: string;
  quantity: string;
  unit_price: string;
  amount: bigint;
  currency: string;
  cost: bigint | null;
  proration: Json<{ days: number; of: number } | null> | null;
  price_rule_id: string | null;
  price_method: string | null;
  fx_rate: string | null;
  invoice_id: string | null;
  created_by: string;
  created_at: Timestamp;
}

export interface InvoiceRunsTable {
  id: string;
  period: string;
  state: 'drafting' | 'draft' | 'issuing' | 'issued' | 'cancelled';
  cutoff_seq: bigint;
  customers: Generated<number>;
  invoices: Generated<number>;
  held: Generated<number>;
  issued: Generated<number>;
  totals: JsonDefault<{ currency: string; net: string; tax: string; gross: string }[]>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface InvoiceSeriesTable {
  series: string;
  next_seq: number;
}

export interface InvoicesTable {
  id: string;
  kind: 'invoice' | 'credit_note';
  run_id: string | null;
  customer_id: string;
  currency: string;
  period: string | null;
  period_start: string | null;
  period_end: string | null;
  status: 'draft' | 'issued' | 'void';
  hold_reason: string | null;
  hold_code: string | null;
  hold_params: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  note: string | null;
  series: string | null;
  seq: number | null;
  number: string | null;
  issue_date: string | null;
  due_date: string | null;
  net: Generated<bigint>;
  tax: Generated<bigint>;
  gross: Generated<bigint>;
  tax_mode: Generated<string>;
  tax_rate: Generated<string>;
  locale: string;
  customer_snapshot: Json | null;
  issuer_snapshot: Json | null;
  credits_invoice_id: string | null;
  reason: string | null;
  delivery_status: Generated<'none' | 'queued' | 'sent' | 'retrying' | 'bounced' | 'failed'>;
  delivery: JsonDefault<DeliveryEvent[]>;
  issued_at: Timestamp | null;
  voided_at: Timestamp | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DeliveryEvent {
  at: string;
  status: 'queued' | 'sent' | 'retrying' | 'bounced' | 'failed';
  to?: string | undefined;
  messageId?: string | undefined;
  attempt?: number | undefined;
  error?: string | undefined;
}

export interface InvoiceLinesTable {
  id: string;
  invoice_id: string;
  position: number;
  group_key: string;
  group_title: string;
  description: string;
  period_start: string;
  period_end: string;
  quantity: string;
  unit_price: string;
  amount: bigint;
  proration: Json<{ days: number; of: number } | null> | null;
  charges: Generated<number>;
  adjusted_from: bigint | null;
  adjust_note: string | null;
  credits_line_id: string | null;
}

export interface PriceRulesTable {
  id: string;
  customer_id: string | null;
  segment: string | null;
  product_id: string | null;
  sku_id: string | null;
  category: 'm365' | 'dynamics' | 'power_platform' | 'azure' | 'software' | 'other' | null;
  method: 'markup' | 'margin' | 'fixed' | 'list';
  /** numeric(20,6), read as text */
  value: string;
  currency: string | null;
  pec: Generated<'keep' | 'pass_on'>;
  rounding: Generated<'half_even' | 'half_up' | 'down' | 'up' | 'floor' | 'ceiling'>;
  valid_from: string | null;
  valid_to: string | null;
  active: Generated<boolean>;
  note: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ExchangeRatesTable {
  id: string;
  from_currency: string;
  to_currency: string;
  /** numeric(20,10), read as text */
  rate: string;
  effective_date: string;
  source: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type LedgerAccount = 'receivables' | 'revenue' | 'tax_payable' | 'bank' | 'unapplied_cash' | 'provider_payables' | 'cost_of_sales';

export interface LedgerEntriesTable {
  seq: bigint;
  id: string;
  posted_at: Timestamp;
  effective_date: string;
  kind: string;
  doc_type: string;
  doc_id: string;
  customer_id: string | null;
  memo: string | null;
  prev_hash: string;
  hash: string;
}

export interface LedgerLinesTable {
  entry_seq: bigint;
  line_no: number;
  account: LedgerAccount;
  party: string | null;
  currency: string;
  debit: bigint;
  credit: bigint;
}

export type PaymentMethod = 'bank_transfer' | 'direct_debit' | 'card' | 'cash' | 'check' | 'other';

export interface PaymentsTable {
  id: string;
  customer_id: string;
  amount: bigint;
  currency: string;
  received_on: string;
  method: PaymentMethod;
  reference: string | null;
  payer_name: string | null;
  payer_iban: string | null;
  note: string | null;
  source: 'manual' | 'bank';
  bank_entry_id: string | null;
  status: Generated<'posted' | 'reversed'>;
  reversed_on: string | null;
  reversed_at: Timestamp | null;
  reversal_reason: string | null;
  flagged: Generated<boolean>;
  recorded_by: string;
  recorded_at: Timestamp;
}

export interface AllocationsTable {
  id: string;
  customer_id: string;
  currency: string;
  payment_id: string | null;
  credit_note_id: string | null;
  invoice_id: string;
  amount: bigint;
  applied_on: string;
  created_by: string;
  created_at: Timestamp;
  released_on: string | null;
  released_at: Timestamp | null;
  release_reason: 'reversal' | 'undone' | null;
}

export interface RefundsTable {
  id: string;
  payment_id: string;
  customer_id: string;
  amount: bigint;
  currency: string;
  refunded_on: string;
  method: string;
  reference: string | null;
  reason: string;
  created_by: string;
  created_at: Timestamp;
}

export interface DisputesTable {
  id: string;
  invoice_id: string;
  customer_id: string;
  currency: string;
  amount: bigint;
  reason: string;
  status: Generated<'open' | 'won' | 'lost' | 'withdrawn'>;
  opened_on: string;
  closed_on: string | null;
  resolution: string | null;
  ticket_id: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BankStatementsTable {
  id: string;
  format: string;
  version: string | null;
  statement_ref: string;
  account_key: string;
  account_iban: string | null;
  account_currency: string | null;
  from_date: string | null;
  to_date: string | null;
  opening_balance: bigint | null;
  closing_balance: bigint | null;
  content_hash: string;
  file_name: string | null;
  entries: number;
  imported_by: string;
  imported_at: Timestamp;
}

export type BankMatchStatus = 'matched' | 'suggested' | 'confirmed' | 'unmatched' | 'ignored' | 'error';

export interface BankSuggestion {
  customerId: string;
  invoiceIds: string[];
  reason: string;
}

export interface BankEntriesTable {
  id: string;
  statement_id: string;
  entry_key: string;
  position: number;
  booking_date: string | null;
  value_date: string | null;
  amount: bigint;
  currency: string;
  direction: 'credit' | 'debit';
  reversal: Generated<boolean>;
  bank_reference: string | null;
  end_to_end_id: string | null;
  remittance: Generated<string>;
  payer_name: string | null;
  payer_iban: string | null;
  transaction_code: string | null;
  return_reason: string | null;
  match_status: BankMatchStatus;
  match_reason: string | null;
  customer_id: string | null;
  suggestions: JsonDefault<BankSuggestion[]>;
  payment_id: string | null;
  reversed_payment_id: string | null;
  error_code: string | null;
  error_params: Json<Record<string, string>> | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  created_at: Timestamp;
}

export interface BankCsvMappingsTable {
  name: string;
  mapping: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PayerAccountsTable {
  iban: string;
  customer_id: string;
  learned_at: Timestamp;
}

export interface EventReceiptsTable {
  subscriber: string;
  event_id: string;
  received_at: Timestamp;
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
  provider_accounts: ProviderAccountsTable;
  customers: CustomersTable;
  price_rules: PriceRulesTable;
  exchange_rates: ExchangeRatesTable;
  subscriptions: SubscriptionsTable;
  subscription_operations: SubscriptionOperationsTable;
  sync_runs: SyncRunsTable;
  provider_events: ProviderEventsTable;
  recon_imports: ReconImportsTable;
  recon_lines: ReconLinesTable;
  recon_import_runs: ReconImportRunsTable;
  provider_invoices: ProviderInvoicesTable;
  provider_payments: ProviderPaymentsTable;
  provider_payable_notices: ProviderPayableNoticesTable;
  recurring_fees: RecurringFeesTable;
  charges: ChargesTable;
  invoice_runs: InvoiceRunsTable;
  invoice_series: InvoiceSeriesTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  ledger_entries: LedgerEntriesTable;
  ledger_lines: LedgerLinesTable;
  payments: PaymentsTable;
  allocations: AllocationsTable;
  refunds: RefundsTable;
  disputes: DisputesTable;
  bank_statements: BankStatementsTable;
  bank_entries: BankEntriesTable;
  bank_csv_mappings: BankCsvMappingsTable;
  payer_accounts: PayerAccountsTable;
  event_receipts: EventReceiptsTable;
}
