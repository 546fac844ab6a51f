import { currencyExponent } from '../../core/currencies.js';
import { divRound, parseDecimal, pow10 } from '../../core/money.js';
import { addDays, daysBetween } from '../provider-billing/payable-status.js';

/**
 * Which charges a recurring fee owes up to a day (pure).
 *
 * Fees are billed in advance per service interval: a calendar month for monthly fees, a year from
 * the start date's anniversary for yearly ones. An interval cut by the start or end date is
 * prorated by day (amount × days used / days in the interval, rounded half up to minor units).
 * Stopping a fee inside an interval already billed owes a credit for the unused days, computed so
 * that charge + credit equals the prorated charge for the days used, to the minor unit.
 */
export interface FeeTerms {
  id: string;
  quantity: string;
  unitPrice: string;
  currency: string;
  interval: 'month' | 'year';
  startDate: string;
  endDate: string | null;
  billedThrough: string | null;
}

export interface FeeCharge {
  sourceRef: string;
  periodStart: string;
  periodEnd: string;
  /** set when the charge covers only part of its interval */
  proration: { days: number; of: number } | null;
  amount: bigint;
  kind: 'charge' | 'credit';
}

export interface FeeSchedule {
  charges: FeeCharge[];
  /** the fee's billed_through after these charges */
  billedThrough: string | null;
}

const toDate = (s: string) => new Date(`${s}T00:00:00Z`);
const fmt = (d: Date) => d.toISOString().slice(0, 10);
export { addDays };
/** Days from a to b inclusive. */
const daysIn = (a: string, b: string) => daysBetween(a, b) + 1;

/** The service interval containing `day` for a fee that started on `start`. */
export function intervalOf(interval: 'month' | 'year', start: string, day: string): { start: string; end: string } {
  const d = toDate(day);
  if (interval === 'month') {
    const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
    return { start: fmt(first), end: fmt(last) };
  }
  // yearly from the start date's anniversary (29 February starts fall back to 28 February)
  const s = toDate(start);
  const anniversary = (year: number) => {
    const a = new Date(Date.UTC(year, s.getUTCMonth(), s.getUTCDate()));
    return a.getUTCMonth() === s.getUTCMonth() ? a : new Date(Date.UTC(year, s.getUTCMonth() + 1, 0));
  };
  let year = d.getUTCFullYear();
  if (anniversary(year).getTime() > d.getTime()) year--;
  return { start: fmt(anniversary(year)), end: addDays(fmt(anniversary(year + 1)), -1) };
}

/** quantity × unit price × days / of, in minor units of the currency, rounded half up. */
export function proratedAmount(quantity: string, unitPrice: string, currency: string, days: number, of: number): bigint {
  const q = parseDecimal(quantity);
  const p = parseDecimal(unitPrice);
  const exp = currencyExponent(currency);
  const num = q.value * p.value * BigInt(days) * pow10(exp);
  const den = pow10(q.scale + p.scale) * BigInt(of);
  return divRound(num, den, 'half_up');
}

/** Charges owed for service up to and including `through` (YYYY-MM-DD). */
export function feeSchedule(fee: FeeTerms, through: string): FeeSchedule {
  const charges: FeeCharge[] = [];
  let billed = fee.billedThrough;
  const amountFor = (days: number, of: number) => proratedAmount(fee.quantity, fee.unitPrice, fee.currency, days, of);

  // a stop inside what was already billed: credit the unused days, once
  if (billed && fee.endDate && fee.endDate < billed) {
    const creditFrom = addDays(fee.endDate, 1);
    const iv = intervalOf(fee.interval, fee.startDate, fee.endDate);
    const of = daysIn(iv.start, iv.end);
    const billedStart = iv.start < fee.startDate ? fee.startDate : iv.start;
    // what was charged for the interval, and what the used days cost: the credit is the difference
    const charged = amountFor(daysIn(billedStart, iv.end < billed ? iv.end : billed), of);
    const used = amountFor(daysIn(billedStart, fee.endDate), of);
    // whole intervals after the stop's interval (yearly fees billed ahead) are credited in full
    let later = 0n;
    for (let d = addDays(iv.end, 1); d <= billed; ) {
      const next = intervalOf(fee.interval, fee.startDate, d);
      later += amountFor(daysIn(next.start, next.end < billed ? next.end : billed), daysIn(next.start, next.end));
      d = addDays(next.end, 1);
    }
    const days = daysIn(creditFrom, billed);
    charges.push({
      sourceRef: `${fee.id}:credit:${creditFrom}`,
      periodStart: creditFrom,
      periodEnd: billed,
      proration: { days, of },
      amount: -(charged - used + later),
      kind: 'credit',
    });
    billed = fee.endDate;
  }

  let day = billed ? addDays(billed, 1) : fee.startDate;
  if (day < fee.startDate) day = fee.startDate;
  const last = fee.endDate && fee.endDate < through ? fee.endDate : through;
  // bill each interval that has started by `through`, in advance, up to the end date
  while (day <= last) {
    const iv = intervalOf(fee.interval, fee.startDate, day);
    const end = fee.endDate && fee.endDate < iv.end ? fee.endDate : iv.end;
    const of = daysIn(iv.start, iv.end);
    const days = daysIn(day, end);
    charges.push({
      sourceRef: `${fee.id}:${day}`,
      periodStart: day,
      periodEnd: end,
      proration: days === of ? null : { days, of },
      amount: amountFor(days, of),
      kind: 'charge',
    });
    billed = end;
    day = addDays(end, 1);
  }
  return { charges, billedThrough: billed };
}
