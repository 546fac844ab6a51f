import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundingLimit, tieOut, type LineSums } from './tie-out.js';

const sums = (currency: string, total: bigint, lines: number, extra: Partial<LineSums> = {}): LineSums => ({ currency, lines, subtotal: total, tax: 0n, total, credits: 0n, priceAdjustments: 0n, ...extra });

describe('tieOut', () => {
  it('ties to the cent when Σ lines equals the invoice total', () => {
    const r = tieOut({ currency: 'USD', invoiceTotal: 12_345n, expectedLines: 3, sums: [sums('USD', 12_345n, 3)] });
    expect(r).toMatchObject({ status: 'tied', difference: 0n, differences: [] });
  });

  it('calls an invoice without lines "no lines" with the whole total missing', () => {
    const r = tieOut({ currency: 'EUR', invoiceTotal: 9_900n, expectedLines: 4, sums: [] });
    expect(r.status).toBe('no_lines');
    expect(r.differences).toEqual([{ reason: 'missing_lines', amount: 9_900n, lines: 4 }]);
  });

  it('names missing lines when fewer lines arrived than the provider reported', () => {
    const r = tieOut({ currency: 'USD', invoiceTotal: 10_000n, expectedLines: 5, sums: [sums('USD', 8_000n, 4)] });
    expect(r.differences).toEqual([{ reason: 'missing_lines', amount: 2_000n, lines: 1 }]);
    expect(r.status).toBe('explained');
  });

  it('attributes a difference to lines billed in another currency', () => {
    const r = tieOut({ currency: 'EUR', invoiceTotal: 10_000n, expectedLines: null, sums: [sums('EUR', 7_000n, 2), sums('USD', 3_300n, 1)] });
    expect(r.differences).toEqual([{ reason: 'exchange_rate', amount: 3_000n, currencies: [{ currency: 'USD', total: 3_300n, lines: 1 }] }]);
  });

  it('recognises a partner-earned credit netted on the invoice but not in the lines', () => {
    const r = tieOut({ currency: 'USD', invoiceTotal: 9_000n, expectedLines: null, sums: [sums('USD', 10_000n, 10, { priceAdjustments: 1_000n })] });
    expect(r.differences).toEqual([{ reason: 'partner_earned_credit', amount: -1_000n }]);
  });

  it('treats up to one minor unit per line as rounding, and more as an adjustment', () => {
    expect(tieOut({ currency: 'USD', invoiceTotal: 10_003n, expectedLines: null, sums: [sums('USD', 10_000n, 3)] }).differences[0]!.reason).toBe('rounding');
    const r = tieOut({ currency: 'USD', invoiceTotal: 10_004n, expectedLines: null, sums: [sums('USD', 10_000n, 3)] });
    expect(r.differences).toEqual([{ reason: 'adjustment', amount: 4n }]);
    expect(r.status).toBe('unexplained');
    // a hundred thousand lines do not make 1,000.00 "rounding"
    expect(tieOut({ currency: 'USD', invoiceTotal: 10_000_000n + 100_000n, expectedLines: null, sums: [sums('USD', 10_000_000n, 100_000)] }).differences[0]!.reason).toBe('adjustment');
  });

  it('always accounts for every cent: lines + Σ differences = invoice total (property)', () => {
    const amount = fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n });
    const lineSums = fc.record({
      currency: fc.constantFrom('USD', 'EUR', 'CNY'),
      lines: fc.integer({ min: 0, max: 10_000 }),
      subtotal: amount,
      tax: amount,
      total: amount,
      credits: amount,
      priceAdjustments: fc.bigInt({ min: 0n, max: 10n ** 9n }),
    });
    fc.assert(
      fc.property(fc.constantFrom('USD', 'EUR'), amount, fc.option(fc.integer({ min: 0, max: 20_000 })), fc.uniqueArray(lineSums, { selector: (s) => s.currency, maxLength: 3 }), (currency, invoiceTotal, expectedLines, all) => {
        const r = tieOut({ currency, invoiceTotal, expectedLines, sums: all });
        expect(r.linesTotal + r.difference).toBe(invoiceTotal);
        // the attributed differences cover the whole difference, never more, never twice
        expect(r.differences.reduce((s, d) => s + d.amount, 0n)).toBe(r.difference);
        expect(r.status === 'tied').toBe(r.difference === 0n);
        if (r.status === 'unexplained') expect(r.differences.map((d) => d.reason)).toContain('adjustment');
        // each reason is only given when the facts support it
        for (const d of r.differences) {
          if (d.reason === 'rounding') expect(d.amount <= roundingLimit(r.lines) && -d.amount <= roundingLimit(r.lines)).toBe(true);
          if (d.reason === 'exchange_rate') expect(all.some((x) => x.currency !== currency && x.lines > 0)).toBe(true);
          if (d.reason === 'missing_lines') expect(expectedLines === null || all.reduce((n, x) => n + x.lines, 0) < expectedLines || r.status === 'no_lines').toBe(true);
          if (d.reason === 'partner_earned_credit') expect(r.priceAdjustments > 0n).toBe(true);
        }
      }),
    );
  });
});
