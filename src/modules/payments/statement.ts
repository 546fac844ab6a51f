import { currencyExponent } from '../../core/currencies.js';
import { AppError, notFound } from '../../core/errors.js';
import { isLocale, type Locale } from '../../core/i18n.js';
import type { Executor } from '../../db/store.js';
import { customerSnapshot, type CustomerSnapshot } from '../invoicing/issue.js';
import { customersForBilling } from '../invoicing/invoices.repo.js';
import { addDays, daysBetween } from '../provider-billing/payable-status.js';
import { ageItems, emptyRow, type AgingRow } from './aging.js';
import { ageOpenItem, customerMovements, movementDocuments, type AgedItem, type Movement } from './aging.repo.js';
import { customerBalances } from './ledger.js';
import { openItems } from './receivables.repo.js';

/**
 * A customer statement of account for a period [from, to], per currency: the opening balance (the
 * journal's receivable at the end of the day before `from`), every invoice, credit note, payment,
 * application of credit, reversal and refund in the period in date order with the running
 * balance, the closing balance (the receivable at the end of `to`), the unapplied credit apart,
 * and the open items aged as of `to`. Everything comes from the journal, so the closing balance
 * is what the ledger says and the lines explain how it got there.
 *
 * The balance is what is owed on invoices (receivables). Money received and not yet applied to an
 * invoice does not lower it; it is the customer's credit, shown in its own column.
 */
export type StatementLineType = 'invoice' | 'credit_note' | 'payment' | 'credit_applied' | 'payment_reversed' | 'allocation_undone' | 'refund' | 'other';

export interface StatementLine {
  date: string;
  type: StatementLineType;
  /** the invoice, credit note, payment or refund */
  documentId: string;
  /** invoice / credit note number; a payment's reference */
  number: string | null;
  /** invoices: the due date */
  dueDate: string | null;
  /** the document's own amount (invoice gross, payment received, refund paid, credit applied) */
  amount: bigint;
  /** payments: how it was paid */
  method: string | null;
  /** the invoices a payment or credit was applied to, or re-opened by a reversal */
  invoiceNumbers: string[];
  /** change of what is owed: + charges, − payments and credits */
  receivable: bigint;
  /** change of the customer's unapplied credit: + money kept as credit, − credit used or paid back */
  unapplied: bigint;
  /** running receivable after this line */
  balance: bigint;
}

export interface CurrencyStatement {
  currency: string;
  exponent: number;
  opening: { receivable: bigint; unapplied: bigint };
  lines: StatementLine[];
  closing: { receivable: bigint; unapplied: bigint };
  aging: AgingRow;
  openItems: AgedItem[];
}

export interface Statement {
  customer: { id: string; name: string; locale: Locale; email: string | null; snapshot: CustomerSnapshot };
  from: string;
  to: string;
  currencies: CurrencyStatement[];
}

/** Longest period one statement covers (about ten years). */
const MAX_DAYS = 3700;

/** Check a requested period: from ≤ to ≤ today, not too long. */
export function checkPeriod(from: string, to: string, today: string): void {
  if (from > to) throw new AppError('bad_request', 'payments.statement_period_reversed', { from, to }, { field: 'from' });
  if (to > today) throw new AppError('bad_request', 'payments.statement_in_future', { to }, { field: 'to' });
  if (daysBetween(from, to) > MAX_DAYS) throw new AppError('bad_request', 'payments.statement_too_long', { days: MAX_DAYS }, { field: 'from' });
}

const TYPE_ORDER: Record<StatementLineType, number> = { invoice: 0, credit_note: 1, payment: 2, credit_applied: 3, allocation_undone: 4, payment_reversed: 5, refund: 6, other: 7 };

interface Group {
  key: string;
  date: string;
  seq: bigint;
  currency: string;
  type: StatementLineType;
  docId: string;
  memo: string | null;
  paymentId: string | null;
  received: bigint;
  receivable: bigint;
  unapplied: bigint;
  invoiceNumbers: string[];
  hasReceipt: boolean;
}

/** Group journal movements into the lines a customer reads: one per document and day. */
export function groupMovements(movements: readonly Movement[]): Group[] {
  const groups = new Map<string, Group>();
  for (const m of movements) {
    let key: string;
    let type: StatementLineType;
    let docId = m.docId;
    if (m.kind === 'invoice.issued' || m.kind === 'credit_note.issued') {
      key = `doc:${m.docId}`;
      type = m.kind === 'invoice.issued' ? 'invoice' : 'credit_note';
    } else if (m.kind === 'payment.received' || (m.kind === 'allocation.applied' && m.paymentId)) {
      docId = m.kind === 'payment.received' ? m.docId : m.paymentId!;
      key = `pay:${docId}:${m.date}`;
      type = 'credit_applied';
    } else if (m.kind === 'payment.reversed' || (m.kind === 'allocation.released' && m.releaseReason === 'reversal' && m.paymentId)) {
      docId = m.kind === 'payment.reversed' ? m.docId : m.paymentId!;
      key = `rev:${docId}:${m.date}`;
      type = 'payment_reversed';
    } else if (m.kind === 'allocation.released' && m.paymentId) {
      docId = m.paymentId;
      key = `undo:${docId}:${m.date}`;
      type = 'allocation_undone';
    } else if (m.kind === 'refund.paid') {
      key = `rfd:${m.docId}`;
      type = 'refund';
    } else {
      key = `e:${m.seq}`;
      type = 'other';
    }
    const cur = `${key}|${m.currency}`;
    let g = groups.get(cur);
    if (!g) {
      g = { key, date: m.date, seq: m.seq, currency: m.currency, type, docId, memo: null, paymentId: m.paymentId, received: 0n, receivable: 0n, unapplied: 0n, invoiceNumbers: [], hasReceipt: false };
      groups.set(cur, g);
    }
    if (type === 'invoice' || type === 'credit_note') g.memo = m.memo;
    if (m.kind === 'payment.received') {
      g.hasReceipt = true;
      g.type = 'payment';
    }
    // receivables: debit raises what is owed; unapplied cash is a liability: a credit is more credit for the customer
    if (m.account === 'receivables') g.receivable += m.net;
    else g.unapplied -= m.net;
    if (m.account === 'unapplied_cash' && (m.kind === 'payment.received' || m.kind === 'payment.reversed' || m.kind === 'refund.paid')) g.received += m.net < 0n ? -m.net : m.net;
    if (m.account === 'receivables' && m.kind.startsWith('allocation.') && m.memo && !g.invoiceNumbers.includes(m.memo)) g.invoiceNumbers.push(m.memo);
  }
  return [...groups.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0)));
}

export async function buildStatement(db: Executor, customerId: string, q: { from: string; to: string; locale?: Locale | undefined }): Promise<Statement> {
  const [c] = await customersForBilling(db, [customerId]);
  if (!c) throw notFound('customer', customerId);
  const opening = await customerBalances(db, customerId, addDays(q.from, -1));
  const closing = await customerBalances(db, customerId, q.to);
  const movements = await customerMovements(db, customerId, q.from, q.to);
  const items = await openItems(db, { customerId, asOf: q.to });
  const groups = groupMovements(movements);
  const isDoc = (g: Group) => g.type === 'invoice' || g.type === 'credit_note';
  const docs = await movementDocuments(
    db,
    [...new Set(groups.flatMap((g) => (g.type === 'refund' ? (g.paymentId ? [g.paymentId] : []) : !isDoc(g) && g.type !== 'other' ? [g.docId] : [])))],
    [...new Set(groups.filter(isDoc).map((g) => g.docId))],
  );
  const currencies = [...new Set([...opening.keys(), ...closing.keys(), ...groups.map((g) => g.currency), ...items.map((i) => i.currency)])].sort();
  const out: CurrencyStatement[] = [];
  for (const currency of currencies) {
    const open = opening.get(currency) ?? { receivable: 0n, unapplied: 0n };
    const close = closing.get(currency) ?? { receivable: 0n, unapplied: 0n };
    let balance = open.receivable;
    const lines: StatementLine[] = groups
      .filter((g) => g.currency === currency)
      .map((g) => {
        balance += g.receivable;
        const inv = docs.invoices.get(g.docId);
        const pay = docs.payments.get(g.type === 'refund' ? (g.paymentId ?? '') : g.docId);
        const abs = (x: bigint) => (x < 0n ? -x : x);
        // payments and refunds: the money moved; a reversal: the payment returned; the rest: what it did to the balance
        const amount = g.type === 'payment' || g.type === 'refund' ? g.received : g.type === 'payment_reversed' && pay ? BigInt(pay.amount) : abs(g.receivable);
        return {
          date: g.date,
          type: g.type,
          documentId: g.docId,
          number: inv?.number ?? g.memo ?? pay?.reference ?? null,
          dueDate: g.type === 'invoice' ? (inv?.due_date ?? null) : null,
          amount,
          method: pay?.method ?? null,
          invoiceNumbers: g.invoiceNumbers,
          receivable: g.receivable,
          unapplied: g.unapplied,
          balance,
        };
      });
    // the lines explain the journal's closing balance exactly, or the statement is not printed
    const unapplied = lines.reduce((s, l) => s + l.unapplied, open.unapplied);
    if (balance !== close.receivable || unapplied !== close.unapplied) {
      throw new Error(`statement of ${customerId} in ${currency}: lines end at ${balance}/${unapplied}, the journal at ${close.receivable}/${close.unapplied}`);
    }
    const mine = items.filter((i) => i.currency === currency);
    const aging = ageItems(mine, q.to)[0]?.total ?? emptyRow();
    if (!lines.length && open.receivable === 0n && open.unapplied === 0n && close.receivable === 0n && close.unapplied === 0n && !mine.length) continue;
    out.push({ currency, exponent: currencyExponent(currency), opening: open, lines, closing: close, aging, openItems: mine.map((i) => ageOpenItem(i, q.to)) });
  }
  const locale: Locale = q.locale ?? (isLocale(c.locale) ? c.locale : 'en');
  return { customer: { id: c.id, name: c.companyName, locale, email: c.billingEmail, snapshot: customerSnapshot(c) }, from: q.from, to: q.to, currencies: out };
}
