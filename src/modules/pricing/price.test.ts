import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../core/errors.js';
import { divRound, formatScaled, parseDecimal, pow10, type Rounding, type Scaled } from '../../core/money.js';
import {
  LEVELS,
  PRICE_SCALE,
  ROUNDINGS,
  buildPricingBook,
  categoryOf,
  priceLine,
  priceWith,
  validateRule,
  type CostLine,
  type ExchangeRate,
  type PriceRule,
  type PricingCustomer,
} from './price.js';

const d = parseDecimal;

function rule(over: Partial<PriceRule> & Pick<PriceRule, 'id'>): PriceRule {
  return {
    customerId: null,
    segment: null,
    productId: null,
    skuId: null,
    category: null,
    method: 'markup',
    value: d('15'),
    currency: null,
    pec: 'keep',
    rounding: 'half_even',
    validFrom: null,
    validTo: null,
    active: true,
    ...over,
  };
}

const customer: PricingCustomer = { id: 'cus_1', segment: 'smb', currency: 'USD' };

function line(over: Partial<CostLine> = {}): CostLine {
  return {
    productId: 'CFQ7TTC0LH18',
    skuId: '0001',
    category: 'm365',
    date: '2026-10-01',
    quantity: d('10'),
    unitPrice: d('36.00'),
    effectiveUnitPrice: d('30.60'), // 15 % partner-earned credit
    currency: 'USD',
    ...over,
  };
}

const rates: ExchangeRate[] = [
  { from: 'USD', to: 'EUR', rate: d('0.9000000000'), effectiveDate: '2026-09-01' },
  { from: 'USD', to: 'EUR', rate: d('0.9200000000'), effectiveDate: '2026-10-01' },
  { from: 'USD', to: 'JPY', rate: d('150.1234567890'), effectiveDate: '2026-01-01' },
  { from: 'EUR', to: 'USD', rate: d('1.1000000000'), effectiveDate: '2026-01-01' },
];

const price = (rules: PriceRule[], l: CostLine = line(), c: PricingCustomer = customer) => priceLine(buildPricingBook(rules, rates), c, l);
const text = (x: Scaled) => formatScaled(x);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return `${e.code}${e.field ? ' ' + e.field : ''}`;
    throw e;
  }
  return 'no error';
}

describe('price methods (examples)', () => {
  it('markup on cost, keeping partner-earned credit: priced from the list price before PEC', () => {
    const p = price([rule({ id: 'prr_d', value: d('15') })]);
    expect(text(p.unitPrice)).toBe('41.400000'); // 36.00 × 1.15
    expect(p.amount).toBe(41400n);
    expect(p.cost).toBe(30600n); // the partner pays 30.60 × 10
    expect(p).toMatchObject({ ruleId: 'prr_d', method: 'markup', level: 'default', pec: 'keep', currency: 'USD', fx: null });
  });

  it('markup passing partner-earned credit on: priced from the effective unit price', () => {
    const p = price([rule({ id: 'prr_d', value: d('15'), pec: 'pass_on' })]);
    expect(text(p.unitPrice)).toBe('35.190000'); // 30.60 × 1.15
    expect(p.amount).toBe(35190n);
  });

  it('keep falls back to the effective price when the line has no list price', () => {
    const p = price([rule({ id: 'prr_d', value: d('10') })], line({ unitPrice: null }));
    expect(text(p.unitPrice)).toBe('33.660000');
  });

  it('target margin: price = cost / (1 − margin)', () => {
    const p = price([rule({ id: 'prr_m', method: 'margin', value: d('20'), pec: 'pass_on' })]);
    expect(text(p.unitPrice)).toBe('38.250000'); // 30.60 / 0.8
    expect(p.amount).toBe(38250n);
    const q = price([rule({ id: 'prr_m', method: 'margin', value: d('30'), pec: 'pass_on', rounding: 'up' })], line({ effectiveUnitPrice: d('1'), quantity: d('3') }));
    expect(text(q.unitPrice)).toBe('1.428572'); // 1 / 0.7 = 1.428571428… rounded up
    expect(q.amount).toBe(429n); // 4.285716 up → 4.29
  });

  it('fixed unit price in the customer currency ignores cost and PEC', () => {
    const p = price([rule({ id: 'prr_f', method: 'fixed', value: d('39.99'), currency: 'USD', productId: 'CFQ7TTC0LH18' })]);
    expect(text(p.unitPrice)).toBe('39.990000');
    expect(p.amount).toBe(39990n);
    expect(p.level).toBe('all_sku');
  });

  it('fixed unit price in another currency is converted at the rate of the date', () => {
    const p = price([rule({ id: 'prr_f', method: 'fixed', value: d('40'), currency: 'EUR' })]);
    expect(text(p.unitPrice)).toBe('44.000000'); // 40 EUR × 1.1
    expect(p.fx).toMatchObject({ from: 'EUR', to: 'USD', effectiveDate: '2026-01-01' });
    expect(codeOf(() => price([rule({ id: 'prr_f', method: 'fixed', value: d('40'), currency: 'GBP' })]))).toBe('pricing.no_rate');
  });

  it('list (ERP) price, with an optional percentage off, is passed over for a line without a list price', () => {
    const rules = [rule({ id: 'prr_l', method: 'list', value: d('-5'), category: 'm365' }), rule({ id: 'prr_d', value: d('15') })];
    const p = price(rules);
    expect(text(p.unitPrice)).toBe('34.200000'); // 36 × 0.95
    expect(p.ruleId).toBe('prr_l');
    const q = price(rules, line({ unitPrice: null }));
    expect(q.ruleId).toBe('prr_d');
    expect(codeOf(() => priceWith(rules[0]!, buildPricingBook([], []), customer, line({ unitPrice: null })))).toBe('pricing.no_list_price');
  });

  it('converts the provider currency to the customer currency with the rate in effect on the date', () => {
    const eur: PricingCustomer = { id: 'cus_2', segment: 'smb', currency: 'EUR' };
    const r = [rule({ id: 'prr_d', value: d('10'), rounding: 'half_up' })];
    const sep = price(r, line({ date: '2026-09-30' }), eur);
    expect(text(sep.unitPrice)).toBe('35.640000'); // 36 × 0.9 × 1.1
    expect(sep.fx).toMatchObject({ from: 'USD', to: 'EUR', effectiveDate: '2026-09-01' });
    expect(formatScaled(sep.fx!.rate)).toBe('0.9000000000');
    const oct = price(r, line({ date: '2026-10-15' }), eur);
    expect(text(oct.unitPrice)).toBe('36.432000'); // 36 × 0.92 × 1.1
    expect(oct.cost).toBe(28152n); // 30.60 × 0.92 × 10 = 281.52
    expect(codeOf(() => price(r, line({ date: '2026-08-31' }), eur))).toBe('pricing.no_rate');
    try {
      price(r, line({ date: '2026-08-31' }), eur);
    } catch (e) {
      expect((e as AppError).params).toEqual({ from: 'USD', to: 'EUR', date: '2026-08-31' });
      expect((e as AppError).status).toBe(422);
    }
  });

  it('rounds to the customer currency exponent (JPY has none) with the named mode', () => {
    const jpy: PricingCustomer = { id: 'cus_3', segment: 'smb', currency: 'JPY' };
    const half = price([rule({ id: 'a', value: d('0'), rounding: 'half_even' })], line({ quantity: d('1'), unitPrice: d('1.00') }), jpy);
    expect(text(half.unitPrice)).toBe('150.123457');
    expect(half.amount).toBe(150n);
    const up = price([rule({ id: 'a', value: d('0'), rounding: 'up' })], line({ quantity: d('1'), unitPrice: d('1.00') }), jpy);
    expect(up.amount).toBe(151n);
    const down = price([rule({ id: 'a', value: d('0'), rounding: 'down' })], line({ quantity: d('1'), unitPrice: d('1.00') }), jpy);
    expect(text(down.unitPrice)).toBe('150.123456');
  });

  it('prices refunds (negative quantities) symmetrically', () => {
    const pos = price([rule({ id: 'a', value: d('12.5'), rounding: 'half_up' })], line({ quantity: d('3'), unitPrice: d('0.333333') }));
    const neg = price([rule({ id: 'a', value: d('12.5'), rounding: 'half_up' })], line({ quantity: d('-3'), unitPrice: d('0.333333') }));
    expect(neg.amount).toBe(-pos.amount);
  });

  it('applies validity dates inclusively and ignores inactive rules', () => {
    const rules = [
      rule({ id: 'old', value: d('30'), validTo: '2026-09-30' }),
      rule({ id: 'new', value: d('20'), validFrom: '2026-10-01' }),
      rule({ id: 'off', value: d('99'), customerId: 'cus_1', active: false }),
    ];
    expect(price(rules, line({ date: '2026-09-30' })).ruleId).toBe('old');
    expect(price(rules, line({ date: '2026-10-01' })).ruleId).toBe('new');
    expect(codeOf(() => price([rules[2]!]))).toBe('pricing.no_rule');
  });
});

describe('precedence (examples)', () => {
  const all = [
    rule({ id: 'default', value: d('10') }),
    rule({ id: 'all_cat', value: d('11'), category: 'm365' }),
    rule({ id: 'all_sku', value: d('12'), productId: 'CFQ7TTC0LH18' }),
    rule({ id: 'seg_all', value: d('13'), segment: 'smb' }),
    rule({ id: 'seg_cat', value: d('14'), segment: 'smb', category: 'm365' }),
    rule({ id: 'seg_sku', value: d('15'), segment: 'smb', productId: 'CFQ7TTC0LH18' }),
    rule({ id: 'cus_all', value: d('16'), customerId: 'cus_1' }),
    rule({ id: 'cus_cat', value: d('17'), customerId: 'cus_1', category: 'm365' }),
    rule({ id: 'cus_sku', value: d('18'), customerId: 'cus_1', productId: 'cfq7ttc0lh18' }),
    rule({ id: 'cus_sku_exact', value: d('19'), customerId: 'cus_1', productId: 'CFQ7TTC0LH18', skuId: '0001' }),
  ];
  it('picks the most specific rule, removing one level at a time', () => {
    const order = ['cus_sku_exact', 'cus_sku', 'cus_cat', 'cus_all', 'seg_sku', 'seg_cat', 'seg_all', 'all_sku', 'all_cat', 'default'];
    let rules = [...all];
    for (const id of order) {
      expect(price(rules).ruleId).toBe(id);
      rules = rules.filter((r) => r.id !== id);
    }
    expect(codeOf(() => price(rules))).toBe('pricing.no_rule');
  });
  it('skips rules of other customers, segments, products, SKUs and categories', () => {
    const other = line({ productId: 'CFQ7TTC0HL8W', skuId: '0002', category: 'power_platform' });
    expect(price(all, other).ruleId).toBe('cus_all');
    expect(price(all, line({ skuId: '0002' })).ruleId).toBe('cus_sku');
    expect(price(all, line(), { id: 'cus_9', segment: 'smb', currency: 'USD' }).ruleId).toBe('seg_sku');
    expect(price(all, line(), { id: 'cus_9', segment: 'enterprise', currency: 'USD' }).ruleId).toBe('all_sku');
    expect(price(all, other, { id: 'cus_9', segment: 'enterprise', currency: 'USD' }).ruleId).toBe('default');
  });
});

describe('bad rules', () => {
  const base = rule({ id: 'x' });
  it.each([
    [{ method: 'markup', value: d('-100.01') }, 'pricing.markup_below_cost /value'],
    [{ method: 'list', value: d('-150') }, 'pricing.markup_below_cost /value'],
    [{ method: 'margin', value: d('100') }, 'pricing.margin_too_high /value'],
    [{ method: 'margin', value: d('120') }, 'pricing.margin_too_high /value'],
    [{ method: 'margin', value: d('-1') }, 'pricing.margin_negative /value'],
    [{ method: 'fixed', value: d('10') }, 'pricing.fixed_needs_currency /currency'],
    [{ method: 'fixed', value: d('-1'), currency: 'USD' }, 'pricing.fixed_negative /value'],
    [{ method: 'fixed', value: d('1'), currency: 'XXY' }, 'pricing.bad_currency /currency'],
    [{ method: 'markup', currency: 'USD' }, 'pricing.currency_only_fixed /currency'],
    [{ customerId: 'cus_1', segment: 'smb' }, 'pricing.customer_and_segment /segment'],
    [{ productId: 'P', category: 'azure' }, 'pricing.product_and_category /category'],
    [{ skuId: '0001' }, 'pricing.sku_without_product /productId'],
    [{ validFrom: '2026-10-02', validTo: '2026-10-01' }, 'pricing.valid_to_before_from /validTo'],
  ] as [Partial<PriceRule>, string][])('%o → %s', (over, want) => {
    expect(codeOf(() => validateRule({ ...base, ...over }))).toBe(want);
  });
  it('accepts the edges: markup −100 % (free), margin 99.9999 %', () => {
    expect(codeOf(() => validateRule({ ...base, value: d('-100') }))).toBe('no error');
    expect(price([rule({ id: 'free', value: d('-100') })]).amount).toBe(0n);
    expect(price([rule({ id: 'm', method: 'margin', value: d('99.9999'), pec: 'pass_on' })], line({ quantity: d('1'), effectiveUnitPrice: d('1') })).amount).toBe(100_000_000n) // 1 / 0.000001 = 1,000,000.00;
  });
  it('refuses to price with a rule that slipped past validation', () => {
    expect(codeOf(() => price([rule({ id: 'x', value: d('-101') })]))).toBe('pricing.markup_below_cost /value');
  });
});

describe('categoryOf', () => {
  it('classifies by product table, overrides, format and name', () => {
    expect(categoryOf({ productId: 'DZH318Z0BPS6', productName: 'Azure plan' })).toBe('azure');
    expect(categoryOf({ productId: 'CFQ7TTC0LH18' })).toBe('m365');
    expect(categoryOf({ productId: 'X', format: 'nce_daily_usage' })).toBe('azure');
    expect(categoryOf({ productName: 'Dynamics 365 Customer Service Enterprise' })).toBe('dynamics');
    expect(categoryOf({ productName: 'Power BI Pro' })).toBe('power_platform');
    expect(categoryOf({ productName: 'Office 365 E1' })).toBe('m365');
    expect(categoryOf({ productName: 'Windows Server 2022 Standard - 2 Core License Pack', productId: 'DG7GMGF0D5RK' })).toBe('software');
    expect(categoryOf({ productName: 'Something else' })).toBe('other');
    expect(categoryOf({})).toBe('other');
    const over = { CFQ7TTC0LH18: 'other', 'CFQ7TTC0HL8W:0002': 'm365' } as const;
    expect(categoryOf({ productId: 'cfq7ttc0lh18' }, over)).toBe('other');
    expect(categoryOf({ productId: 'CFQ7TTC0HL8W', skuId: '0002' }, new Map(Object.entries(over)))).toBe('m365');
    expect(categoryOf({ productId: 'CFQ7TTC0HL8W', skuId: '0001' }, over)).toBe('power_platform');
  });
});

// ───────────────────────────── properties ─────────────────────────────

/** A decimal with up to 6 fraction digits, as a Scaled (never through a JS number). */
const decimal = (min: bigint, max: bigint, maxScale = 6) =>
  fc.tuple(fc.bigInt({ min, max }), fc.integer({ min: 0, max: maxScale })).map(([value, scale]): Scaled => ({ value, scale }));
const rounding = fc.constantFrom<Rounding>(...ROUNDINGS);
const currency = fc.constantFrom('USD', 'EUR', 'JPY', 'KWD');
const exp: Record<string, number> = { USD: 2, EUR: 2, JPY: 0, KWD: 3 };

/** A rational N/D from Scaled parts, for the oracle. */
interface Rational {
  n: bigint;
  d: bigint;
}
const r = (x: Scaled): Rational => ({ n: x.value, d: pow10(x.scale) });
const mul = (a: Rational, b: Rational): Rational => ({ n: a.n * b.n, d: a.d * b.d });
const roundTo = (x: Rational, scale: number, mode: Rounding): bigint => divRound(x.n * pow10(scale), x.d, mode);

describe('price properties', () => {
  const propRates: ExchangeRate[] = [...rates, { from: 'USD', to: 'EUR', rate: d('0.8812345678'), effectiveDate: '2025-01-01' }, { from: 'USD', to: 'KWD', rate: d('0.3071234567'), effectiveDate: '2025-01-01' }];
  const fxOf = (to: string, date: string): Rational => (to === 'USD' ? { n: 1n, d: 1n } : r(propRates.filter((x) => x.to === to && x.effectiveDate <= date).sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate)).at(-1)!.rate));
  const costLine = fc.record({
    quantity: decimal(-10_000n, 10_000_000n),
    unitPrice: decimal(0n, 10_000_000_000n),
    effectiveUnitPrice: decimal(0n, 10_000_000_000n),
    date: fc.constantFrom('2026-01-01', '2026-09-15', '2026-10-31'),
  });

  it('is exact in minor units: amount = R(R(base × fx × (1 + v/100), 6) × q, E) computed over rationals', () => {
    fc.assert(
      fc.property(costLine, decimal(-100_000n, 100_000_000n, 4), rounding, fc.constantFrom<'keep' | 'pass_on'>('keep', 'pass_on'), fc.constantFrom('USD', 'EUR', 'JPY'), (l, v, mode, pec, to) => {
        fc.pre(v.value >= -100n * pow10(v.scale));
        const c: PricingCustomer = { id: 'c', segment: 's', currency: to };
        const cl = line({ ...l, currency: 'USD' });
        const p = priceLine(buildPricingBook([rule({ id: 'r', value: v, rounding: mode, pec })], propRates), c, cl);
        const fx = fxOf(to, l.date);
        const base = pec === 'keep' ? l.unitPrice : l.effectiveUnitPrice;
        const factor: Rational = { n: 100n * pow10(v.scale) + v.value, d: 100n * pow10(v.scale) };
        const unit = roundTo(mul(mul(r(base), fx), factor), PRICE_SCALE, mode);
        expect(p.unitPrice).toEqual({ value: unit, scale: PRICE_SCALE });
        expect(typeof p.amount).toBe('bigint');
        expect(p.amount).toBe(roundTo(mul({ n: unit, d: pow10(PRICE_SCALE) }, r(l.quantity)), exp[to]!, mode));
        expect(p.cost).toBe(roundTo(mul(mul(r(l.effectiveUnitPrice), fx), r(l.quantity)), exp[to]!, mode));
      }),
      { numRuns: 400 },
    );
  });

  it('is monotonic in markup: a higher markup never lowers the unit price or the amount (non-negative lines)', () => {
    fc.assert(
      fc.property(costLine, decimal(-100_000n, 50_000_000n, 4), decimal(0n, 50_000_000n, 4), rounding, currency, (l, a, delta, mode, to) => {
        fc.pre(a.value >= -100n * pow10(a.scale) && l.quantity.value >= 0n);
        const b: Scaled = { value: a.value * pow10(Math.max(a.scale, delta.scale) - a.scale) + delta.value * pow10(Math.max(a.scale, delta.scale) - delta.scale), scale: Math.max(a.scale, delta.scale) };
        const c: PricingCustomer = { id: 'c', segment: 's', currency: to };
        const allRates = propRates;
        const pa = priceLine(buildPricingBook([rule({ id: 'a', value: a, rounding: mode })], allRates), c, line(l));
        const pb = priceLine(buildPricingBook([rule({ id: 'b', value: b, rounding: mode })], allRates), c, line(l));
        expect(pa.unitPrice.value <= pb.unitPrice.value).toBe(true);
        expect(pa.amount <= pb.amount).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('margin: rounding up or ceiling keeps the margin against the exact cost at or above the target; other modes miss by under one minor unit', () => {
    fc.assert(
      fc.property(costLine, decimal(0n, 999_999n, 4), rounding, currency, (l, m, mode, to) => {
        fc.pre(m.value < 100n * pow10(m.scale) && l.quantity.value >= 0n);
        const c: PricingCustomer = { id: 'c', segment: 's', currency: to };
        const p = priceLine(buildPricingBook([rule({ id: 'm', method: 'margin', value: m, rounding: mode, pec: 'pass_on' })], propRates), c, line(l));
        const fx = fxOf(to, l.date);
        // exact cost in minor units (rational) and the margin condition amount × (1 − m) ≥ cost
        const cost = mul(mul(mul(r(l.effectiveUnitPrice), fx), r(l.quantity)), { n: pow10(exp[to]!), d: 1n });
        const keep: Rational = { n: 100n * pow10(m.scale) - m.value, d: 100n * pow10(m.scale) };
        const lhs = mul({ n: p.amount, d: 1n }, keep); // amount × (1 − m)
        const diff: Rational = { n: lhs.n * cost.d - cost.n * lhs.d, d: lhs.d * cost.d }; // amount×(1−m) − cost
        if (mode === 'up' || mode === 'ceiling') expect(diff.n >= 0n).toBe(true);
        else {
          // short of the target by less than the rounding of the unit price (≤ 1e-6 × q) plus one minor unit, times (1 − m)
          const slack = mul({ n: pow10(exp[to]!) * (l.quantity.value + pow10(l.quantity.scale)), d: pow10(PRICE_SCALE + l.quantity.scale) }, keep);
          const slackPlusOne: Rational = { n: slack.n + slack.d, d: slack.d };
          expect(diff.n * slackPlusOne.d + slackPlusOne.n * diff.d >= 0n).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('is exact with values beyond 2^53 and 6-decimal scales (no float anywhere)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 53n, max: 2n ** 80n }), fc.bigInt({ min: 1n, max: 999_999n }), (big, frac) => {
        const unitPrice: Scaled = { value: big * 1_000_000n + frac, scale: 6 };
        const p = price([rule({ id: 'z', value: d('0'), rounding: 'down' })], line({ unitPrice, quantity: d('1') }));
        expect(p.unitPrice).toEqual(unitPrice);
        expect(p.amount).toBe(big * 100n + frac / 10_000n);
      }),
    );
    const src = readFileSync(fileURLToPath(new URL('./price.ts', import.meta.url)), 'utf8');
    expect(src).not.toMatch(/parseFloat|parseInt|Number\(|toFixed|Math\.(round|floor|ceil|trunc)|\*\s*0\.\d/);
  });

  it('precedence picks the most specific applicable rule', () => {
    const scope = fc.record({
      who: fc.constantFrom('customer', 'other_customer', 'segment', 'other_segment', 'all'),
      what: fc.constantFrom('sku', 'product', 'other_product', 'category', 'other_category', 'all'),
      window: fc.constantFrom('open', 'past', 'current'),
      active: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(scope, { minLength: 1, maxLength: 14 }), (scopes) => {
        const rules = scopes.map((s, i) =>
          rule({
            id: `r${String(i).padStart(2, '0')}`,
            customerId: s.who === 'customer' ? 'cus_1' : s.who === 'other_customer' ? 'cus_2' : null,
            segment: s.who === 'segment' ? 'smb' : s.who === 'other_segment' ? 'ent' : null,
            productId: s.what === 'sku' || s.what === 'product' ? 'CFQ7TTC0LH18' : s.what === 'other_product' ? 'OTHER' : null,
            skuId: s.what === 'sku' ? '0001' : null,
            category: s.what === 'category' ? 'm365' : s.what === 'other_category' ? 'azure' : null,
            validFrom: s.window === 'current' ? '2026-09-01' : null,
            validTo: s.window === 'past' ? '2026-08-31' : null,
            active: s.active,
          }),
        );
        // oracle: rank = who × 4 + what, over applicable rules; ties: later validFrom, then id
        const whoRank = { customer: 0, segment: 1, all: 2 } as Record<string, number>;
        const whatRank = { sku: 0, product: 1, category: 2, all: 3 } as Record<string, number>;
        const applicable = scopes
          .map((s, i) => ({ s, rule: rules[i]! }))
          .filter(({ s }) => s.active && s.window !== 'past' && s.who in whoRank && s.what in whatRank);
        applicable.sort((a, b) => whoRank[a.s.who]! * 4 + whatRank[a.s.what]! - (whoRank[b.s.who]! * 4 + whatRank[b.s.what]!) || (b.rule.validFrom ?? '').localeCompare(a.rule.validFrom ?? '') || a.rule.id.localeCompare(b.rule.id));
        let got: string;
        try {
          got = price(rules).ruleId;
        } catch (e) {
          got = (e as AppError).code;
        }
        expect(got).toBe(applicable[0]?.rule.id ?? 'pricing.no_rule');
        if (applicable[0]) expect(LEVELS).toContain(price(rules).level);
      }),
      { numRuns: 500 },
    );
  });
});
