/**
 * What the partner owes the provider on one invoice, and its status on a given day. Pure: the
 * status is derived from the invoice, the payments recorded against it and today's date, never
 * stored, so it cannot drift ("overdue" starts the day after the due date by itself).
 *
 *   credit     the document is a credit note (total ≤ 0): nothing to pay
 *   paid       payments cover the total
 *   overdue    something is still owed and the due date has passed
 *   scheduled  something is owed, not yet due, and a finance user planned the payment
 *   open       something is owed, not yet due, nothing planned
 */
export type PayableStatus = 'open' | 'scheduled' | 'paid' | 'overdue' | 'credit';

export interface PayableFacts {
  /** minor units; negative for a credit note */
  total: bigint;
  /** Σ payments recorded by the desk, minor units, each > 0 */
  paid: bigint;
  /**
   * what the provider reports as paid (Partner Center's paidAmount): invoices paid before the desk
   * was used, or by direct debit, are not owed again. The larger of the two counts, never the sum
   * (a payment the desk recorded is usually the same money the provider reports).
   */
  providerPaid?: bigint;
  /** ISO dates (YYYY-MM-DD) */
  dueDate: string;
  scheduledFor: string | null;
}

export interface Payable {
  status: PayableStatus;
  /** what is still owed, minor units (0 when paid or a credit) */
  balance: bigint;
  /** days past the due date (> 0 only when overdue) */
  daysOverdue: number;
  /** days until the due date (negative once past it) */
  daysUntilDue: number;
}

const DAY_MS = 86_400_000;

/** Whole days from a to b, both ISO dates. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function payableOf(f: PayableFacts, today: string): Payable {
  const daysUntilDue = daysBetween(today, f.dueDate);
  if (f.total <= 0n) return { status: 'credit', balance: 0n, daysOverdue: 0, daysUntilDue };
  const paid = f.providerPaid !== undefined && f.providerPaid > f.paid ? f.providerPaid : f.paid;
  const balance = f.total > paid ? f.total - paid : 0n;
  if (balance === 0n) return { status: 'paid', balance, daysOverdue: 0, daysUntilDue };
  if (daysUntilDue < 0) return { status: 'overdue', balance, daysOverdue: -daysUntilDue, daysUntilDue };
  // a planned date that passed without the payment is no plan any more: back to open
  return { status: f.scheduledFor && f.scheduledFor >= today ? 'scheduled' : 'open', balance, daysOverdue: 0, daysUntilDue };
}

/** Which notice, if any, finance users should get today (each is sent once per invoice and due date). */
export function noticeDue(p: Payable, reminderDays: number): 'due_soon' | 'overdue' | null {
  if (p.status === 'overdue') return 'overdue';
  if ((p.status === 'open' || p.status === 'scheduled') && p.daysUntilDue <= reminderDays) return 'due_soon';
  return null;
}

export interface DueBucket {
  currency: string;
  overdue: bigint;
  dueIn7Days: bigint;
  dueIn30Days: bigint;
  later: bigint;
  total: bigint;
  invoices: number;
}

/** "Due to providers": open balances per currency, by how soon they fall due. Buckets sum to the total. */
export function dueSummary(items: readonly { currency: string; payable: Payable }[]): DueBucket[] {
  const by = new Map<string, DueBucket>();
  for (const { currency, payable: p } of items) {
    if (p.balance === 0n) continue;
    const b = by.get(currency) ?? { currency, overdue: 0n, dueIn7Days: 0n, dueIn30Days: 0n, later: 0n, total: 0n, invoices: 0 };
    if (p.status === 'overdue') b.overdue += p.balance;
    else if (p.daysUntilDue <= 7) b.dueIn7Days += p.balance;
    else if (p.daysUntilDue <= 30) b.dueIn30Days += p.balance;
    else b.later += p.balance;
    b.total += p.balance;
    b.invoices++;
    by.set(currency, b);
  }
  return [...by.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}
