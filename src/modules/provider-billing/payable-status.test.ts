import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, dueSummary, noticeDue, payableOf } from './payable-status.js';
import { today } from './provider-invoices.js';

describe('payableOf', () => {
  const inv = { total: 100_00n, paid: 0n, dueDate: '2026-12-07', scheduledFor: null };

  it('is open before the due date, overdue the day after, paid when covered', () => {
    expect(payableOf(inv, '2026-12-07')).toMatchObject({ status: 'open', balance: 100_00n, daysUntilDue: 0 });
    expect(payableOf(inv, '2026-12-08')).toMatchObject({ status: 'overdue', daysOverdue: 1 });
    expect(payableOf({ ...inv, paid: 40_00n }, '2026-12-01')).toMatchObject({ status: 'open', balance: 60_00n });
    expect(payableOf({ ...inv, paid: 100_00n }, '2027-02-01')).toMatchObject({ status: 'paid', balance: 0n });
  });

  it('is scheduled when a payment date is planned, and still becomes overdue when it is not paid', () => {
    expect(payableOf({ ...inv, scheduledFor: '2026-12-05' }, '2026-12-01').status).toBe('scheduled');
    expect(payableOf({ ...inv, scheduledFor: '2026-12-05' }, '2026-12-09').status).toBe('overdue');
  });

  it('counts what the provider reports as paid (invoices paid before the desk, direct debit), never twice', () => {
    expect(payableOf({ ...inv, providerPaid: 100_00n }, '2027-02-01')).toMatchObject({ status: 'paid', balance: 0n });
    expect(payableOf({ ...inv, paid: 30_00n, providerPaid: 30_00n }, '2026-12-01')).toMatchObject({ status: 'open', balance: 70_00n });
  });

  it('falls back from scheduled to open when the planned date passed without the payment', () => {
    expect(payableOf({ ...inv, scheduledFor: '2026-12-03' }, '2026-12-04').status).toBe('open');
  });

  it('never owes anything on a credit note', () => {
    expect(payableOf({ ...inv, total: -5_00n }, '2027-01-01')).toMatchObject({ status: 'credit', balance: 0n });
  });

  it('balance + paid covers the total, and status follows the dates (property)', () => {
    const day = fc.integer({ min: 0, max: 3_000 }).map((n) => addDays('2024-01-01', n));
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 10n ** 12n }), day, day, fc.option(day), (total, paid, dueDate, today, scheduledFor) => {
        const p = payableOf({ total, paid, dueDate, scheduledFor }, today);
        expect(p.balance >= 0n && p.balance <= total).toBe(true);
        expect(p.balance).toBe(paid >= total ? 0n : total - paid);
        expect(p.status === 'paid').toBe(p.balance === 0n);
        expect(p.status === 'overdue').toBe(p.balance > 0n && today > dueDate);
        expect(p.daysUntilDue).toBe(daysBetween(today, dueDate));
      }),
    );
  });
});

describe('noticeDue', () => {
  it('reminds within the reminder window, alerts when overdue, and says nothing when paid', () => {
    const open = payableOf({ total: 1n, paid: 0n, dueDate: '2026-12-10', scheduledFor: null }, '2026-12-03');
    expect(noticeDue(open, 7)).toBe('due_soon');
    expect(noticeDue(open, 6)).toBeNull();
    expect(noticeDue(payableOf({ total: 1n, paid: 0n, dueDate: '2026-12-10', scheduledFor: null }, '2026-12-11'), 7)).toBe('overdue');
    expect(noticeDue(payableOf({ total: 1n, paid: 1n, dueDate: '2026-12-10', scheduledFor: null }, '2026-12-11'), 7)).toBeNull();
  });
});

describe('dueSummary', () => {
  it('puts every open balance in exactly one bucket per currency (property)', () => {
    const day = fc.integer({ min: 0, max: 400 }).map((n) => addDays('2026-06-01', n));
    const item = fc.record({ currency: fc.constantFrom('USD', 'EUR', 'CNY'), total: fc.bigInt({ min: -(10n ** 6n), max: 10n ** 9n }), paid: fc.bigInt({ min: 0n, max: 10n ** 9n }), dueDate: day });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), day, (items, today) => {
        const withP = items.map((i) => ({ currency: i.currency, payable: payableOf({ ...i, scheduledFor: null }, today) }));
        const s = dueSummary(withP);
        for (const b of s) {
          expect(b.overdue + b.dueIn7Days + b.dueIn30Days + b.later).toBe(b.total);
          const mine = withP.filter((x) => x.currency === b.currency);
          expect(b.total).toBe(mine.reduce((t, x) => t + x.payable.balance, 0n));
          expect(b.overdue).toBe(mine.filter((x) => x.payable.status === 'overdue').reduce((t, x) => t + x.payable.balance, 0n));
        }
      }),
    );
  });
});

describe('today', () => {
  it('is the calendar day in the partner’s time zone', () => {
    const at = new Date('2027-01-07T23:30:00Z');
    expect(today(at)).toBe('2027-01-07');
    expect(today(at, 'Asia/Shanghai')).toBe('2027-01-08');
    expect(today(new Date('2027-01-08T03:00:00Z'), 'America/Los_Angeles')).toBe('2027-01-07');
  });
});
