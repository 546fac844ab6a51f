import { api } from '../../api';

// The payments, bank and receivables API as the pages use it (src/modules/payments/*.routes.ts).
// Amounts are exact decimal strings in the document's currency ("1250.00"), as in the invoicing
// API; they never become JS numbers.

export const PAYMENT_METHODS = ['bank_transfer', 'direct_debit', 'card', 'cash', 'check', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface Payment {
  id: string;
  customerId: string;
  customerName: string;
  amount: string;
  currency: string;
  receivedOn: string;
  method: PaymentMethod | (string & {});
  reference: string | null;
  payerName: string | null;
  payerIban: string | null;
  note: string | null;
  source: 'manual' | 'bank' | (string & {});
  status: 'posted' | 'reversed';
  flagged: boolean;
  reversedOn: string | null;
  /** "AC04: account closed" when a return code was given */
  reversalReason: string | null;
  /** what is left to allocate or refund */
  unapplied: string;
  refunded: string;
  recordedBy: string;
  recordedAt: string;
}

export interface Allocation {
  id: string;
  paymentId: string | null;
  creditNoteId: string | null;
  creditNoteNumber: string | null;
  invoiceId: string;
  invoiceNumber: string | null;
  amount: string;
  currency: string;
  appliedOn: string;
  releasedOn: string | null;
  releaseReason: 'reversal' | 'undone' | (string & {}) | null;
  createdBy: string;
}

export interface Refund {
  id: string;
  amount: string;
  currency: string;
  refundedOn: string;
  method: string;
  reference: string | null;
  reason: string;
  createdBy: string;
}

export interface PaymentDetail {
  payment: Payment;
  allocations: Allocation[];
  refunds: Refund[];
}

/** "oldest" due first, "none" (all unapplied), or named invoices with an optional decimal amount each. */
export type AllocateSpec = 'oldest' | 'none' | { invoiceId: string; amount?: string }[];

export interface PaymentInput {
  customerId: string;
  amount: string;
  currency: string;
  receivedOn: string;
  method: PaymentMethod;
  reference?: string;
  payerName?: string;
  payerIban?: string;
  note?: string;
  allocate: AllocateSpec;
}

export interface OpenItem {
  id: string;
  kind: 'invoice' | 'credit_note';
  number: string;
  currency: string;
  issueDate: string;
  dueDate: string | null;
  gross: string;
  open: string;
  disputed: string;
  /** null for credit notes */
  daysPastDue: number | null;
  bucket: string;
}

export interface Balance {
  currency: string;
  receivable: string;
  unapplied: string;
  overdue: string;
  disputed: string;
}

/** A payment as a customer's receivables list it (no names, no flags: reversed is the flag). */
export interface ReceivablePayment {
  id: string;
  amount: string;
  currency: string;
  receivedOn: string;
  method: string;
  reference: string | null;
  status: 'posted' | 'reversed';
  reversedOn: string | null;
  unapplied: string;
  refunded: string;
}

export interface CustomerReceivables {
  balances: Balance[];
  openItems: OpenItem[];
  payments: ReceivablePayment[];
}

export interface Buckets {
  current: string;
  d1_30: string;
  d31_60: string;
  d61_90: string;
  d90_plus: string;
  disputed: string;
  balance: string;
  unapplied: string;
}
export const BUCKETS = ['current', 'd1_30', 'd31_60', 'd61_90', 'd90_plus'] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface Aging {
  asOf: string;
  currencies: { currency: string; total: Buckets; customers: (Buckets & { customerId: string; name: string })[] }[];
}

// ---------------------------------------------------------------- bank

export const BANK_STATUSES = ['suggested', 'unmatched', 'matched', 'confirmed', 'ignored', 'error'] as const;
export type BankStatus = (typeof BANK_STATUSES)[number];

export interface BankSuggestion {
  customerId: string;
  customerName: string | null;
  invoices: { id: string; number: string | null }[];
  reason: string;
  /** a return: the payment it gives back */
  paymentId: string | null;
}

export interface BankEntry {
  id: string;
  statementId: string;
  statementRef: string;
  position: number;
  bookingDate: string | null;
  valueDate: string | null;
  amount: string;
  currency: string;
  direction: 'credit' | 'debit';
  reversal: boolean;
  bankReference: string | null;
  endToEndId: string | null;
  remittance: string;
  payerName: string | null;
  payerIban: string | null;
  transactionCode: string | null;
  returnReason: string | null;
  status: BankStatus;
  reason: string | null;
  customerId: string | null;
  customerName: string | null;
  suggestions: BankSuggestion[];
  paymentId: string | null;
  reversedPaymentId: string | null;
  /** the message is in the request's language */
  error: { code: string; params: Record<string, string>; message: string } | null;
  decidedBy: string | null;
  decidedAt: string | null;
}

export interface BankImportResult {
  statements: number;
  statementIds?: string[];
  entries: number;
  matched: number;
  suggested: number;
  unmatched: number;
  ignored?: number;
  duplicates: number;
  errors: { entry: string; code: string; message: string }[];
}

export interface CsvMapping {
  delimiter?: ',' | ';' | '\t';
  decimalSeparator?: '.' | ',';
  dateFormat: string;
  columns: Record<string, string | string[] | undefined>;
  currency?: string;
  accountIban?: string;
}
export interface NamedMapping {
  name: string;
  mapping: CsvMapping;
  createdAt: string;
  updatedAt: string;
}

const enc = encodeURIComponent;
const opt = (signal?: AbortSignal) => (signal ? { signal } : {});
/** One key per submission: a retried or double-clicked POST replays instead of posting twice. */
export const newIdempotencyKey = () => (typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);
const once = (key: string | undefined) => (key ? { headers: { 'Idempotency-Key': key } } : {});

export const payments = {
  list: (q: { customerId?: string; flagged?: 'true' }, signal?: AbortSignal) => api.get<{ items: Payment[] }>('/api/payments', { ...q }, opt(signal)),
  get: (id: string, signal?: AbortSignal) => api.get<PaymentDetail>(`/api/payments/${enc(id)}`, undefined, opt(signal)),
  record: (input: PaymentInput, key: string) => api.post<PaymentDetail>('/api/payments', input, once(key)),
  allocate: (id: string, allocate: AllocateSpec, key?: string) => api.post<PaymentDetail>(`/api/payments/${enc(id)}/allocate`, { allocate }, once(key)),
  reverse: (id: string, body: { reason: string; reversedOn?: string; returnCode?: string }, key?: string) => api.post<PaymentDetail>(`/api/payments/${enc(id)}/reverse`, body, once(key)),
  refund: (id: string, body: { amount?: string; method: string; reference?: string; reason: string }, key?: string) => api.post<PaymentDetail>(`/api/payments/${enc(id)}/refund`, body, once(key)),
  undo: (allocationId: string, key?: string) => api.post<void>(`/api/allocations/${enc(allocationId)}/undo`, {}, once(key)),
};

export const bank = {
  upload: (file: File, mapping?: string) => {
    const form = new FormData();
    if (mapping) form.append('mapping', mapping);
    form.append('file', file, file.name);
    return api.postForm<BankImportResult>('/api/bank/imports', form);
  },
  entries: (status: BankStatus | '', signal?: AbortSignal) => api.get<{ items: BankEntry[] }>('/api/bank/entries', { status }, opt(signal)),
  confirm: (id: string, body: { suggestion: number } | { customerId: string; invoiceIds?: string[] }, key?: string) => api.post<unknown>(`/api/bank/entries/${enc(id)}/confirm`, body, once(key)),
  ignore: (id: string, reason: string, key?: string) => api.post<unknown>(`/api/bank/entries/${enc(id)}/ignore`, { reason }, once(key)),
  mappings: (signal?: AbortSignal) => api.get<{ items: NamedMapping[] }>('/api/bank/mappings', undefined, opt(signal)),
  saveMapping: (name: string, mapping: CsvMapping) => api.put<unknown>(`/api/bank/mappings/${enc(name)}`, mapping),
  deleteMapping: (name: string) => api.del<void>(`/api/bank/mappings/${enc(name)}`),
};

// The receivables API answers in minor units with the exponent beside ("123456", 2); the pages get
// exact decimal strings like everywhere else ("1234.56"), shifted as text.
export function fromMinor(minor: string, exponent: number): string {
  const m = /^(-?)(\d+)$/.exec(minor);
  if (!m || exponent <= 0) return minor;
  const digits = m[2]!.padStart(exponent + 1, '0');
  return `${m[1]}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
type Minor<T> = T & { exponent: number };
const decimals = <T extends object>(row: Minor<T>, keys: readonly (keyof T)[]): T => {
  const out = { ...row } as T;
  for (const k of keys) out[k] = fromMinor(String(row[k]), row.exponent) as T[typeof k];
  return out;
};
const ROW_KEYS = [...BUCKETS, 'disputed', 'balance', 'unapplied'] as const;

async function agingIn(q: { asOf?: string; currency?: string; customerId?: string }, signal?: AbortSignal): Promise<Aging> {
  type Raw = { asOf: string; currencies: { currency: string; exponent: number; total: Buckets; customers: (Buckets & { customerId: string; name: string })[] }[] };
  const raw = await api.get<Raw>('/api/receivables/aging', { ...q }, opt(signal));
  return {
    asOf: raw.asOf,
    currencies: raw.currencies.map((c) => ({
      currency: c.currency,
      total: decimals<Buckets>({ ...c.total, exponent: c.exponent }, ROW_KEYS),
      customers: c.customers.map((x) => decimals<Buckets & { customerId: string; name: string }>({ ...x, exponent: c.exponent }, ROW_KEYS)),
    })),
  };
}

async function customerIn(id: string, signal?: AbortSignal): Promise<CustomerReceivables> {
  type Raw = { balances: Minor<Balance>[]; openItems: Minor<OpenItem>[]; payments: Minor<ReceivablePayment>[] };
  const raw = await api.get<Raw>(`/api/customers/${enc(id)}/receivables`, undefined, opt(signal));
  return {
    balances: raw.balances.map((b) => decimals(b, ['receivable', 'unapplied', 'overdue', 'disputed'])),
    openItems: raw.openItems.map((i) => decimals(i, ['gross', 'open', 'disputed'])),
    payments: raw.payments.map((p) => decimals(p, ['amount', 'unapplied', 'refunded'])),
  };
}

export const receivables = {
  aging: agingIn,
  customer: customerIn,
  statementUrl: (id: string, from: string, to: string) => `/api/customers/${enc(id)}/statement?${new URLSearchParams({ from, to, format: 'pdf' })}`,
  sendStatement: (id: string, from: string, to: string, key?: string) => api.post<{ to: string; locale: string }>(`/api/customers/${enc(id)}/statement/send`, { from, to }, once(key)),
};
