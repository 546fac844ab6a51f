import { daysBetween } from '../provider-billing/payable-status.js';

/**
 * Aging of receivables (pure). Each open item lands in one bucket by the calendar days from its
 * due date to the as-of date: current (not yet due, or due that day), 1–30, 31–60, 61–90 and
 * more than 90 days past due. Credit notes have no due date: they are aged from their issue date
 * and count negative, so the buckets of a customer add up to what the customer owes (the journal's
 * receivable). The disputed part of an invoice is not aged: it sits in its own column, so
 * buckets + disputed = balance, exactly.
 */
export const BUCKETS = ['current', 'd1_30', 'd31_60', 'd61_90', 'd90_plus'] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface AgingItem {
  customerId: string;
  currency: string;
  kind: 'invoice' | 'credit_note';
  /** YYYY-MM-DD */
  issueDate: string;
  /** YYYY-MM-DD; null for credit notes */
  dueDate: string | null;
  /** what is left, positive for invoices and credit notes alike (kind says which) */
  open: bigint;
  /** the part of `open` under an open dispute (invoices) */
  disputed: bigint;
}

export type AgingRow = Record<Bucket, bigint> & { disputed: bigint; balance: bigint };

export interface CurrencyAging {
  currency: string;
  total: AgingRow;
  customers: ({ customerId: string } & AgingRow)[];
}

export function emptyRow(): AgingRow {
  return { current: 0n, d1_30: 0n, d31_60: 0n, d61_90: 0n, d90_plus: 0n, disputed: 0n, balance: 0n };
}

/** The date an item is aged from: its due date, or a credit note's (or an undated invoice's) issue date. */
export function agedFrom(item: Pick<AgingItem, 'kind' | 'dueDate' | 'issueDate'>): string {
  return item.kind === 'invoice' && item.dueDate ? item.dueDate : item.issueDate;
}

/** Calendar days past the date an item is aged from (0 or less: not yet due). */
export function daysPastDue(item: Pick<AgingItem, 'kind' | 'dueDate' | 'issueDate'>, asOf: string): number {
  return daysBetween(agedFrom(item), asOf);
}

export function bucketForDays(days: number): Bucket {
  if (days <= 0) return 'current';
  if (days <= 30) return 'd1_30';
  if (days <= 60) return 'd31_60';
  if (days <= 90) return 'd61_90';
  return 'd90_plus';
}

export function bucketOf(item: Pick<AgingItem, 'kind' | 'dueDate' | 'issueDate'>, asOf: string): Bucket {
  return bucketForDays(daysPastDue(item, asOf));
}

/** Add one item to a row: its signed amount to the balance, the disputed part apart, the rest to its bucket. */
export function addItem(row: AgingRow, item: AgingItem, asOf: string): void {
  const sign = item.kind === 'invoice' ? 1n : -1n;
  const open = sign * item.open;
  // only an invoice can be disputed, and never for more than is open
  const cap = item.kind === 'invoice' && item.open > 0n ? item.open : 0n;
  const disputed = item.disputed < 0n ? 0n : item.disputed > cap ? cap : item.disputed;
  row.balance += open;
  row.disputed += disputed;
  row[bucketOf(item, asOf)] += open - disputed;
}

export function addRows(into: AgingRow, row: AgingRow): void {
  for (const k of [...BUCKETS, 'disputed', 'balance'] as const) into[k] += row[k];
}

/**
 * Age open items as of a date: per currency (sorted by code), a total and one row per customer
 * (in the order customers first appear). Items issued after `asOf` are the caller's to leave out.
 */
export function ageItems(items: readonly AgingItem[], asOf: string): CurrencyAging[] {
  const byCurrency = new Map<string, { total: AgingRow; customers: Map<string, AgingRow> }>();
  for (const item of items) {
    let cur = byCurrency.get(item.currency);
    if (!cur) byCurrency.set(item.currency, (cur = { total: emptyRow(), customers: new Map() }));
    let row = cur.customers.get(item.customerId);
    if (!row) cur.customers.set(item.customerId, (row = emptyRow()));
    addItem(row, item, asOf);
  }
  return [...byCurrency.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, cur]) => {
      const customers = [...cur.customers.entries()].map(([customerId, row]) => ({ customerId, ...row }));
      for (const c of customers) addRows(cur.total, c);
      return { currency, total: cur.total, customers };
    });
}
