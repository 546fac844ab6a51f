import { sql } from 'kysely';
import type { Db, Executor } from '../../db/store.js';
import { runUseCase, type Actor, type UseCaseDeps } from '../../db/tx.js';
import { entryHash, GENESIS_HASH, lockLedger } from './ledger.js';
import { postInvoiceDoc, postProviderInvoice, postProviderPayment } from './postings.js';
import { appliedSql } from './receivables.repo.js';

/**
 * The integrity check (`partnerdesk ledger check`, and daily): three proofs.
 * 1. The journal balances: every entry, per currency, debits = credits.
 * 2. No entry was changed or removed: the hash chain recomputes, and seq runs 1..n.
 * 3. Each document's state matches its entries: what every invoice, credit note, payment,
 *    allocation, refund and provider document should have posted, net per account, is what the
 *    journal holds for it; and each customer's receivable equals their open items.
 */
export interface LedgerCheck {
  ok: boolean;
  entries: number;
  unbalanced: { seq: string; currency: string; debit: string; credit: string }[];
  chain: { ok: boolean; brokenAt: string | null; reason: string | null };
  documents: { docType: string; docId: string; account: string; expected: string; actual: string }[];
  receivables: { customerId: string; currency: string; journal: string; openItems: string }[];
}

const LIMIT = 100;

export async function checkLedger(db: Db): Promise<LedgerCheck> {
  const unbalanced = await sql<{ seq: string; currency: string; debit: string; credit: string }>`
    SELECT entry_seq::text AS seq, currency, sum(debit)::text AS debit, sum(credit)::text AS credit FROM ledger_lines
    GROUP BY entry_seq, currency HAVING sum(debit) <> sum(credit) ORDER BY entry_seq LIMIT ${LIMIT}`.execute(db);
  const chain = await checkChain(db);
  const documents = await sql<{ docType: string; docId: string; account: string; expected: string; actual: string }>`
    WITH expected(doc_type, doc_id, account, amount) AS (
      SELECT 'invoice', id, 'receivables', CASE WHEN kind = 'invoice' THEN gross ELSE -gross END FROM invoices WHERE status <> 'draft'
      UNION ALL SELECT 'invoice', id, 'revenue', CASE WHEN kind = 'invoice' THEN -net ELSE net END FROM invoices WHERE status <> 'draft'
      UNION ALL SELECT 'invoice', id, 'tax_payable', CASE WHEN kind = 'invoice' THEN -tax ELSE tax END FROM invoices WHERE status <> 'draft'
      UNION ALL SELECT 'payment', id, 'bank', CASE WHEN status = 'posted' THEN amount ELSE 0 END FROM payments
      UNION ALL SELECT 'payment', id, 'unapplied_cash', CASE WHEN status = 'posted' THEN -amount ELSE 0 END FROM payments
      UNION ALL SELECT 'allocation', id, 'receivables', CASE WHEN released_at IS NULL THEN -amount ELSE 0 END FROM allocations WHERE payment_id IS NOT NULL
      UNION ALL SELECT 'allocation', id, 'unapplied_cash', CASE WHEN released_at IS NULL THEN amount ELSE 0 END FROM allocations WHERE payment_id IS NOT NULL
      UNION ALL SELECT 'refund', id, 'bank', -amount FROM refunds
      UNION ALL SELECT 'refund', id, 'unapplied_cash', amount FROM refunds
      UNION ALL SELECT 'provider_invoice', id, 'cost_of_sales', total FROM provider_invoices
      UNION ALL SELECT 'provider_invoice', id, 'provider_payables', -total FROM provider_invoices
      UNION ALL SELECT 'provider_payment', id, 'provider_payables', amount FROM provider_payments
      UNION ALL SELECT 'provider_payment', id, 'bank', -amount FROM provider_payments
    ),
    actual AS (
      SELECT e.doc_type, e.doc_id, l.account, sum(l.debit - l.credit) AS amount
      FROM ledger_entries e JOIN ledger_lines l ON l.entry_seq = e.seq GROUP BY e.doc_type, e.doc_id, l.account
    )
    SELECT coalesce(x.doc_type, a.doc_type) AS "docType", coalesce(x.doc_id, a.doc_id) AS "docId", coalesce(x.account, a.account) AS account,
      coalesce(x.amount, 0)::text AS expected, coalesce(a.amount, 0)::text AS actual
    FROM expected x FULL JOIN actual a ON a.doc_type = x.doc_type AND a.doc_id = x.doc_id AND a.account = x.account
    WHERE coalesce(x.amount, 0) <> coalesce(a.amount, 0)
    ORDER BY 1, 2, 3 LIMIT ${LIMIT}`.execute(db);
  const receivables = await sql<{ customerId: string; currency: string; journal: string; openItems: string }>`
    WITH j AS (
      SELECT party AS customer_id, currency, sum(debit - credit) AS amount FROM ledger_lines WHERE account = 'receivables' GROUP BY party, currency
    ),
    o AS (
      SELECT i.customer_id, i.currency,
        sum(CASE WHEN i.kind = 'invoice' THEN 1 ELSE -1 END * (i.gross - ${appliedSql()})) AS amount
      FROM invoices i WHERE i.status <> 'draft' GROUP BY i.customer_id, i.currency
    )
    SELECT coalesce(j.customer_id, o.customer_id) AS "customerId", coalesce(j.currency, o.currency) AS currency,
      coalesce(j.amount, 0)::text AS journal, coalesce(o.amount, 0)::text AS "openItems"
    FROM j FULL JOIN o ON o.customer_id = j.customer_id AND o.currency = j.currency
    WHERE coalesce(j.amount, 0) <> coalesce(o.amount, 0) LIMIT ${LIMIT}`.execute(db);
  const entries = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ledger_entries`.execute(db);
  const ok = unbalanced.rows.length === 0 && chain.ok && documents.rows.length === 0 && receivables.rows.length === 0;
  return { ok, entries: Number(entries.rows[0]!.n), unbalanced: unbalanced.rows, chain, documents: documents.rows, receivables: receivables.rows };
}

/** Walk the chain in pages, recomputing each hash from the stored content. */
async function checkChain(db: Executor): Promise<LedgerCheck['chain']> {
  let prev = GENESIS_HASH;
  let expectSeq = 1n;
  for (;;) {
    const page = await sql<{
      seq: bigint; id: string; posted_at: Date; effective_date: string; kind: string; doc_type: string; doc_id: string; customer_id: string | null; memo: string | null; prev_hash: string; hash: string;
      lines: { account: string; party: string | null; currency: string; debit: string; credit: string }[];
    }>`SELECT e.*, (SELECT coalesce(json_agg(json_build_object('account', l.account, 'party', l.party, 'currency', l.currency, 'debit', l.debit::text, 'credit', l.credit::text) ORDER BY l.line_no), '[]')
         FROM ledger_lines l WHERE l.entry_seq = e.seq) AS lines
       FROM ledger_entries e WHERE e.seq >= ${expectSeq} ORDER BY e.seq LIMIT 2000`.execute(db);
    if (page.rows.length === 0) return { ok: true, brokenAt: null, reason: null };
    for (const e of page.rows) {
      const at = e.seq.toString();
      if (e.seq !== expectSeq) return { ok: false, brokenAt: expectSeq.toString(), reason: 'missing_entry' };
      if (e.prev_hash !== prev) return { ok: false, brokenAt: at, reason: 'chain_broken' };
      const lines = e.lines.map((l) => ({ ...l, debit: BigInt(l.debit), credit: BigInt(l.credit) }));
      const h = entryHash(prev, { seq: e.seq, id: e.id, postedAt: e.posted_at, effectiveDate: e.effective_date, kind: e.kind, docType: e.doc_type, docId: e.doc_id, customerId: e.customer_id, memo: e.memo, lines });
      if (h !== e.hash) return { ok: false, brokenAt: at, reason: 'content_changed' };
      prev = e.hash;
      expectSeq++;
    }
  }
}

/**
 * Documents from before the journal existed (an upgraded desk) are posted once, in document
 * order, so the journal covers everything. Cheap when nothing is missing: one query per type.
 */
export async function postMissingDocuments(deps: UseCaseDeps, actor: Actor): Promise<number> {
  return runUseCase(deps, actor, async (ctx) => {
    await lockLedger(ctx.trx);
    const posted = (type: string) => sql`NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.doc_type = ${type} AND e.doc_id = x.id)`;
    const inv = await sql<{ id: string; kind: 'invoice' | 'credit_note'; customer_id: string; currency: string; net: bigint; tax: bigint; gross: bigint; issue_date: string; number: string }>`
      SELECT x.id, x.kind, x.customer_id, x.currency, x.net, x.tax, x.gross, x.issue_date, x.number FROM invoices x
      WHERE x.status <> 'draft' AND ${posted('invoice')} ORDER BY x.issued_at, x.id`.execute(ctx.trx);
    for (const d of inv.rows) await postInvoiceDoc(ctx.trx, ctx.now, { id: d.id, kind: d.kind, customerId: d.customer_id, currency: d.currency, net: d.net, tax: d.tax, gross: d.gross, issueDate: d.issue_date, number: d.number });
    const pin = await sql<{ id: string; provider_account_id: string; currency: string; total: bigint; invoice_date: string; invoice_number: string }>`
      SELECT x.id, x.provider_account_id, x.currency, x.total, x.invoice_date, x.invoice_number FROM provider_invoices x WHERE ${posted('provider_invoice')} ORDER BY x.created_at, x.id`.execute(ctx.trx);
    for (const d of pin.rows) await postProviderInvoice(ctx.trx, ctx.now, { id: d.id, accountId: d.provider_account_id, currency: d.currency, total: d.total, invoiceDate: d.invoice_date, number: d.invoice_number });
    const ppy = await sql<{ id: string; provider_account_id: string; currency: string; amount: bigint; paid_on: string; invoice_number: string }>`
      SELECT x.id, i.provider_account_id, x.currency, x.amount, x.paid_on, i.invoice_number FROM provider_payments x JOIN provider_invoices i ON i.id = x.provider_invoice_id
      WHERE ${posted('provider_payment')} ORDER BY x.recorded_at, x.id`.execute(ctx.trx);
    for (const d of ppy.rows) await postProviderPayment(ctx.trx, ctx.now, { id: d.id, accountId: d.provider_account_id, currency: d.currency, amount: d.amount, paidOn: d.paid_on, invoiceNumber: d.invoice_number });
    const n = inv.rows.length + pin.rows.length + ppy.rows.length;
    if (n > 0) await ctx.audit({ action: 'ledger.backfill', entityType: 'ledger', entityId: 'journal', after: { invoices: inv.rows.length, providerInvoices: pin.rows.length, providerPayments: ppy.rows.length } });
    return n;
  });
}
