import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, feeSchedule, intervalOf, proratedAmount, type FeeTerms } from './fee-schedule.js';

const fee = (over: Partial<FeeTerms> = {}): FeeTerms => ({
  id: 'fee_1',
  quantity: '1',
  unitPrice: '300.00',
  currency: 'EUR',
  interval: 'month',
  startDate: '2026-01-01',
  endDate: null,
  billedThrough: null,
  ...over,
});
const sum = (xs: { amount: bigint }[]) => xs.reduce((a, c) => a + c.amount, 0n);

describe('fee schedule', () => {
  it('bills whole calendar months in advance, without proration', () => {
    const s = feeSchedule(fee(), '2026-03-01');
    expect(s.charges.map((c) => [c.periodStart, c.periodEnd, c.amount, c.proration])).toEqual([
      ['2026-01-01', '2026-01-31', 30000n, null],
      ['2026-02-01', '2026-02-28', 30000n, null],
      ['2026-03-01', '2026-03-31', 30000n, null],
    ]);
    expect(s.billedThrough).toBe('2026-03-31');
    // billing again through the same day owes nothing more
    expect(feeSchedule(fee({ billedThrough: s.billedThrough }), '2026-03-31').charges).toEqual([]);
  });

  it('prorates a start in the middle of a month by day', () => {
    const s = feeSchedule(fee({ startDate: '2026-04-21', unitPrice: '100', quantity: '3' }), '2026-04-30');
    // 10 of 30 days of 300.00
    expect(s.charges).toEqual([{ sourceRef: 'fee_1:2026-04-21', periodStart: '2026-04-21', periodEnd: '2026-04-30', proration: { days: 10, of: 30 }, amount: 10000n, kind: 'charge' }]);
  });

  it('credits the unused days when a billed month is stopped early', () => {
    const s = feeSchedule(fee({ billedThrough: '2026-06-30', endDate: '2026-06-10' }), '2026-07-31');
    // 20 unused days of 30 at 300.00
    expect(s.charges).toEqual([{ sourceRef: 'fee_1:credit:2026-06-11', periodStart: '2026-06-11', periodEnd: '2026-06-30', proration: { days: 20, of: 30 }, amount: -20000n, kind: 'credit' }]);
    expect(s.billedThrough).toBe('2026-06-10');
  });

  it('bills yearly fees from the start date anniversary', () => {
    expect(intervalOf('year', '2024-02-29', '2025-03-01')).toEqual({ start: '2025-02-28', end: '2026-02-27' });
    const s = feeSchedule(fee({ interval: 'year', startDate: '2026-03-15', unitPrice: '1200' }), '2027-03-15');
    expect(s.charges.map((c) => [c.periodStart, c.periodEnd, c.amount])).toEqual([
      ['2026-03-15', '2027-03-14', 120000n],
      ['2027-03-15', '2028-03-14', 120000n],
    ]);
  });

  it('keeps JPY (no minor unit) and KWD (three) exact', () => {
    expect(proratedAmount('1', '1000', 'JPY', 1, 3)).toBe(333n);
    expect(proratedAmount('2', '1.2345', 'KWD', 1, 1)).toBe(2469n);
  });

  const day = fc.integer({ min: 0, max: 900 }).map((n) => addDays('2025-01-01', n));

  it('property: stopping after billing owes exactly what stopping before billing would have', () => {
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 0, max: 800 }),
        fc.integer({ min: 0, max: 800 }),
        fc.constantFrom<'month' | 'year'>('month', 'year'),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 99999999 }),
        (start, stopAfter, billAhead, interval, qty, cents) => {
          const unitPrice = `${cents / 100 | 0}.${String(cents % 100).padStart(2, '0')}`;
          const end = addDays(start, stopAfter);
          const base = { quantity: String(qty), unitPrice, interval, startDate: start };
          // known stop date from the start
          const known = feeSchedule(fee({ ...base, endDate: end }), addDays(end, 400));
          // billed ahead without a stop, then stopped
          const ahead = feeSchedule(fee(base), addDays(end, billAhead));
          const after = feeSchedule(fee({ ...base, endDate: end, billedThrough: ahead.billedThrough }), addDays(end, 400));
          expect(sum(ahead.charges) + sum(after.charges)).toBe(sum(known.charges));
          expect(after.billedThrough).toBe(end);
          // no charge covers a day after the end date, credits excepted
          for (const c of known.charges) expect(c.periodEnd <= end).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: a prorated interval never costs more than the whole one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 366 }), fc.integer({ min: 1, max: 366 }), fc.integer({ min: 0, max: 10_000_000 }), (a, b, cents) => {
        const [days, of] = a <= b ? [a, b] : [b, a];
        const price = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
        const part = proratedAmount('1', price, 'EUR', days, of);
        expect(part <= BigInt(cents)).toBe(true);
        expect(part >= 0n).toBe(true);
      }),
    );
  });
});
