import { sql } from 'kysely';
import type { Executor } from '../../db/store.js';

/**
 * Open items: what is left of each issued invoice (gross less what pays it) and of each credit
 * note (gross less where it was applied), and what is left of each payment (amount less its
 * allocations and refunds). As of a date: documents issued by then, allocations applied by then
 * and not released by then. The journal holds the same totals (receivables = Σ open invoices −
 * Σ open credits); `ledger check` proves they agree.
 */
export interface OpenItem {
  id: string;
  kind: 'invoice' | 'credit_note';
  customerId: string;
  number: string;
  currency: string;
  issueDate: string;
  /** credit notes: null (aged from the issue date) */
  dueDate: string | null;
  gross: bigint;
  /** what is left: positive for invoices, positive for credit notes too (kind says it is a credit) */
  open: bigint;
  disputed: bigint;
}

/** Whether an allocation counts on a date (null: now). */
const activeOn = (asOf: string | null) =>
  asOf === null ? sql`a.released_at IS NULL` : sql`a.applied_on <= ${asOf}::date AND (a.released_on IS NULL OR a.released_on > ${asOf}::date)`;

/**
 * What is allocated to the document `i` (an invoice: what pays it; a credit note: where it was
 * applied), as of a date or now. The one place that says it: open = gross − this. Two subqueries,
 * not one over a CASE of columns, so each uses its own index on allocations.
 */
export const appliedSql = (asOf: string | null = null) => sql<bigint>`(CASE WHEN i.kind = 'invoice'
  THEN coalesce((SELECT sum(a.amount) FROM allocations a WHERE a.invoice_id = i.id AND ${activeOn(asOf)}), 0)
  ELSE coalesce((SELECT sum(a.amount) FROM allocations a WHERE a.credit_note_id = i.id AND ${activeOn(asOf)}), 0) END)`;

/** What is left open of the document `i` now, as text (bigint travels as text from sql fragments). */
export const openSql = sql<string>`(i.gross - ${appliedSql()})::text`;

export async function openItems(db: Executor, q: { customerId?: string | undefined; currency?: string | undefined; asOf?: string | undefined; includeSettled?: boolean } = {}): Promise<OpenItem[]> {
  const asOf = q.asOf ?? null;
  const rows = await sql<{ id: string; kind: 'invoice' | 'credit_note'; customer_id: string; number: string; currency: string; issue_date: string; due_date: string | null; gross: string; applied: string; disputed: string }>`
    SELECT i.id, i.kind, i.customer_id, i.number, i.currency, i.issue_date, i.due_date, i.gross::text,
      ${appliedSql(asOf)}::text AS applied,
      coalesce((SELECT sum(d.amount) FROM disputes d WHERE d.invoice_id = i.id
        AND d.opened_on <= coalesce(${asOf}::date, d.opened_on) AND (d.status = 'open' OR (${asOf}::date IS NOT NULL AND d.closed_on > ${asOf}::date))), 0)::text AS disputed
    FROM invoices i
    WHERE i.status <> 'draft' AND i.number IS NOT NULL
      AND (${q.customerId ?? null}::text IS NULL OR i.customer_id = ${q.customerId ?? null})
      AND (${q.currency ?? null}::text IS NULL OR i.currency = ${q.currency ?? null})
      AND (${asOf}::date IS NULL OR i.issue_date <= ${asOf}::date)
    ORDER BY i.customer_id, i.currency, coalesce(i.due_date, i.issue_date), i.issue_date, i.number`.execute(db);
  const items = rows.rows.map((r) => {
    const open = BigInt(r.gross) - BigInt(r.applied);
    const disputed = BigInt(r.disputed);
    return {
      id: r.id,
      kind: r.kind,
      customerId: r.customer_id,
      number: r.number,
      currency: r.currency,
      issueDate: r.issue_date,
      dueDate: r.due_date,
      gross: BigInt(r.gross),
      open,
      disputed: disputed > open ? open : disputed,
    };
  });
  return q.includeSettled ? items : items.filter((i) => i.open !== 0n);
}

/** What is left open of an issued invoice (to pay) or credit note (to apply). */
export async function documentOpen(db: Executor, id: string): Promise<bigint> {
  const r = await sql<{ open: string }>`SELECT ${openSql} AS open FROM invoices i WHERE i.id = ${id}`.execute(db);
  return BigInt(r.rows[0]?.open ?? '0');
}

/** What is left of a payment to allocate or refund (0 once reversed). */
export async function paymentUnapplied(db: Executor, paymentId: string): Promise<bigint> {
  return (await listPayments(db, { id: paymentId }))[0]?.unapplied ?? 0n;
}

/** A customer's open invoices in a currency, oldest due first: what "oldest first" allocation pays. */
export async function openInvoicesOldestFirst(db: Executor, customerId: string, currency: string): Promise<OpenItem[]> {
  return (await openItems(db, { customerId, currency })).filter((i) => i.kind === 'invoice' && i.open > 0n);
}

export interface PaymentView {
  id: string;
  customerId: string;
  customerName: string;
  amount: bigint;
  currency: string;
  receivedOn: string;
  method: string;
  reference: string | null;
  payerName: string | null;
  payerIban: string | null;
  note: string | null;
  source: string;
  status: 'posted' | 'reversed';
  flagged: boolean;
  reversedOn: string | null;
  reversalReason: string | null;
  unapplied: bigint;
  refunded: bigint;
  recordedBy: string;
  recordedAt: Date;
}

export async function listPayments(db: Executor, q: { customerId?: string | undefined; id?: string | undefined; flagged?: boolean | undefined; limit?: number }): Promise<PaymentView[]> {
  const rows = await sql<{
    id: string; customer_id: string; company_name: string; amount: string; currency: string; received_on: string; method: string; reference: string | null;
    payer_name: string | null; payer_iban: string | null; note: string | null; source: string; status: 'posted' | 'reversed'; flagged: boolean;
    reversed_on: string | null; reversal_reason: string | null; allocated: string; refunded: string; recorded_by: string; recorded_at: Date;
  }>`SELECT p.id, p.customer_id, c.company_name, p.amount::text, p.currency, p.received_on, p.method, p.reference, p.payer_name, p.payer_iban, p.note, p.source,
      p.status, p.flagged, p.reversed_on, p.reversal_reason, p.recorded_by, p.recorded_at,
      coalesce((SELECT sum(a.amount) FROM allocations a WHERE a.payment_id = p.id AND a.released_at IS NULL), 0)::text AS allocated,
      coalesce((SELECT sum(r.amount) FROM refunds r WHERE r.payment_id = p.id), 0)::text AS refunded
    FROM payments p JOIN customers c ON c.id = p.customer_id
    WHERE (${q.customerId ?? null}::text IS NULL OR p.customer_id = ${q.customerId ?? null})
      AND (${q.id ?? null}::text IS NULL OR p.id = ${q.id ?? null})
      AND (${q.flagged ?? null}::boolean IS NULL OR p.flagged = ${q.flagged ?? null})
    ORDER BY p.received_on DESC, p.recorded_at DESC
    LIMIT ${q.limit ?? 200}`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    customerId: r.customer_id,
    customerName: r.company_name,
    amount: BigInt(r.amount),
    currency: r.currency,
    receivedOn: r.received_on,
    method: r.method,
    reference: r.reference,
    payerName: r.payer_name,
    payerIban: r.payer_iban,
    note: r.note,
    source: r.source,
    status: r.status,
    flagged: r.flagged,
    reversedOn: r.reversed_on,
    reversalReason: r.reversal_reason,
    unapplied: r.status === 'reversed' ? 0n : BigInt(r.amount) - BigInt(r.allocated) - BigInt(r.refunded),
    refunded: BigInt(r.refunded),
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
  }));
}

export async function listAllocations(db: Executor, q: { paymentId?: string; invoiceId?: string; creditNoteId?: string }) {
  return db
    .selectFrom('allocations as a')
    .innerJoin('invoices as i', 'i.id', 'a.invoice_id')
    .leftJoin('invoices as cn', 'cn.id', 'a.credit_note_id')
    .select(['a.id', 'a.payment_id', 'a.credit_note_id', 'a.invoice_id', 'i.number as invoice_number', 'cn.number as credit_note_number', 'a.amount', 'a.currency', 'a.applied_on', 'a.released_on', 'a.release_reason', 'a.created_by'])
    .$if(!!q.paymentId, (qb) => qb.where('a.payment_id', '=', q.paymentId!))
    .$if(!!q.invoiceId, (qb) => qb.where('a.invoice_id', '=', q.invoiceId!))
    .$if(!!q.creditNoteId, (qb) => qb.where('a.credit_note_id', '=', q.creditNoteId!))
    .orderBy('a.created_at')
    .execute();
}
