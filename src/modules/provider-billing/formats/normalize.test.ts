import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalColumns, type ReconFormat } from './columns.js';
import { computeLineKey, normalizeChargeType, normalizeRow, parseDecimalText, parseReconDate, type NormalizeResult } from './normalize.js';

function build(format: ReconFormat, values: Record<string, string>, order = canonicalColumns(format)) {
  const mapping: Record<string, number> = {};
  order.forEach((c, i) => (mapping[c] = i));
  return { mapping, cells: order.map((c) => values[c] ?? '') };
}

function run(format: ReconFormat, values: Record<string, string>, order?: string[]): NormalizeResult {
  const { mapping, cells } = build(format, values, order);
  return normalizeRow(format, mapping, cells, 7);
}

function ok(r: NormalizeResult) {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.line;
}

// The seat-change pair of common-billing-scenarios-onetime-recurring.md, "How are licenses (seats) added or removed?".
const NCE_ROW: Record<string, string> = {
  CustomerId: 'org:196E2273-9651-43A3-BA7E-7CBCD918FC40',
  CustomerName: 'Johnny Modern Cust DE2',
  CustomerDomainName: 'testcustomerdomain.onmicrosoft.com',
  InvoiceNumber: 'G002297372',
  MPNID: '6034453',
  ResellerMPNID: '6048879',
  OrderId: '6dc5c039750a',
  ProductId: 'CFQ7TTC0LDPB',
  SkuId: '0001',
  AvailabilityId: 'CFQ7TTC0K5RQ',
  SkuName: 'Microsoft 365 Business Standard',
  ProductName: 'Microsoft 365 Business Standard',
  ChargeType: 'addQuantity',
  UnitPrice: '10.08',
  Quantity: '12',
  Subtotal: '112.89',
  TaxTotal: '0',
  Total: '112.89',
  Currency: 'EUR',
  SubscriptionId: '284b0ff0-0e74-4f65-cb23-f8ad95867994',
  ChargeStartDate: '6/20/2021',
  ChargeEndDate: '2021-07-17T00:00:00Z',
  EffectiveUnitPrice: '9.408',
  BillableQuantity: '12',
  PricingCurrency: 'EUR',
  PCToBCExchangeRate: '1',
  PriceAdjustmentDescription: '["15.0% Partner earned credit for services managed"]',
  ReferenceId: '12d33e18-061e-4040-ad77-fcd77c1a9943',
};

describe('normalizeRow', () => {
  it('normalizes an NCE invoice line exactly', () => {
    const l = ok(run('nce_invoice', NCE_ROW));
    expect(l).toMatchObject({
      format: 'nce_invoice',
      line: 7,
      customerTenantId: '196e2273-9651-43a3-ba7e-7cbcd918fc40',
      invoiceNumber: 'G002297372',
      chargeType: 'add_quantity',
      chargeTypeRaw: 'addQuantity',
      chargeStart: '2021-06-20',
      chargeEnd: '2021-07-17',
      quantity: { value: 12n, scale: 0 },
      effectiveUnitPrice: { value: 9408n, scale: 3 },
      unitPrice: { value: 1008n, scale: 2 },
      pcToBcExchangeRate: { value: 1n, scale: 0 },
      currency: 'EUR',
      subtotal: 11289n,
      tax: 0n,
      total: 11289n,
      partnerEarnedCreditPercentage: { value: 150n, scale: 1 },
      mpnId: '6034453',
      resellerMpnId: '6048879',
      isUsage: false,
    });
    expect(l.lineKey).toMatch(/^nce_invoice:[A-Za-z0-9_-]{22}$/);
    // the normalizer's inline key is computeLineKey's
    expect(computeLineKey('nce_invoice', (c) => NCE_ROW[c] ?? '', '+')).toBe(l.lineKey);
  });

  it('keeps price scale (6+ decimals) and accepts exponent notation exactly', () => {
    const l = ok(run('nce_invoice', { ...NCE_ROW, EffectiveUnitPrice: '0.0209496384791679', PCToBCExchangeRate: '8.46202666E-1', Subtotal: '112.890000' }));
    expect(l.effectiveUnitPrice).toEqual({ value: 209496384791679n, scale: 16 });
    expect(l.pcToBcExchangeRate).toEqual({ value: 846202666n, scale: 9 });
    expect(l.subtotal).toBe(11289n); // trailing zeros are not "too many decimals"
    expect(parseDecimalText('1.5E-05')).toEqual({ value: 15n, scale: 6 });
    expect(parseDecimalText('2e3')).toEqual({ value: 2000n, scale: 0 });
    expect(parseDecimalText('$0.08')).toBeNull();
    expect(parseDecimalText('1,209.6')).toBeNull();
  });

  it('reports every bad field with line, column, value and code', () => {
    const r = run('nce_invoice', {
      ...NCE_ROW,
      Quantity: '-1',
      UnitPrice: 'ten',
      ChargeStartDate: '2/30/2021',
      Currency: 'EUX',
      EffectiveUnitPrice: '',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const by = Object.fromEntries(r.errors.map((e) => [e.column, e.code]));
    expect(by).toEqual({
      Quantity: 'recon.negative_quantity',
      UnitPrice: 'recon.bad_decimal',
      ChargeStartDate: 'recon.bad_date',
      Currency: 'recon.unknown_currency',
      EffectiveUnitPrice: 'recon.missing_value',
    });
    expect(r.errors.every((e) => e.line === 7 && e.message.length > 0)).toBe(true);
    expect(r.errors.find((e) => e.column === 'UnitPrice')?.value).toBe('ten');
  });

  it('refuses more decimals than the billing currency allows (JPY 0, EUR 2, KWD 3)', () => {
    const jpy = run('nce_invoice', { ...NCE_ROW, Currency: 'JPY', Subtotal: '112.5', Total: '112' });
    expect(!jpy.ok && jpy.errors.map((e) => [e.column, e.code])).toEqual([['Subtotal', 'recon.too_many_decimals']]);
    const eur = run('nce_invoice', { ...NCE_ROW, Subtotal: '112.891' });
    expect(!eur.ok && eur.errors[0]!.code).toBe('recon.too_many_decimals');
    expect(ok(run('nce_invoice', { ...NCE_ROW, Currency: 'KWD', Subtotal: '112.891', Total: '112.891' })).subtotal).toBe(112891n);
  });

  it('allows a negative quantity only for refunds, cancellations and credits', () => {
    expect(ok(run('nce_invoice', { ...NCE_ROW, ChargeType: 'cancelImmediate', Quantity: '-10', BillableQuantity: '-10' })).quantity.value).toBe(-10n);
    expect(ok(run('legacy_license', legacy({ ChargeType: 'Cancel Fee', Quantity: '-1' }))).chargeType).toBe('cancel_fee');
    const r = run('nce_invoice', { ...NCE_ROW, ChargeType: 'renew', BillableQuantity: '-1' });
    expect(!r.ok && r.errors.map((e) => e.column)).toEqual(['BillableQuantity']);
  });

  it('parses the date shapes Partner Center writes and rejects the rest', () => {
    expect(parseReconDate('9/1/2020')).toBe('2020-09-01');
    expect(parseReconDate('2/28/2019 23:59')).toBe('2019-02-28');
    expect(parseReconDate('2021-05-20T18:30:06.6045692Z')).toBe('2021-05-20');
    expect(parseReconDate('2021-05-01T00:00:00')).toBe('2021-05-01');
    expect(parseReconDate('2021-05-01T23:30:00-02:00')).toBe('2021-05-02');
    expect(parseReconDate('2021-05-01')).toBe('2021-05-01');
    for (const bad of ['2021-02-29', '13/1/2020', '31.12.2020', 'January 13, 2018', '', '2021-05-01T25:00:00Z']) {
      expect(parseReconDate(bad)).toBeNull();
    }
  });

  it('maps the charge types of recon-file-charge-types.md and the worked examples to the closed enum', () => {
    const cases: [string, string][] = [
      ['new', 'new'],
      ['cycleCharge', 'cycle_charge'],
      ['removeQuantity', 'remove_quantity'],
      ['changeBillingPlan', 'change_billing_plan'],
      ['customerCredit', 'customer_credit'],
      ['Cycle Instance Prorate', 'cycle_instance_prorate'],
      ['Prorate fees when purchase', 'prorate_purchase'],
      ['Prorate Fees When Purchase', 'prorate_purchase'],
      ['Prorate fees when buy', 'prorate_purchase'],
      ['Prorate fee when renew', 'prorate_renew'],
      ['Prorate fees when convert away from current offering', 'prorate_convert_away'],
      ['Convert from instance prorate', 'convert_instance_prorate'],
      ['Assess usage fee for current cycle', 'usage_fee_cycle'],
      ['Offset a line item', 'offset_line_item'],
      ['Cycle discount', 'cycle_discount'],
      ['Refund', 'refund'],
      ['Something new from Redmond', 'other'],
    ];
    for (const [raw, expected] of cases) expect([raw, normalizeChargeType(raw)]).toEqual([raw, expected]);
    const l = ok(run('nce_invoice', { ...NCE_ROW, ChargeType: 'Something new from Redmond' }));
    expect([l.chargeType, l.chargeTypeRaw]).toEqual(['other', 'Something new from Redmond']);
  });

  it('normalizes the other three formats', () => {
    const lic = ok(run('legacy_license', legacy({})));
    expect(lic).toMatchObject({ amount: 1332n, totalOtherDiscount: 232n, subtotal: 1100n, total: 1100n, subscriptionId: 'fb977ab5-test-test-test-24c8d9591708', chargeType: 'cycle_fee' });
    const usage = ok(
      run('legacy_usage', {
        CustomerId: 'ORDDC52E52FDEF405786F0642DD0108BE4', InvoiceNumber: 'D020001IVK', SubscriptionId: 'usCBMgAAAAAAAAIA',
        ChargeStartDate: '2/1/2019 0:00', ChargeEndDate: '2/28/2019 23:59', ResourceGuid: 'DA41BC5F-C52D-4464-8A8D-8C8DCC43503B',
        ConsumedQuantity: '11', OverageQuantity: '11', ListPrice: '0.0808', PretaxCharges: '0.89', TaxAmount: '0.08',
        PostTaxTotal: '0.97', Currency: 'EUR', ChargeType: 'Assess usage fee for current cycle',
      }),
    );
    expect(usage).toMatchObject({ customerTenantId: 'ORDDC52E52FDEF405786F0642DD0108BE4', subtotal: 89n, tax: 8n, total: 97n, isUsage: true, pcToBcExchangeRate: null });
    const daily = ok(
      run('nce_daily_usage', {
        CustomerId: '', InvoiceNumber: 'T000001234', SubscriptionId: '12345678-9d62-4a85-8fd0-91a87c261bc4',
        ChargeStartDate: '2018-11-01T00:00:00Z', ChargeEndDate: '2018-12-01T00:00:00Z', UsageDate: '2018-11-13T00:00:00Z',
        MeterId: '1core', ChargeType: 'new', UnitPrice: '0.0209496384791679', Quantity: '23.200004',
        BillingPreTaxTotal: '0.486031696515249', BillingCurrency: 'USD', EffectiveUnitPrice: '0', PCToBCExchangeRate: '1',
        PartnerEarnedCreditPercentage: '15',
      }),
    );
    expect(daily).toMatchObject({ subtotal: null, preTaxExact: { value: 486031696515249n, scale: 15 }, usageDate: '2018-11-13', customerTenantId: null, partnerEarnedCreditPercentage: { value: 15n, scale: 0 } });
  });
});

function legacy(over: Record<string, string>): Record<string, string> {
  return {
    CustomerId: '12ABCD34-001A-BCD2-987C-3210ABCD5678', OrderId: '566890604832738111', SubscriptionId: 'usCBMgAAAAAAAAIA',
    SyndicationPartnerSubscriptionNumber: 'fb977ab5-test-test-test-24c8d9591708', DurableOfferId: '1017D7F3-6D7F-4BFA-BDD8-79BC8F104E0C',
    ChargeStartDate: '2/1/2019 0:00', ChargeEndDate: '2/28/2019 23:59', ChargeType: 'Cycle fee', UnitPrice: '6.66', Quantity: '2',
    Amount: '13.32', TotalOtherDiscount: '2.32', Subtotal: '11', Tax: '0', TotalForCustomer: '11', Currency: 'EUR',
    ...over,
  };
}

describe('lineKey', () => {
  const key = (values: Record<string, string>, order?: string[]) => ok(run('nce_invoice', values, order)).lineKey;

  it('does not depend on column order, spelling of ids/dates, or on amounts (a corrected line replaces the old one)', () => {
    const base = key(NCE_ROW);
    fc.assert(
      fc.property(fc.shuffledSubarray(canonicalColumns('nce_invoice'), { minLength: canonicalColumns('nce_invoice').length }), (order) => {
        expect(key(NCE_ROW, order)).toBe(base);
      }),
      { numRuns: 20 },
    );
    expect(key({ ...NCE_ROW, ChargeStartDate: '2021-06-20', SubscriptionId: NCE_ROW['SubscriptionId']!.toUpperCase() })).toBe(base);
    expect(key({ ...NCE_ROW, Subtotal: '112.80', Total: '112.80', BillableQuantity: '13', Quantity: '13' })).toBe(base);
  });

  it('separates the refund line from the charge line of one seat change, and different ids or periods', () => {
    const base = key(NCE_ROW);
    expect(key({ ...NCE_ROW, EffectiveUnitPrice: '-9.408', BillableQuantity: '10', Quantity: '10', Subtotal: '-94.08', Total: '-94.08' })).not.toBe(base);
    expect(key({ ...NCE_ROW, InvoiceNumber: 'G002297373' })).not.toBe(base);
    expect(key({ ...NCE_ROW, ChargeEndDate: '7/18/2021' })).not.toBe(base);
    expect(key({ ...NCE_ROW, ReferenceId: 'other' })).not.toBe(base);
  });
});

describe('money on the exact-text path', () => {
  it('gives the same minor units (or the same error) as parsing to a scaled decimal', () => {
    const decimalText = fc.tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^\d{0,6}$/), fc.option(fc.stringMatching(/^\d{0,5}$/)), fc.option(fc.integer({ min: -4, max: 4 })));
    fc.assert(
      fc.property(decimalText, fc.constantFrom('EUR', 'JPY', 'KWD'), ([sign, int, frac, exp], currency) => {
        const text = `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `e${exp}`}`;
        const r = run('nce_invoice', { ...NCE_ROW, Currency: currency, PricingCurrency: currency, Subtotal: text, Total: '112' });
        if (text.trim() === '') return; // an empty value is missing, not malformed
        const x = parseDecimalText(text);
        const exponent = currency === 'JPY' ? 0 : currency === 'KWD' ? 3 : 2;
        if (!x) expect(r.ok ? null : r.errors.map((e) => e.code)).toEqual(['recon.bad_decimal']);
        else {
          const minor = x.scale <= exponent ? x.value * 10n ** BigInt(exponent - x.scale) : x.value % 10n ** BigInt(x.scale - exponent) === 0n ? x.value / 10n ** BigInt(x.scale - exponent) : null;
          if (minor === null) expect(r.ok ? null : r.errors.map((e) => e.code)).toEqual(['recon.too_many_decimals']);
          else expect(r.ok && r.line.subtotal).toBe(minor);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('what the database could not take', () => {
  it('rejects a NUL character in a text column and an amount beyond bigint minor units', () => {
    const nul = run('nce_invoice', { ...NCE_ROW, CustomerName: 'Contoso\u0000GmbH' });
    expect(nul.ok ? [] : nul.errors).toEqual([expect.objectContaining({ code: 'recon.nul_char', column: 'CustomerName' })]);
    const huge = run('nce_invoice', { ...NCE_ROW, Subtotal: '92233720368547758.08' });
    expect(huge.ok ? [] : huge.errors).toEqual([expect.objectContaining({ code: 'recon.out_of_range', column: 'Subtotal' })]);
    expect(ok(run('nce_invoice', { ...NCE_ROW, Subtotal: '92233720368547758.07' })).subtotal).toBe(2n ** 63n - 1n);
  });
});
