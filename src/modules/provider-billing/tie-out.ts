/**
 * Tie a provider invoice to its reconciliation lines, to the cent, and explain every difference.
 * Pure: the repo gathers the facts with SQL aggregates (an invoice can have a million lines), this
 * decides what they mean.
 *
 * The invoice total is in one currency. Lines are summed per currency; lines in another currency
 * cannot be added to the total without the provider's rate, so they are listed apart. The
 * difference (invoice total − Σ lines in the invoice currency) is attributed, in this order:
 *   missing_lines           no lines at all, or fewer lines than the provider said the invoice has
 *   exchange_rate           lines billed in another currency account for it
 *   partner_earned_credit   the invoice nets a partner-earned credit the lines show at full price
 *   rounding                at most one minor unit per line (and 100 in all): per-line ROUNDDOWN
 *   adjustment              anything else: an invoice-level adjustment a person has to look at
 * Credits, refunds and discounts that the lines do contain are reported too (they are part of
 * Σ lines, not a difference), so a reader sees what makes up the total.
 */
export type DifferenceReason = 'missing_lines' | 'exchange_rate' | 'partner_earned_credit' | 'rounding' | 'adjustment';

export interface LineSums {
  currency: string;
  lines: number;
  subtotal: bigint;
  tax: bigint;
  total: bigint;
  /** Σ total of lines whose charge type is a credit, refund or discount (≤ 0 normally) */
  credits: bigint;
  /** partner-earned credit and other price adjustments inside the lines: Σ (unit − effective) × qty, ≥ 0 */
  priceAdjustments: bigint;
}

export interface TieOutFacts {
  currency: string;
  /** the provider's invoice total, minor units */
  invoiceTotal: bigint;
  /** how many line items the provider reported for the invoice, when known (API) */
  expectedLines: number | null;
  sums: LineSums[];
}

export interface Difference {
  reason: DifferenceReason;
  /** minor units of the invoice currency (for exchange_rate: the unexplained amount it covers) */
  amount: bigint;
  lines?: number;
  /** exchange_rate: the other currencies and their totals */
  currencies?: { currency: string; total: bigint; lines: number }[];
}

export interface TieOut {
  currency: string;
  invoiceTotal: bigint;
  linesTotal: bigint;
  lines: number;
  difference: bigint;
  /** tied: to the cent; explained: every cent attributed; unexplained: an adjustment remains */
  status: 'tied' | 'explained' | 'unexplained' | 'no_lines';
  differences: Difference[];
  credits: bigint;
  priceAdjustments: bigint;
}

const abs = (x: bigint) => (x < 0n ? -x : x);

/**
 * Per-line ROUNDDOWN moves each line by less than one minor unit, so n lines can differ by up to n
 * minor units; past 100 (1.00 in a 2-decimal currency) a person should look whatever the line count.
 */
export const MAX_ROUNDING_MINOR = 100;
export const roundingLimit = (lines: number) => BigInt(Math.min(lines, MAX_ROUNDING_MINOR));

export function tieOut(f: TieOutFacts): TieOut {
  const own = f.sums.find((s) => s.currency === f.currency);
  const others = f.sums.filter((s) => s.currency !== f.currency && s.lines > 0);
  const lines = own?.lines ?? 0;
  const linesTotal = own?.total ?? 0n;
  const difference = f.invoiceTotal - linesTotal;
  const base = { currency: f.currency, invoiceTotal: f.invoiceTotal, linesTotal, lines, difference, credits: own?.credits ?? 0n, priceAdjustments: own?.priceAdjustments ?? 0n };
  const allLines = lines + others.reduce((n, s) => n + s.lines, 0);
  if (allLines === 0) {
    return { ...base, status: difference === 0n ? 'tied' : 'no_lines', differences: difference === 0n ? [] : [{ reason: 'missing_lines', amount: difference, lines: f.expectedLines ?? 0 }] };
  }
  if (difference === 0n) return { ...base, status: 'tied', differences: [] };
  const differences: Difference[] = [];
  if (f.expectedLines !== null && allLines < f.expectedLines) {
    differences.push({ reason: 'missing_lines', amount: difference, lines: f.expectedLines - allLines });
  } else if (others.length > 0) {
    differences.push({ reason: 'exchange_rate', amount: difference, currencies: others.map((s) => ({ currency: s.currency, total: s.total, lines: s.lines })) });
  } else if (base.priceAdjustments > 0n && abs(difference + base.priceAdjustments) <= roundingLimit(lines)) {
    // the invoice nets the credit the lines show at full price (give or take the per-line rounding)
    differences.push({ reason: 'partner_earned_credit', amount: difference });
  } else if (abs(difference) <= roundingLimit(lines)) {
    differences.push({ reason: 'rounding', amount: difference, lines });
  } else {
    differences.push({ reason: 'adjustment', amount: difference });
  }
  return { ...base, status: differences.some((d) => d.reason === 'adjustment') ? 'unexplained' : 'explained', differences };
}
