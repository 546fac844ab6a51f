import type { Locale } from './i18n';

export type Role = 'admin' | 'billing' | 'support' | 'viewer';

export interface User {
  id: string;
  email: string;
  name: string;
  kind: 'staff' | 'customer';
  role: Role | null;
  customerId: string | null;
  locale: Locale;
  timeZone: string;
  status: 'active' | 'disabled';
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

export interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditRow {
  id: string;
  at: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export interface SystemInfo {
  version: string;
  now: string;
  store: { kind: 'embedded' | 'postgres'; description: string };
  migrations: { applied: string[]; pending: string[] };
  outbox: { pending: number; processing: number; done: number; dead: number };
  effects: string[];
  worker: boolean;
  locales: string[];
}

export interface FieldError {
  field?: string;
  code: string;
  message: string;
}

/** RFC 9457 problem details as the server sends them (title already in the request's language). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  field?: string;
  errors?: FieldError[];
  requestId?: string;
  /** extension member: an import's summary on a rejected file (recon.rejected) */
  summary?: unknown;
}

/** A failed call: a problem from the server, or a synthesized one (network failure, non-JSON reply). */
export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    /** true when the server could not be reached at all */
    readonly network = false,
  ) {
    super(problem.title);
    this.name = 'ApiError';
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string {
    return this.problem.code;
  }
  /**
   * Field errors keyed by field name ("/email" → "email"; nested pointers keep their slashes).
   * An empty message marks the field as invalid without repeating the problem title.
   */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const f = (e.field ?? '').replace(/^\//, '');
      if (f && !(f in out)) out[f] = e.message;
    }
    // A problem naming one field without field messages: mark the field (the title says why).
    const f = (this.problem.field ?? '').replace(/^\//, '');
    if (f && !(f in out) && !(this.problem.errors ?? []).length) out[f] = '';
    return out;
  }
}

export function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

interface ClientState {
  locale: Locale;
  csrfToken?: string | undefined;
  onUnauthorized?: (() => void) | undefined;
}

const state: ClientState = { locale: 'en' };

export function configureApi(patch: Partial<ClientState>): void {
  Object.assign(state, patch);
}

type Query = Record<string, string | number | boolean | null | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not treat 401 as "the session ended" (login, session probe). */
  allowUnauthorized?: boolean;
  /** extra request headers (e.g. an Idempotency-Key on a POST) */
  headers?: Record<string, string>;
}

export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...opts.headers, Accept: 'application/json, application/problem+json', 'Accept-Language': state.locale };
  // a FormData body sets its own multipart content type (with the boundary)
  const form = typeof FormData !== 'undefined' && opts.body instanceof FormData;
  if (opts.body !== undefined && !form) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    // double-submit CSRF: the cookie the server set at sign-in, echoed in a header
    const csrf = readCookie('pd_csrf') ?? state.csrfToken;
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? null : form ? (opts.body as FormData) : JSON.stringify(opts.body),
      signal: opts.signal ?? null,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError({ type: 'about:blank', title: '', status: 0, code: 'network' }, true);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const p = data as Partial<Problem> | undefined;
    const problem: Problem = {
      type: p?.type ?? 'about:blank',
      title: p?.title ?? '',
      status: res.status,
      code: p?.code ?? `http_${res.status}`,
      ...(p?.detail !== undefined && { detail: p.detail }),
      ...(p?.field !== undefined && { field: p.field }),
      ...(p?.errors !== undefined && { errors: p.errors }),
      ...(p?.requestId !== undefined && { requestId: p.requestId }),
      ...(p?.summary !== undefined && { summary: p.summary }),
    };
    if (res.status === 401 && !opts.allowUnauthorized) state.onUnauthorized?.();
    throw new ApiError(problem);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, opts: Omit<RequestOptions, 'query'> = {}) => request<T>('GET', path, { ...opts, ...(query && { query }) }),
  post: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('POST', path, { ...opts, body: body ?? {} }),
  /** POST multipart/form-data (a file upload); the CSRF header is sent like on any write. */
  postForm: <T>(path: string, form: FormData) => request<T>('POST', path, { body: form }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path),
};

// ---------------------------------------------------------------- customers, subscriptions, provider accounts

export type Cloud = 'global' | 'usgov' | 'germany' | 'china';
export const CLOUDS: Cloud[] = ['global', 'usgov', 'germany', 'china'];

export type TaxMode = 'standard' | 'reverse_charge' | 'zero_rated' | 'exempt';
export const TAX_MODES: TaxMode[] = ['standard', 'reverse_charge', 'zero_rated', 'exempt'];

export interface TaxSettings {
  mode: TaxMode | (string & {});
  vatId?: string | null;
  rate?: string | null;
}

export interface Customer {
  id: string;
  providerAccountId: string;
  cloud: Cloud | (string & {});
  tenantId: string;
  domain: string | null;
  companyName: string;
  country: string | null;
  relationship: string;
  resellerPartnerId: string | null;
  billingEmail: string | null;
  billingCulture: string | null;
  billingLanguage: string | null;
  /** the effective language: the local override, else the one from the billing profile */
  locale: Locale;
  localeOverride: Locale | null;
  billingCurrency: string;
  paymentTermsDays: number;
  segment: string;
  taxSettings: TaxSettings;
  status: 'active' | 'removed_upstream';
  fraudReviewAt: string | null;
  fraudReviewNote: string | null;
  syncedAt: string | null;
  removedUpstreamAt: string | null;
  createdAt: string;
  updatedAt: string;
  subscriptionCount?: number;
}

export interface CustomerPatch {
  localeOverride?: Locale | null;
  billingCurrency?: string;
  paymentTermsDays?: number;
  segment?: string;
  taxSettings?: { mode: TaxMode; vatId?: string | null; rate?: string | null };
}

export interface Subscription {
  id: string;
  customerId: string;
  providerSubscriptionId: string;
  offerId: string;
  offerName: string | null;
  productId: string | null;
  skuId: string | null;
  friendlyName: string | null;
  quantity: number;
  unitType: string | null;
  billingType: string;
  billingCycle: string | null;
  termDuration: string | null;
  commerce: 'legacy' | 'nce';
  /** the provider's status, verbatim (unknown future values too) */
  status: string;
  autoRenew: boolean;
  creationDate: string | null;
  effectiveStartDate: string | null;
  commitmentEndDate: string | null;
  parentProviderSubscriptionId: string | null;
  suspensionReasons: string[];
  /** what the desk asked for last; differs from status while a change is under way, or on drift */
  expectedStatus: string | null;
  billedWhileSuspended: boolean;
  autoRenewBeforeSuspend: boolean | null;
  syncedAt: string | null;
  removedUpstreamAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const SUSPEND_REASONS = ['non_payment', 'fraud', 'misuse', 'customer_request', 'other'] as const;
export type SuspendReason = (typeof SUSPEND_REASONS)[number];

export interface SubscriptionOperation {
  id: string;
  subscriptionId: string;
  customerId: string;
  action: 'suspend' | 'reactivate';
  reason: string;
  state: 'requested' | 'confirmed' | 'retrying' | 'failed';
  requestId: string;
  attempts: number;
  errorCode: string | null;
  providerCode: string | null;
  httpStatus: number | null;
  errorMessage: string | null;
  /** the error explained in the request's language */
  explanation?: string | null;
  requestedBy: string;
  requestedAt: string;
  completedAt: string | null;
}

export const isPendingOperation = (op: SubscriptionOperation | undefined) => op?.state === 'requested' || op?.state === 'retrying';

export interface DriftItem {
  subscription: Subscription;
  customerName: string;
  kind: 'status' | 'removed_upstream';
  expected: string | null;
  actual: string;
}

export interface ProviderAccount {
  id: string;
  name: string;
  cloud: Cloud;
  payee: 'microsoft' | '21vianet';
  currency: string;
  partnerTenantId: string;
  appId: string;
  hasSecret: boolean;
  supportEntitlements: { type: string; contractId?: string | null }[];
  demo: boolean;
  status: 'active' | 'disabled';
  lastSyncAt: string | null;
  lastSyncStatus: string | null;
  /** days from the invoice date to the due date of a provider invoice */
  paymentTermsDays: number;
  /** how many days before the due date finance users are reminded */
  payableReminderDays: number;
}

export interface SyncStats {
  customersSeen: number;
  customersCreated: number;
  customersUpdated: number;
  customersRemoved: number;
  subscriptionsSeen: number;
  subscriptionsCreated: number;
  subscriptionsUpdated: number;
  subscriptionsRemoved: number;
  failed: number;
}

export interface SyncRun {
  runId: string;
  accountId: string;
  state: 'done' | 'partial' | 'failed';
  stats: SyncStats;
  errors: { customer?: string; code: string; providerCode?: string | null; message: string }[];
}

// ---------------------------------------------------------------- provider billing: reconciliation imports

export const RECON_FORMATS = ['nce_invoice', 'nce_daily_usage', 'legacy_license', 'legacy_usage'] as const;
export type ReconFormat = (typeof RECON_FORMATS)[number];

export interface ReconTotal {
  currency: string;
  /** decimal strings, exact ("20.00") */
  subtotal: string;
  tax: string;
  total: string;
}

export interface ReconRowError {
  line: number;
  column: string | null;
  value: string | null;
  code: string;
  /** already in the request's language */
  message: string;
}

export interface ReconSummary {
  importId: string | null;
  format: string | null;
  rows: number;
  imported: number;
  replaced: number;
  duplicates: number;
  /** set when the same file was imported before (nothing added) */
  duplicateOf: string | null;
  rejected: number;
  errors: ReconRowError[];
  totals: ReconTotal[];
  unmatched: { customers: number; subscriptions: number };
}

export interface ReconImport {
  id: string;
  providerAccountId: string;
  fileName: string;
  format: string;
  rows: number;
  imported: number;
  replaced: number;
  duplicates: number;
  totals: ReconTotal[];
  unmatched: { customers: number; subscriptions: number };
  requestedBy: string;
  importedAt: string;
}

// ---------------------------------------------------------------- provider billing: provider invoices (payables)

export const PAYABLE_STATUSES = ['open', 'scheduled', 'paid', 'overdue', 'credit'] as const;
export type PayableStatus = (typeof PAYABLE_STATUSES)[number];

/** A provider invoice as a payable. Amounts are exact decimal strings ("1234.56") in `currency`. */
export interface ProviderInvoice {
  id: string;
  providerAccountId: string;
  accountName: string;
  invoiceNumber: string;
  payee: 'microsoft' | '21vianet';
  source: 'api' | 'manual';
  invoiceType: string | null;
  documentType: string | null;
  invoiceDate: string;
  periodStart: string | null;
  periodEnd: string | null;
  dueDate: string;
  scheduledFor: string | null;
  currency: string;
  total: string;
  paid: string;
  balance: string;
  /** what the provider says was paid (API invoices) */
  providerPaid: string;
  status: PayableStatus;
  daysOverdue: number;
  /** negative once the due date has passed */
  daysUntilDue: number;
  linesImportedAt: string | null;
}

export interface ManualInvoiceInput {
  providerAccountId: string;
  invoiceNumber: string;
  invoiceDate: string;
  dueDate?: string;
  currency: string;
  total: string;
}

export const PAYMENT_METHODS = ['bank_transfer', 'direct_debit', 'card', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface ProviderPayment {
  id: string;
  amount: string;
  currency: string;
  paidOn: string;
  method: PaymentMethod | (string & {});
  reference: string | null;
  note: string | null;
  recordedBy: string;
  recordedAt: string;
}

export interface PaymentInput {
  amount: string;
  currency: string;
  paidOn: string;
  method: PaymentMethod;
  reference?: string;
  note?: string;
}

export type DifferenceReason = 'missing_lines' | 'exchange_rate' | 'partner_earned_credit' | 'rounding' | 'adjustment';

export interface TieOut {
  currency: string;
  invoiceTotal: string;
  linesTotal: string;
  lines: number;
  /** invoice total − Σ lines in the invoice currency */
  difference: string;
  status: 'tied' | 'explained' | 'unexplained' | 'no_lines';
  /** Σ credit, refund and discount lines (part of Σ lines) */
  credits: string;
  /** partner-earned credit and discounts inside the lines (part of Σ lines) */
  priceAdjustments: string;
  differences: { reason: DifferenceReason; amount: string; lines?: number; currencies?: { currency: string; total: string; lines: number }[] }[];
}

export interface UnmatchedGroup {
  providerAccountId: string;
  customerTenantId: string | null;
  customerName: string | null;
  subscriptionId: string | null;
  reason: 'customer' | 'subscription';
  currency: string;
  lines: number;
  total: string;
  /** invoice numbers the lines carry */
  invoices: string[];
}

export interface SeatDifference {
  subscriptionId: string;
  customerTenantId: string | null;
  customerName: string | null;
  product: string | null;
  chargeStart: string | null;
  /** seats billed, an exact decimal string */
  billed: string;
  /** the desk's quantity; null when the desk does not know the subscription */
  expected: number | null;
  deskSubscriptionId: string | null;
  customerId: string | null;
}

export interface ProviderInvoiceDetail {
  invoice: ProviderInvoice;
  payments: ProviderPayment[];
  tieOut: TieOut;
  otherCurrencies: { currency: string; lines: number; total: string }[];
  breakdown: { chargeType: string; currency: string; lines: number; total: string }[];
  seats: SeatDifference[];
  unmatched: UnmatchedGroup[];
}

export interface InvoiceSyncResult {
  invoices: number;
  created: number;
  updated: number;
  linesImported: { invoiceNumber: string; group: string; importId: string | null; rows: number; imported: number; duplicates: number }[];
  errors: { invoiceNumber: string | null; code: string; message: string }[];
}

export interface PayablesSummary {
  /** the server's today (YYYY-MM-DD) */
  asOf: string;
  currencies: { currency: string; overdue: string; dueIn7Days: string; dueIn30Days: string; later: string; total: string; invoices: number }[];
  /** the next invoices to pay, by due date */
  next: ProviderInvoice[];
}

export interface UnmatchedReport {
  groups: UnmatchedGroup[];
  invoicesMissing: { providerAccountId: string; invoiceNumber: string; currency: string; lines: number; total: string }[];
}

const PB = '/api/provider-billing';
const enc = encodeURIComponent;

export const providerInvoices = {
  list: (q: { providerAccountId?: string; status?: string; from?: string; to?: string; limit?: number }, signal?: AbortSignal) =>
    api.get<{ items: ProviderInvoice[] }>(`${PB}/invoices`, q, signal ? { signal } : {}),
  get: (id: string, signal?: AbortSignal) => api.get<ProviderInvoiceDetail>(`${PB}/invoices/${enc(id)}`, undefined, signal ? { signal } : {}),
  create: (input: ManualInvoiceInput) => api.post<ProviderInvoice>(`${PB}/invoices`, input),
  sync: (providerAccountId: string) => api.post<InvoiceSyncResult>(`${PB}/invoices/sync`, { providerAccountId }),
  pay: (id: string, input: PaymentInput) => api.post<ProviderInvoice>(`${PB}/invoices/${enc(id)}/payments`, input),
  schedule: (id: string, date: string | null) => api.put<ProviderInvoice>(`${PB}/invoices/${enc(id)}/schedule`, { date }),
  summary: (signal?: AbortSignal) => api.get<PayablesSummary>(`${PB}/payables/summary`, undefined, signal ? { signal } : {}),
  unmatched: (providerAccountId: string | undefined, signal?: AbortSignal) => api.get<UnmatchedReport>(`${PB}/unmatched`, { providerAccountId }, signal ? { signal } : {}),
};
