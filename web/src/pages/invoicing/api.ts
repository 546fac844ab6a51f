import { api } from '../../api';

// The invoicing API as the pages use it (src/modules/invoicing/invoicing.schema.ts). Amounts are
// exact decimal strings in the document's currency ("1234.50"); they are never parsed to numbers.

export type RunState = 'drafting' | 'draft' | 'issuing' | 'issued' | 'cancelled';
export interface CurrencyTotal {
  currency: string;
  net: string;
  tax: string;
  gross: string;
}

export interface InvoiceRun {
  runId: string;
  period: string;
  state: RunState;
  customers: number;
  invoices: number;
  held: number;
  issued: number;
  totals: CurrencyTotal[];
  created: boolean;
  createdAt: string;
  finishedAt: string | null;
}

export type InvoiceStatus = 'draft' | 'issued' | 'void';
export type InvoiceKind = 'invoice' | 'credit_note';

export interface DeliveryEntry {
  at: string;
  status: string;
  to?: string;
  messageId?: string;
  attempt?: number;
  error?: string;
}

export interface Invoice {
  id: string;
  kind: InvoiceKind;
  runId: string | null;
  customerId: string;
  customerName: string;
  currency: string;
  period: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  status: InvoiceStatus;
  /** a catalog key under errors (invoicing.hold.*) */
  holdCode: string | null;
  /** the arguments of the hold message, when it has any */
  holdParams?: Record<string, string> | null;
  holdReason: string | null;
  note: string | null;
  number: string | null;
  issueDate: string | null;
  dueDate: string | null;
  net: string;
  tax: string;
  gross: string;
  taxMode: string;
  taxRate: string;
  locale: string;
  creditsInvoiceId: string | null;
  reason: string | null;
  deliveryStatus: string;
  delivery: DeliveryEntry[];
  issuedAt: string | null;
  voidedAt: string | null;
}

export interface InvoiceLine {
  id: string;
  position: number;
  groupKey: string;
  groupTitle: string;
  description: string;
  periodStart: string;
  periodEnd: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  proration: { days: number; of: number } | null;
  charges: number;
  adjustedFrom: string | null;
  adjustNote: string | null;
  creditsLineId: string | null;
  credited: string;
}

export interface InvoiceDetail {
  invoice: Invoice;
  lines: InvoiceLine[];
  creditNotes: Invoice[];
}

export interface Charge {
  id: string;
  customerId: string;
  source: 'recon' | 'recurring' | 'manual';
  billingPeriod: string;
  groupTitle: string;
  description: string;
  periodStart: string;
  periodEnd: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  currency: string;
  cost: string | null;
  proration: { days: number; of: number } | null;
  priceRuleId: string | null;
  priceMethod: string | null;
  invoiceId: string | null;
  createdAt: string;
}

export interface OpenTotal {
  customerId: string;
  customerName: string;
  currency: string;
  charges: number;
  amount: string;
}

export interface RecurringFee {
  id: string;
  customerId: string;
  name: string;
  productCode: string | null;
  category: string;
  quantity: string;
  unitPrice: string;
  currency: string;
  interval: 'month' | 'year';
  startDate: string;
  endDate: string | null;
  billedThrough: string | null;
}

export interface CustomerOption {
  id: string;
  companyName: string;
  billingCurrency: string;
}

export interface ManualChargeInput {
  customerId: string;
  description: string;
  group?: string;
  quantity?: string;
  amount: string;
  currency: string;
  periodStart: string;
  periodEnd: string;
}

export interface FeeInput {
  customerId: string;
  name: string;
  productCode?: string;
  quantity?: string;
  unitPrice: string;
  currency?: string;
  interval: 'month' | 'year';
  startDate: string;
  endDate?: string | null;
}

export interface InvoiceQuery {
  customerId?: string;
  runId?: string;
  status?: InvoiceStatus;
  kind?: InvoiceKind;
  held?: 'true' | 'false';
  limit?: number;
  offset?: number;
}

/** The partner as its invoices print it (src/modules/invoicing/partner-profile.ts). */
export interface PartnerProfile {
  name: string;
  addressLines: string[];
  /** ISO 3166 alpha-2 */
  country: string;
  taxId: string | null;
  email: string | null;
  phone: string | null;
  website: string | null;
  /** a PNG or JPEG, base64 without a data: prefix */
  logoBase64: string | null;
  bank: { accountHolder: string | null; bankName: string | null; iban: string | null; bic: string | null };
  legalLines: string[];
  policyUrl: string | null;
  invoicePrefix: string;
  creditNotePrefix: string;
}

const enc = encodeURIComponent;
const opt = (signal?: AbortSignal) => (signal ? { signal } : {});

export const invoicing = {
  runs: (signal?: AbortSignal) => api.get<{ items: InvoiceRun[] }>('/api/invoice-runs', undefined, opt(signal)),
  run: (id: string, signal?: AbortSignal) => api.get<InvoiceRun>(`/api/invoice-runs/${enc(id)}`, undefined, opt(signal)),
  startRun: (period: string) => api.post<InvoiceRun>('/api/invoice-runs', { period }),
  issueRun: (id: string) => api.post<InvoiceRun>(`/api/invoice-runs/${enc(id)}/issue`),
  cancelRun: (id: string) => api.post<void>(`/api/invoice-runs/${enc(id)}/cancel`),

  invoices: (q: InvoiceQuery, signal?: AbortSignal) => api.get<{ items: Invoice[]; total: number }>('/api/invoices', { ...q }, opt(signal)),
  invoice: (id: string, signal?: AbortSignal) => api.get<InvoiceDetail>(`/api/invoices/${enc(id)}`, undefined, opt(signal)),
  pdfUrl: (id: string) => `/api/invoices/${enc(id)}/pdf`,
  hold: (id: string, reason: string) => api.post<void>(`/api/invoices/${enc(id)}/hold`, { reason }),
  release: (id: string) => api.post<void>(`/api/invoices/${enc(id)}/release`),
  /** delete a draft: its charges are open again for the next run */
  discard: (id: string) => api.post<void>(`/api/invoices/${enc(id)}/discard`),
  setNote: (id: string, note: string) => api.put<void>(`/api/invoices/${enc(id)}/note`, { note }),
  adjustLine: (id: string, lineId: string, amount: string, note: string) => api.patch<void>(`/api/invoices/${enc(id)}/lines/${enc(lineId)}`, { amount, note }),
  issue: (id: string) => api.post<{ number: string }>(`/api/invoices/${enc(id)}/issue`),
  credit: (id: string, body: { reason: string; lines?: { lineId: string; amount?: string }[] }) => api.post<{ id: string; number: string }>(`/api/invoices/${enc(id)}/credit-notes`, body),
  void: (id: string, reason: string, releaseCharges: boolean) => api.post<{ id: string; number: string }>(`/api/invoices/${enc(id)}/void`, { reason, releaseCharges }),
  resend: (id: string) => api.post<void>(`/api/invoices/${enc(id)}/resend`),

  charges: (q: { customerId?: string; open?: 'true'; limit?: number; offset?: number }, signal?: AbortSignal) => api.get<{ items: Charge[]; total: number }>('/api/charges', { ...q }, opt(signal)),
  openTotals: (signal?: AbortSignal) => api.get<{ items: OpenTotal[] }>('/api/charges/open-totals', undefined, opt(signal)),
  addCharge: (input: ManualChargeInput) => api.post<{ id: string }>('/api/charges', input),
  removeCharge: (id: string) => api.del<void>(`/api/charges/${enc(id)}`),
  fees: (customerId: string | undefined, signal?: AbortSignal) => api.get<{ items: RecurringFee[] }>('/api/recurring-fees', { customerId }, opt(signal)),
  createFee: (input: FeeInput) => api.post<{ id: string }>('/api/recurring-fees', input),
  stopFee: (id: string, endDate: string) => api.post<void>(`/api/recurring-fees/${enc(id)}/stop`, { endDate }),

  profile: (signal?: AbortSignal) => api.get<PartnerProfile>('/api/partner-profile', undefined, opt(signal)),
  saveProfile: (profile: PartnerProfile) => api.put<PartnerProfile>('/api/partner-profile', profile),

  customers: (signal?: AbortSignal) => api.get<{ items: CustomerOption[]; total: number }>('/api/customers', { limit: 500 }, opt(signal)),
};
