import { sql } from 'kysely';
import { openSql } from '../payments/receivables.repo.js';
import type { Executor } from '../../db/store.js';
import type { CustomerAddress, DeliveryEvent, InvoicesTable } from '../../db/types.js';
import type { Selectable } from 'kysely';
import { draftLinesQuery, linesStored } from './drafts.repo.js';

/** SQL of invoices, their lines, runs and series. */
export type InvoiceRow = Selectable<InvoicesTable>;

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
  amount: bigint;
  proration: { days: number; of: number } | null;
  charges: number;
  adjustedFrom: bigint | null;
  adjustNote: string | null;
  creditsLineId: string | null;
  /** invoices only: what credit notes have credited of this line so far */
  credited?: bigint;
}

export interface Invoice {
  id: string;
  kind: 'invoice' | 'credit_note';
  runId: string | null;
  customerId: string;
  customerName: string;
  currency: string;
  period: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  status: 'draft' | 'issued' | 'void';
  holdCode: string | null;
  /** the parameters of the hold's message (a hold the desk found) */
  holdParams: Record<string, string> | null;
  holdReason: string | null;
  note: string | null;
  number: string | null;
  issueDate: string | null;
  dueDate: string | null;
  net: bigint;
  tax: bigint;
  gross: bigint;
  /** issued documents: what is left to pay (an invoice) or to apply (a credit note); null for drafts */
  open: bigint | null;
  taxMode: string;
  taxRate: string;
  locale: string;
  creditsInvoiceId: string | null;
  reason: string | null;
  deliveryStatus: InvoiceRow['delivery_status'];
  delivery: DeliveryEvent[];
  customerSnapshot: unknown;
  issuerSnapshot: unknown;
  issuedAt: Date | null;
  voidedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const toInvoice = (r: InvoiceRow & { customer_name: string; open?: string | null }): Invoice => ({
  id: r.id,
  kind: r.kind,
  runId: r.run_id,
  customerId: r.customer_id,
  customerName: r.customer_name,
  currency: r.currency,
  period: r.period,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  status: r.status,
  holdCode: r.hold_code,
  holdParams: r.hold_params,
  holdReason: r.hold_reason,
  note: r.note,
  number: r.number,
  issueDate: r.issue_date,
  dueDate: r.due_date,
  net: r.net,
  tax: r.tax,
  gross: r.gross,
  open: r.open == null ? null : BigInt(r.open),
  taxMode: r.tax_mode,
  taxRate: r.tax_rate,
  locale: r.locale,
  creditsInvoiceId: r.credits_invoice_id,
  reason: r.reason,
  deliveryStatus: r.delivery_status,
  delivery: r.delivery,
  customerSnapshot: r.customer_snapshot,
  issuerSnapshot: r.issuer_snapshot,
  issuedAt: r.issued_at,
  voidedAt: r.voided_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const base = (db: Executor) => db.selectFrom('invoices as i').innerJoin('customers as c', 'c.id', 'i.customer_id').selectAll('i').select(['c.company_name as customer_name', sql<string | null>`CASE WHEN i.status = 'draft' THEN NULL ELSE ${openSql} END`.as('open')]);

export async function findInvoice(db: Executor, id: string, opts: { forUpdate?: boolean; customerId?: string } = {}): Promise<Invoice | undefined> {
  let q = base(db).where('i.id', '=', id);
  if (opts.customerId) q = q.where('i.customer_id', '=', opts.customerId);
  if (opts.forUpdate) q = q.forUpdate('i');
  const r = await q.executeTakeFirst();
  return r ? toInvoice(r) : undefined;
}

export async function invoiceLines(db: Executor, invoiceId: string): Promise<InvoiceLine[]> {
  // a run's draft whose lines are not stored: grouped from its charges now
  const inv = await db.selectFrom('invoices').select(['status', 'run_id']).where('id', '=', invoiceId).executeTakeFirst();
  if (inv?.status === 'draft' && inv.run_id && !(await linesStored(db, invoiceId))) {
    return (await draftLinesQuery(invoiceId).execute(db)).rows.map((l) => ({
      id: l.id,
      position: l.position,
      groupKey: l.group_key,
      groupTitle: l.group_title,
      description: l.description,
      periodStart: l.period_start,
      periodEnd: l.period_end,
      quantity: l.quantity,
      unitPrice: l.unit_price,
      amount: BigInt(l.amount),
      proration: l.proration,
      charges: l.charges,
      adjustedFrom: null,
      adjustNote: null,
      creditsLineId: null,
      credited: 0n,
    }));
  }
  const rows = await db
    .selectFrom('invoice_lines as l')
    .selectAll('l')
    .select(sql<string>`(SELECT coalesce(sum(x.amount), 0) FROM invoice_lines x JOIN invoices n ON n.id = x.invoice_id AND n.status <> 'draft' WHERE x.credits_line_id = l.id)`.as('credited'))
    .where('l.invoice_id', '=', invoiceId)
    .orderBy('l.position')
    .execute();
  return rows.map((l) => ({
    id: l.id,
    position: l.position,
    groupKey: l.group_key,
    groupTitle: l.group_title,
    description: l.description,
    periodStart: l.period_start,
    periodEnd: l.period_end,
    quantity: l.quantity,
    unitPrice: l.unit_price,
    amount: l.amount,
    proration: l.proration,
    charges: l.charges,
    adjustedFrom: l.adjusted_from,
    adjustNote: l.adjust_note,
    creditsLineId: l.credits_line_id,
    credited: BigInt(l.credited),
  }));
}

export interface InvoiceFilter {
  customerId?: string | undefined;
  runId?: string | undefined;
  status?: Invoice['status'] | undefined;
  kind?: Invoice['kind'] | undefined;
  held?: boolean | undefined;
  creditsInvoiceId?: string | undefined;
  /** issued and void only (what a customer sees) */
  excludeDrafts?: boolean | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export async function listInvoices(db: Executor, f: InvoiceFilter): Promise<{ items: Invoice[]; total: number }> {
  let q = base(db);
  if (f.customerId) q = q.where('i.customer_id', '=', f.customerId);
  if (f.runId) q = q.where('i.run_id', '=', f.runId);
  if (f.status) q = q.where('i.status', '=', f.status);
  if (f.kind) q = q.where('i.kind', '=', f.kind);
  if (f.held !== undefined) q = q.where('i.hold_code', f.held ? 'is not' : 'is', null);
  if (f.creditsInvoiceId) q = q.where('i.credits_invoice_id', '=', f.creditsInvoiceId);
  if (f.excludeDrafts) q = q.where('i.status', '<>', 'draft');
  const total = await q.clearSelect().select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .orderBy(sql`i.issue_date DESC NULLS FIRST`)
    .orderBy('i.number', 'desc')
    .orderBy('c.company_name')
    .limit(f.limit ?? 50)
    .offset(f.offset ?? 0)
    .execute();
  return { items: rows.map(toInvoice), total: Number(total.n) };
}

/** net = Σ stored lines (a draft without stored lines keeps its net), tax on net at the invoice's rate (half up), gross = net + tax. */
export async function recomputeTotals(db: Executor, invoiceId: string, now: Date): Promise<void> {
  await sql`UPDATE invoices i SET net = s.net, tax = round(s.net * i.tax_rate / 100)::bigint, gross = s.net + round(s.net * i.tax_rate / 100)::bigint, updated_at = ${now}
    FROM (SELECT CASE WHEN EXISTS (SELECT 1 FROM invoice_lines WHERE invoice_id = ${invoiceId})
                      THEN (SELECT sum(amount) FROM invoice_lines WHERE invoice_id = ${invoiceId})::bigint
                      ELSE (SELECT net FROM invoices WHERE id = ${invoiceId}) END AS net) s
    WHERE i.id = ${invoiceId}`.execute(db);
}

/** Take the next number of a series under its row lock (the caller's transaction): gapless. */
export async function nextInSeries(db: Executor, series: string): Promise<number> {
  const r = await sql<{ seq: number }>`INSERT INTO invoice_series (series, next_seq) VALUES (${series}, 2)
    ON CONFLICT (series) DO UPDATE SET next_seq = invoice_series.next_seq + 1 RETURNING next_seq - 1 AS seq`.execute(db);
  return r.rows[0]!.seq;
}

export interface CustomerBilling {
  id: string;
  companyName: string;
  country: string | null;
  billingEmail: string | null;
  billingContactName: string | null;
  billingAddress: CustomerAddress | null;
  locale: string;
  paymentTermsDays: number;
  taxSettings: InvoiceTaxSettings;
  tenantId: string;
  billingCurrency: string;
}
type InvoiceTaxSettings = { mode: 'standard' | 'reverse_charge' | 'zero_rated' | 'exempt'; vatId?: string | null; rate?: string | null };

export async function customersForBilling(db: Executor, ids?: string[]): Promise<CustomerBilling[]> {
  let q = db
    .selectFrom('customers')
    .select(['id', 'company_name', 'country', 'billing_email', 'billing_contact_name', 'billing_address', 'locale', 'locale_override', 'payment_terms_days', 'tax_settings', 'tenant_id', 'billing_currency']);
  if (ids) {
    if (ids.length === 0) return [];
    q = q.where('id', 'in', ids);
  }
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    companyName: r.company_name,
    country: r.country,
    billingEmail: r.billing_email,
    billingContactName: r.billing_contact_name,
    billingAddress: r.billing_address,
    locale: r.locale_override ?? r.locale,
    paymentTermsDays: r.payment_terms_days,
    taxSettings: r.tax_settings,
    tenantId: r.tenant_id,
    billingCurrency: r.billing_currency,
  }));
}
