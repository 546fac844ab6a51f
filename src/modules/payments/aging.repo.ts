import { sql } from 'kysely';
import { currencyExponent } from '../../core/currencies.js';
import type { Executor } from '../../db/store.js';
import { ageItems, bucketOf, daysPastDue, emptyRow, type AgingRow, type Bucket } from './aging.js';
import { balances, customerBalances } from './ledger.js';
import { listPayments, openItems, type OpenItem, type PaymentView } from './receivables.repo.js';

/**
 * The reads behind the aging report, a customer's receivables page and the customer statement:
 * open items (receivables.repo) aged as of a date, unapplied cash and journal movements.
 */
export type AgingTotals = AgingRow & { unapplied: bigint };

export interface AgingReport {
  asOf: string;
  currencies: {
    currency: string;
    exponent: number;
    total: AgingTotals;
    customers: ({ customerId: string; name: string } & AgingTotals)[];
  }[];
}

/** Unapplied cash per customer and currency as of a date (shown positive). */
async function unappliedByCustomer(db: Executor, asOf: string, customerId?: string): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  for (const b of await balances(db, { account: 'unapplied_cash', asOf, ...(customerId && { party: customerId }) })) {
    if (b.party && b.balance !== 0n) out.set(`${b.currency}|${b.party}`, -b.balance);
  }
  return out;
}

export async function agingReport(db: Executor, q: { asOf: string; currency?: string | undefined; customerId?: string | undefined }): Promise<AgingReport> {
  const items = await openItems(db, { asOf: q.asOf, currency: q.currency, customerId: q.customerId });
  const aged = ageItems(items, q.asOf);
  const unapplied = await unappliedByCustomer(db, q.asOf, q.customerId);
  const byCurrency = new Map(aged.map((a) => [a.currency, { currency: a.currency, rows: new Map(a.customers.map((c) => [c.customerId, { ...c, unapplied: 0n }])) }]));
  // customers with only unapplied cash have a row too
  for (const [key, amount] of unapplied) {
    const [currency, customerId] = key.split('|') as [string, string];
    if (q.currency && currency !== q.currency) continue;
    let cur = byCurrency.get(currency);
    if (!cur) byCurrency.set(currency, (cur = { currency, rows: new Map() }));
    const row = cur.rows.get(customerId) ?? { customerId, ...emptyRow(), unapplied: 0n };
    row.unapplied = amount;
    cur.rows.set(customerId, row);
  }
  const ids = [...new Set([...byCurrency.values()].flatMap((c) => [...c.rows.keys()]))];
  const names = new Map(ids.length ? (await db.selectFrom('customers').select(['id', 'company_name']).where('id', 'in', ids).execute()).map((c) => [c.id, c.company_name]) : []);
  const currencies = [...byCurrency.values()]
    .sort((a, b) => (a.currency < b.currency ? -1 : 1))
    .map((cur) => {
      const customers = [...cur.rows.values()]
        .map((r) => ({ ...r, name: names.get(r.customerId) ?? r.customerId }))
        .sort((a, b) => a.name.localeCompare(b.name, 'en') || (a.customerId < b.customerId ? -1 : 1));
      const total: AgingTotals = { ...emptyRow(), unapplied: 0n };
      for (const c of customers) for (const k of Object.keys(total) as (keyof AgingTotals)[]) total[k] += c[k];
      return { currency: cur.currency, exponent: currencyExponent(cur.currency), total, customers };
    });
  return { asOf: q.asOf, currencies };
}

export interface AgedItem extends OpenItem {
  /** calendar days past the due date (invoices); null for credit notes */
  daysPastDue: number | null;
  bucket: Bucket;
}

export function ageOpenItem(i: OpenItem, asOf: string): AgedItem {
  return { ...i, daysPastDue: i.kind === 'invoice' ? daysPastDue(i, asOf) : null, bucket: bucketOf(i, asOf) };
}

export interface CustomerReceivables {
  balances: { currency: string; exponent: number; receivable: bigint; unapplied: bigint; overdue: bigint; disputed: bigint }[];
  openItems: AgedItem[];
  payments: PaymentView[];
}

/**
 * A customer's receivables today: per currency the journal's receivable and unapplied cash, what
 * is overdue (open invoices past their due date, less what is disputed) and disputed; the open
 * items with their days past due; the 50 most recent payments.
 */
export async function customerReceivables(db: Executor, customerId: string, today: string): Promise<CustomerReceivables> {
  const items = (await openItems(db, { customerId })).map((i) => ageOpenItem(i, today));
  const journal = await customerBalances(db, customerId);
  const currencies = [...new Set([...journal.keys(), ...items.map((i) => i.currency)])].sort();
  const out = currencies.map((currency) => {
    const mine = items.filter((i) => i.currency === currency && i.kind === 'invoice');
    const overdue = mine.filter((i) => (i.daysPastDue ?? 0) > 0).reduce((s, i) => s + i.open - i.disputed, 0n);
    const disputed = mine.reduce((s, i) => s + i.disputed, 0n);
    const j = journal.get(currency) ?? { receivable: 0n, unapplied: 0n };
    return { currency, exponent: currencyExponent(currency), receivable: j.receivable, unapplied: j.unapplied, overdue, disputed };
  });
  return { balances: out, openItems: items, payments: await listPayments(db, { customerId, limit: 50 }) };
}

/** One journal line on a customer's receivables or unapplied cash, with what it belongs to. */
export interface Movement {
  seq: bigint;
  date: string;
  kind: string;
  docType: string;
  docId: string;
  memo: string | null;
  account: 'receivables' | 'unapplied_cash';
  currency: string;
  /** debit − credit */
  net: bigint;
  /** allocations and refunds: the payment they belong to */
  paymentId: string | null;
  releaseReason: string | null;
}

export async function customerMovements(db: Executor, customerId: string, from: string, to: string): Promise<Movement[]> {
  const rows = await sql<{ seq: string; effective_date: string; kind: string; doc_type: string; doc_id: string; memo: string | null; account: 'receivables' | 'unapplied_cash'; currency: string; net: string; payment_id: string | null; release_reason: string | null }>`
    SELECT e.seq::text, e.effective_date, e.kind, e.doc_type, e.doc_id, e.memo, l.account, l.currency, (l.debit - l.credit)::text AS net,
      coalesce(a.payment_id, r.payment_id) AS payment_id, a.release_reason
    FROM ledger_lines l
    JOIN ledger_entries e ON e.seq = l.entry_seq
    LEFT JOIN allocations a ON e.doc_type = 'allocation' AND a.id = e.doc_id
    LEFT JOIN refunds r ON e.doc_type = 'refund' AND r.id = e.doc_id
    WHERE l.party = ${customerId} AND l.account IN ('receivables', 'unapplied_cash')
      AND e.effective_date >= ${from}::date AND e.effective_date <= ${to}::date
    ORDER BY e.effective_date, e.seq, l.line_no`.execute(db);
  return rows.rows.map((r) => ({
    seq: BigInt(r.seq),
    date: r.effective_date,
    kind: r.kind,
    docType: r.doc_type,
    docId: r.doc_id,
    memo: r.memo,
    account: r.account,
    currency: r.currency,
    net: BigInt(r.net),
    paymentId: r.payment_id,
    releaseReason: r.release_reason,
  }));
}

/** Details printed next to a statement's movements: payments (method, reference, amount) and invoices (due date). */
export async function movementDocuments(db: Executor, paymentIds: string[], invoiceIds: string[]) {
  const payments = paymentIds.length ? await db.selectFrom('payments').select(['id', 'amount', 'method', 'reference', 'received_on']).where('id', 'in', paymentIds).execute() : [];
  const invoices = invoiceIds.length ? await db.selectFrom('invoices').select(['id', 'number', 'due_date', 'kind']).where('id', 'in', invoiceIds).execute() : [];
  return { payments: new Map(payments.map((p) => [p.id, p])), invoices: new Map(invoices.map((i) => [i.id, i])) };
}
