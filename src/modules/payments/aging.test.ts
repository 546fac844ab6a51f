import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../provider-billing/payable-status.js';
import { ageItems, BUCKETS, bucketForDays, bucketOf, daysPastDue, type AgingItem } from './aging.js';

const BASE = '2026-01-01';
const day = fc.integer({ min: -400, max: 400 }).map((n) => addDays(BASE, n));

const item: fc.Arbitrary<AgingItem> = fc
  .record({
    customerId: fc.constantFrom('c1', 'c2', 'c3'),
    currency: fc.constantFrom('EUR', 'USD', 'JPY'),
    kind: fc.constantFrom('invoice' as const, 'credit_note' as const),
    issueDate: day,
    terms: fc.integer({ min: 0, max: 90 }),
    open: fc.bigInt({ min: 1n, max: 10n ** 15n }),
    disputedShare: fc.bigInt({ min: 0n, max: 100n }),
  })
  .map((r) => ({
    customerId: r.customerId,
    currency: r.currency,
    kind: r.kind,
    issueDate: r.issueDate,
    dueDate: r.kind === 'invoice' ? addDays(r.issueDate, r.terms) : null,
    open: r.open,
    // sometimes more than open: the pure function caps it
    disputed: r.kind === 'invoice' ? (r.open * r.disputedShare) / 80n : 0n,
  }));

const rank = (b: (typeof BUCKETS)[number]) => BUCKETS.indexOf(b);

describe('aging buckets', () => {
  it('puts days past the due date in the right bucket, due today being current', () => {
    expect([-5, 0, 1, 30, 31, 60, 61, 90, 91, 400].map(bucketForDays)).toEqual(['current', 'current', 'd1_30', 'd1_30', 'd31_60', 'd31_60', 'd61_90', 'd61_90', 'd90_plus', 'd90_plus']);
    const inv: AgingItem = { customerId: 'c', currency: 'EUR', kind: 'invoice', issueDate: '2026-01-01', dueDate: '2026-01-31', open: 100n, disputed: 0n };
    expect(bucketOf(inv, '2026-01-31')).toBe('current');
    expect(bucketOf(inv, '2026-02-01')).toBe('d1_30');
    expect(bucketOf(inv, '2026-03-02')).toBe('d1_30'); // 30 days (February 2026 has 28)
    expect(bucketOf(inv, '2026-03-03')).toBe('d31_60');
    expect(bucketOf(inv, '2026-05-02')).toBe('d90_plus'); // 91 days
    // across a DST change the days are still calendar days
    expect(daysPastDue({ ...inv, dueDate: '2026-03-28' }, '2026-03-30')).toBe(2);
    // a credit note is aged from its issue date
    expect(bucketOf({ ...inv, kind: 'credit_note', dueDate: null }, '2026-02-15')).toBe('d31_60');
  });

  it('ages credit notes negative and keeps the disputed part apart', () => {
    const items: AgingItem[] = [
      { customerId: 'a', currency: 'EUR', kind: 'invoice', issueDate: '2026-01-01', dueDate: '2026-01-31', open: 10000n, disputed: 2500n },
      { customerId: 'a', currency: 'EUR', kind: 'invoice', issueDate: '2026-03-01', dueDate: '2026-03-31', open: 5000n, disputed: 0n },
      { customerId: 'a', currency: 'EUR', kind: 'credit_note', issueDate: '2026-03-20', dueDate: null, open: 1200n, disputed: 0n },
      { customerId: 'b', currency: 'EUR', kind: 'invoice', issueDate: '2025-10-01', dueDate: '2025-10-31', open: 700n, disputed: 9999n },
      { customerId: 'b', currency: 'USD', kind: 'invoice', issueDate: '2026-03-01', dueDate: '2026-04-10', open: 300n, disputed: 0n },
    ];
    const [eur, usd] = ageItems(items, '2026-04-01');
    expect(eur!.currency).toBe('EUR');
    expect(eur!.customers).toEqual([
      { customerId: 'a', current: 0n, d1_30: 5000n - 1200n, d31_60: 7500n, d61_90: 0n, d90_plus: 0n, disputed: 2500n, balance: 13800n },
      { customerId: 'b', current: 0n, d1_30: 0n, d31_60: 0n, d61_90: 0n, d90_plus: 0n, disputed: 700n, balance: 700n },
    ]);
    expect(eur!.total).toEqual({ current: 0n, d1_30: 3800n, d31_60: 7500n, d61_90: 0n, d90_plus: 0n, disputed: 3200n, balance: 14500n });
    expect(usd).toEqual({ currency: 'USD', total: expect.objectContaining({ current: 300n, balance: 300n }), customers: [expect.objectContaining({ customerId: 'b', current: 300n })] });
  });

  it('buckets + disputed always sum to Σ open (signed), per customer and in total, exactly', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), day, (items, asOf) => {
        const aged = ageItems(items, asOf);
        for (const cur of aged) {
          const mine = items.filter((i) => i.currency === cur.currency);
          const expected = mine.reduce((s, i) => s + (i.kind === 'invoice' ? i.open : -i.open), 0n);
          const sum = (r: typeof cur.total) => BUCKETS.reduce((s, b) => s + r[b], 0n) + r.disputed;
          expect(cur.total.balance).toBe(expected);
          expect(sum(cur.total)).toBe(expected);
          for (const c of cur.customers) {
            const theirs = mine.filter((i) => i.customerId === c.customerId).reduce((s, i) => s + (i.kind === 'invoice' ? i.open : -i.open), 0n);
            expect(sum(c)).toBe(theirs);
            expect(c.balance).toBe(theirs);
            expect(c.disputed >= 0n && c.disputed <= mine.filter((i) => i.customerId === c.customerId && i.kind === 'invoice').reduce((s, i) => s + i.open, 0n)).toBe(true);
          }
          expect(cur.customers.reduce((s, c) => s + c.balance, 0n)).toBe(cur.total.balance);
        }
        expect(aged.map((a) => a.currency)).toEqual([...new Set(items.map((i) => i.currency))].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('an item only ever moves to an older bucket as the as-of date advances, never back', () => {
    fc.assert(
      fc.property(item, day, fc.integer({ min: 0, max: 200 }), (i, asOf, later) => {
        const a = bucketOf(i, asOf);
        const b = bucketOf(i, addDays(asOf, later));
        expect(rank(b)).toBeGreaterThanOrEqual(rank(a));
        // and its amount moves with it: the bucket that had it before is the one it left
        const [before] = ageItems([i], asOf);
        const [after] = ageItems([i], addDays(asOf, later));
        expect(after!.total.balance).toBe(before!.total.balance);
        expect(after!.total.disputed).toBe(before!.total.disputed);
      }),
      { numRuns: 500 },
    );
  });
});
