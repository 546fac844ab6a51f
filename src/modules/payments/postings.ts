import type { Executor } from '../../db/store.js';
import type { LedgerAccount } from '../../db/types.js';
import { post, postDifference, type PostingLine } from './ledger.js';

/**
 * What each document posts to the journal (the chart of accounts is fixed: ledger_lines.account).
 *
 *   invoice issued         Dr receivables(customer) gross   Cr revenue net, Cr tax payable tax
 *   credit note issued     Dr revenue net, Dr tax payable   Cr receivables(customer) gross
 *   payment received       Dr bank                          Cr unapplied cash(customer)
 *   allocation (payment)   Dr unapplied cash(customer)      Cr receivables(customer)
 *   allocation released    the allocation's lines, reversed
 *   refund                 Dr unapplied cash(customer)      Cr bank
 *   payment reversed       Dr unapplied cash(customer)      Cr bank (after its allocations are released)
 *   provider invoice       Dr cost of sales                 Cr provider payables(account)
 *   provider payment       Dr provider payables(account)    Cr bank
 *
 * A credit note applied to an invoice moves nothing between accounts (both sit in receivables),
 * so it posts nothing; its allocation row is the record.
 */
function signed(account: LedgerAccount, party: string | null, currency: string, net: bigint): PostingLine {
  return net >= 0n ? { account, party, currency, debit: net } : { account, party, currency, credit: -net };
}

export interface InvoiceDoc {
  id: string;
  kind: 'invoice' | 'credit_note';
  customerId: string;
  currency: string;
  net: bigint;
  tax: bigint;
  gross: bigint;
  issueDate: string;
  number: string;
}

export async function postInvoiceDoc(db: Executor, now: Date, d: InvoiceDoc): Promise<void> {
  const s = d.kind === 'invoice' ? 1n : -1n;
  await post(db, now, {
    kind: d.kind === 'invoice' ? 'invoice.issued' : 'credit_note.issued',
    docType: 'invoice',
    docId: d.id,
    customerId: d.customerId,
    effectiveDate: d.issueDate,
    memo: d.number,
    lines: [signed('receivables', d.customerId, d.currency, s * d.gross), signed('revenue', null, d.currency, -s * d.net), signed('tax_payable', null, d.currency, -s * d.tax)],
  });
}

export interface PaymentDoc {
  id: string;
  customerId: string;
  currency: string;
  amount: bigint;
  date: string;
}

export async function postPaymentReceived(db: Executor, now: Date, p: PaymentDoc): Promise<void> {
  await post(db, now, {
    kind: 'payment.received',
    docType: 'payment',
    docId: p.id,
    customerId: p.customerId,
    effectiveDate: p.date,
    lines: [{ account: 'bank', currency: p.currency, debit: p.amount }, { account: 'unapplied_cash', party: p.customerId, currency: p.currency, credit: p.amount }],
  });
}

export async function postPaymentReversed(db: Executor, now: Date, p: PaymentDoc, reason: string): Promise<void> {
  await post(db, now, {
    kind: 'payment.reversed',
    docType: 'payment',
    docId: p.id,
    customerId: p.customerId,
    effectiveDate: p.date,
    memo: reason,
    lines: [{ account: 'unapplied_cash', party: p.customerId, currency: p.currency, debit: p.amount }, { account: 'bank', currency: p.currency, credit: p.amount }],
  });
}

/** An allocation of a payment (credit-note allocations post nothing); `release` undoes one. */
export async function postAllocation(db: Executor, now: Date, a: { id: string; customerId: string; currency: string; amount: bigint; date: string; invoiceNumber: string | null }, release = false): Promise<void> {
  const lines: PostingLine[] = [
    { account: 'unapplied_cash', party: a.customerId, currency: a.currency, debit: a.amount },
    { account: 'receivables', party: a.customerId, currency: a.currency, credit: a.amount },
  ];
  await post(db, now, {
    kind: release ? 'allocation.released' : 'allocation.applied',
    docType: 'allocation',
    docId: a.id,
    customerId: a.customerId,
    effectiveDate: a.date,
    memo: a.invoiceNumber,
    lines: release ? lines.map((l) => ({ ...l, debit: l.credit, credit: l.debit })) : lines,
  });
}

export async function postRefund(db: Executor, now: Date, r: { id: string; customerId: string; currency: string; amount: bigint; date: string }): Promise<void> {
  await post(db, now, {
    kind: 'refund.paid',
    docType: 'refund',
    docId: r.id,
    customerId: r.customerId,
    effectiveDate: r.date,
    lines: [{ account: 'unapplied_cash', party: r.customerId, currency: r.currency, debit: r.amount }, { account: 'bank', currency: r.currency, credit: r.amount }],
  });
}

/** A provider invoice as it stands now: a re-issued one (new total or currency) posts the difference. */
export async function postProviderInvoice(db: Executor, now: Date, i: { id: string; accountId: string; currency: string; total: bigint; invoiceDate: string; number: string }): Promise<void> {
  await postDifference(db, now, { kind: 'provider_invoice', docType: 'provider_invoice', docId: i.id, effectiveDate: i.invoiceDate, memo: i.number }, [
    signed('cost_of_sales', null, i.currency, i.total),
    signed('provider_payables', i.accountId, i.currency, -i.total),
  ]);
}

export async function postProviderPayment(db: Executor, now: Date, p: { id: string; accountId: string; currency: string; amount: bigint; paidOn: string; invoiceNumber: string }): Promise<void> {
  await post(db, now, {
    kind: 'provider_payment',
    docType: 'provider_payment',
    docId: p.id,
    effectiveDate: p.paidOn,
    memo: p.invoiceNumber,
    lines: [signed('provider_payables', p.accountId, p.currency, p.amount), signed('bank', null, p.currency, -p.amount)],
  });
}
