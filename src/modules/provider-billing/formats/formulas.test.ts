import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { divRound, formatScaled, mulScaled, parseDecimal, type Scaled } from '../../../core/money.js';
import { canonicalColumns } from './columns.js';
import { ONE, checkLine, licenseSubtotal, usageSubtotal } from './formulas.js';
import { normalizeRow, type CanonicalLine } from './normalize.js';

const d = (s: string): Scaled => parseDecimal(s);
const EUR = { billing: 2 };
/** Minor units of a doc amount ("1,209.6" → 120960n for EUR). */
const cents = (s: string): bigint => {
  const x = d(s.replace(/,/g, ''));
  return x.value * 10n ** BigInt(2 - x.scale);
};

describe('worked examples (common-billing-scenarios-onetime-recurring.md), EUR, PCToBCExchangeRate 1', () => {
  // [section, EffectiveUnitPrice, BillableQuantity, Subtotal/Total as printed in the doc]
  const whereEupHasTwoDecimals: [string, string, string, string][] = [
    ['How are one-time and recurring charges calculated? (new, monthly)', '10.08', '10', '100.8'],
    ['How are one-time and recurring charges calculated? (new, prepaid annual)', '120.96', '10', '1,209.6'],
    ['How are the refunds calculated if I cancel … within seven days? (new)', '10.08', '10', '100.8'],
    ['How are the refunds calculated if I cancel … within seven days? (cancelImmediate)', '-9.42', '10', '-94.2'],
    ['Full upgrade (convert, refund of base)', '-7.72', '300', '-2316'],
    ['Full upgrade (convert, charge of target)', '4.92', '300', '1476'],
    ['Partial upgrade (convert, refund of base)', '-7.72', '100', '-772'],
    ['Partial upgrade (convert, charge of target)', '4.92', '100', '492'],
    ['How do I reconcile after I convert a trial … (trial new)', '0', '25', '0'],
    ['How do I reconcile after I convert a trial … (paid convert)', '52.61', '25', '1,315.25'],
    ['How do I reconcile transactions after changing billing plans? (new, annual)', '250', '10', '2,500'],
    ['How do I reconcile transactions after changing billing plans? (changeBillingPlan → monthly)', '20', '10', '200'],
    ['How do I reconcile transactions after changing billing plans? (changeBillingPlan → annual)', '229.16', '10', '2291.6'],
  ];
  for (const [section, eup, bq, total] of whereEupHasTwoDecimals) {
    it(`${section}: ${eup} × ${bq} = ${total} with both formulas`, () => {
      expect(usageSubtotal(d(eup), d(bq), ONE, EUR)).toBe(cents(total));
      expect(licenseSubtotal(d(eup), d(bq), ONE, EUR)).toBe(cents(total));
    });
  }

  // "How are licenses (seats) added or removed?": EffectiveUnitPrice 9.408 (= 10.08 / 30 × 28).
  const seatChanges: [string, string, string, string][] = [
    ['addQuantity refund', '-9.408', '10', '-94.08'],
    ['addQuantity charge', '9.408', '12', '112.89'],
    ['removeQuantity refund', '-9.408', '12', '-112.89'],
    ['removeQuantity charge', '9.408', '8', '75.26'],
  ];
  for (const [what, eup, bq, total] of seatChanges) {
    it(`How are licenses (seats) added or removed? ${what}: ROUNDDOWN(${eup} × ${bq}, 2) = ${total}`, () => {
      expect(usageSubtotal(d(eup), d(bq), ONE, EUR)).toBe(cents(total));
    });
  }

  it('seat changes: the doc\'s license formula ROUNDDOWN(EUP × rate, 2) × qty does NOT give the printed 112.89 (gives 112.80)', () => {
    // Documented discrepancy between the Subtotal column formula and the worked example.
    expect(licenseSubtotal(d('9.408'), d('12'), ONE, EUR)).toBe(11280n);
  });

  it('How do I calculate the total number of seats after multiple changes? — every Subtotal of the March 2022 table', () => {
    // Price 12 for the charge cycle March 5 – April 4, 2022 (31 days). The table prints EUP rounded to
    // 2 decimals; the subtotals come from the prorated price 12 / 31 × days carried at 6 decimals (cut).
    const rows: [chargeStart: string, days: number, bq: string, subtotal: string][] = [
      ['March 5', 31, '10', '120'],
      ['March 7', 29, '-10', '-112.25'],
      ['March 7', 29, '15', '168.38'],
      ['March 10', 26, '-15', '-150.96'],
      ['March 10', 26, '25', '251.61'],
      ['March 12', 24, '-25', '-232.25'],
      ['March 12', 24, '23', '213.67'],
      ['March 14', 22, '-23', '-195.87'],
      ['March 14', 22, '20', '170.32'],
      ['March 25', 11, '-20', '-85.16'],
      ['March 25', 11, '30', '127.74'],
    ];
    for (const [start, days, bq, subtotal] of rows) {
      const eup: Scaled = { value: divRound(12n * BigInt(days) * 10n ** 6n, 31n, 'down'), scale: 6 };
      expect([start, bq, usageSubtotal(eup, d(bq), ONE, EUR)]).toEqual([start, bq, cents(subtotal)]);
    }
  });
});

describe('legacy worked examples', () => {
  it('common-billing-scenarios-monthly.md / -annual.md, "Change license quantity": Amount = UnitPrice × Quantity', () => {
    const rows: [string, string, string][] = [
      ['-4.00', '1', '-4.00'],
      ['2.45', '1', '2.45'],
      ['1.55', '2', '3.10'],
      ['4.00', '2', '8.00'],
      ['-48.00', '1', '-48.00'],
      ['2.47', '1', '2.47'],
      ['44.98', '2', '89.96'],
      ['195.00', '2', '390.00'], // annual, "Add license after subscription anniversary date"
    ];
    for (const [price, qty, amount] of rows) expect(licenseSubtotal(d(price), d(qty), ONE, EUR)).toBe(cents(amount));
    // Known discrepancy: "15.62 | 2 | 31.25" (the printed unit price hides decimals); exact arithmetic gives 31.24.
    expect(licenseSubtotal(d('15.62'), d('2'), ONE, EUR)).toBe(3124n);
  });

  it('license-based-recon-files.md sample values: Amount 13.32 − TotalOtherDiscount 2.32 = Subtotal 11; TotalForCustomer 11', () => {
    const r = checkLine(line('legacy_license', {
      CustomerId: 'c', OrderId: 'o', SubscriptionId: 's', SyndicationPartnerSubscriptionNumber: 'n', DurableOfferId: 'f',
      ChargeStartDate: '2/1/2019 0:00', ChargeEndDate: '2/28/2019 23:59', ChargeType: 'Cycle fee', UnitPrice: '6.66',
      Quantity: '2', Amount: '13.32', TotalOtherDiscount: '2.32', Subtotal: '11', Tax: '0', TotalForCustomer: '11', Currency: 'EUR',
    }));
    expect(r).toMatchObject({ checked: true, formula: 'legacy_license_amount', expected: 1100n, difference: 0n, totalDifference: 0n });
  });
});

function line(format: CanonicalLine['format'], values: Record<string, string>): CanonicalLine {
  const cols = canonicalColumns(format);
  const mapping = Object.fromEntries(cols.map((c, i) => [c, i]));
  const r = normalizeRow(format, mapping, cols.map((c) => values[c] ?? ''), 2);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.line;
}

const nce = (over: Record<string, string>) =>
  line('nce_invoice', {
    CustomerId: 'c', InvoiceNumber: 'G1', OrderId: 'o', ProductId: 'p', SkuId: 's', ChargeType: 'addQuantity', UnitPrice: '10.08',
    Quantity: '12', Subtotal: '112.89', TaxTotal: '0', Total: '112.89', Currency: 'EUR', SubscriptionId: 'x', ChargeStartDate: '6/20/2021',
    ChargeEndDate: '7/17/2021', EffectiveUnitPrice: '9.408', BillableQuantity: '12', PCToBCExchangeRate: '1', ...over,
  });

describe('checkLine', () => {
  it('license line 9.408 × 12 stated 112.89: 9 cents off the license formula, matches the usage formula', () => {
    expect(checkLine(nce({}))).toEqual({
      checked: true, formula: 'nce_license', expected: 11280n, actual: 11289n, difference: 9n, matchesAlternative: 'nce_usage', totalDifference: 0n,
    });
  });

  it('usage line (MeterDescription set) with an exchange rate, USD priced, EUR billed', () => {
    // ROUNDDOWN(ROUNDDOWN(0.03825 × 1000.5, 2) × 0.846202666, 2) = ROUNDDOWN(38.26 × 0.846202666, 2) = 32.37
    const l = nce({ MeterDescription: 'Tables - LRS Data Stored (GB/Month)', ChargeType: 'new', EffectiveUnitPrice: '0.03825', BillableQuantity: '1000.5',
      Quantity: '1000.5', PricingCurrency: 'USD', PCToBCExchangeRate: '0.846202666', Subtotal: '32.38', Total: '32.38' });
    expect(checkLine(l)).toMatchObject({ checked: true, formula: 'nce_usage', expected: 3237n, actual: 3238n, difference: 1n });
    expect(checkLine(l)).not.toHaveProperty('matchesAlternative');
  });

  it('JPY billing: the outer ROUNDDOWN goes to 0 decimals, the inner one stays at the USD pricing exponent', () => {
    // ROUNDDOWN(ROUNDDOWN(1.23456 × 3, 2) × 151.237, 0) = ROUNDDOWN(3.70 × 151.237, 0) = 559
    expect(usageSubtotal(d('1.23456'), d('3'), d('151.237'), { billing: 0, pricing: 2 })).toBe(559n);
    // ROUNDDOWN(1.23456 × 151.237, 0) × 3 = 186 × 3
    expect(licenseSubtotal(d('1.23456'), d('3'), d('151.237'), { billing: 0 })).toBe(558n);
  });

  it('does not check daily rated usage (unrounded by design)', () => {
    expect(checkLine({ ...nce({}), format: 'nce_daily_usage' })).toMatchObject({ checked: false });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

/** Independent reference: cut the exact decimal string after `exp` digits (toward zero). */
function refCut(x: Scaled, exp: number): bigint {
  const s = formatScaled(x);
  const neg = s.startsWith('-');
  const [int, frac = ''] = (neg ? s.slice(1) : s).split('.');
  const v = BigInt(int! + frac.padEnd(exp, '0').slice(0, exp));
  return neg ? -v : v;
}
const refUsage = (e: Scaled, q: Scaled, r: Scaled, b: number, p: number) =>
  refCut(mulScaled({ value: refCut(mulScaled(e, q), p), scale: p }, r), b);
const refLicense = (e: Scaled, q: Scaled, r: Scaled, b: number) => refCut(mulScaled({ value: refCut(mulScaled(e, r), b), scale: b }, q), b);

const scaled = (min: bigint, max: bigint, maxScale = 10) => fc.record({ value: fc.bigInt({ min, max }), scale: fc.integer({ min: 0, max: maxScale }) });
const price = scaled(-(10n ** 18n), 10n ** 18n); // beyond 2^53 on purpose: a float would drift
const qty = scaled(0n, 10n ** 12n, 6);
const rate = scaled(1n, 10n ** 12n, 9);
const exps = fc.record({ billing: fc.constantFrom(0, 2, 3, 4), pricing: fc.constantFrom(0, 2, 3, 4) });

describe('formula properties', () => {
  it('equal a bigint reference implementation (string truncation), for any scale and size', () => {
    fc.assert(
      fc.property(price, qty, rate, exps, (e, q, r, x) => {
        const u = usageSubtotal(e, q, r, x);
        const l = licenseSubtotal(e, q, r, x);
        expect(typeof u).toBe('bigint');
        expect(u).toBe(refUsage(e, q, r, x.billing, x.pricing));
        expect(l).toBe(refLicense(e, q, r, x.billing));
      }),
      { numRuns: 500 },
    );
  });

  it('are monotonic in quantity for a non-negative price', () => {
    fc.assert(
      fc.property(scaled(0n, 10n ** 12n), qty, qty, rate, exps, (e, q1, q2, r, x) => {
        const [lo, hi] = q1.value * 10n ** BigInt(q2.scale) <= q2.value * 10n ** BigInt(q1.scale) ? [q1, q2] : [q2, q1];
        expect(usageSubtotal(e, lo, r, x) <= usageSubtotal(e, hi, r, x)).toBe(true);
        expect(licenseSubtotal(e, lo, r, x) <= licenseSubtotal(e, hi, r, x)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('ROUNDDOWN never exceeds the exact product in magnitude, and is odd (refund = −charge)', () => {
    fc.assert(
      fc.property(price, qty, rate, exps, (e, q, r, x) => {
        const exact = mulScaled(mulScaled(e, q), r);
        const abs = (v: bigint) => (v < 0n ? -v : v);
        for (const got of [usageSubtotal(e, q, r, x), licenseSubtotal(e, q, r, x)]) {
          // |got × 10^-billing| ≤ |exact|  ⇔  |got| × 10^exact.scale ≤ |exact.value| × 10^billing
          expect(abs(got) * 10n ** BigInt(exact.scale) <= abs(exact.value) * 10n ** BigInt(x.billing)).toBe(true);
          if (got !== 0n) expect(got > 0n === exact.value > 0n).toBe(true);
        }
        const neg = { value: -e.value, scale: e.scale };
        expect(usageSubtotal(neg, q, r, x)).toBe(-usageSubtotal(e, q, r, x));
        expect(licenseSubtotal(neg, q, r, x)).toBe(-licenseSubtotal(e, q, r, x));
      }),
      { numRuns: 300 },
    );
  });
});
