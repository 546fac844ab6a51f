import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../../test/helpers/store.js';
import { makeCustomer } from '../../test/helpers/fixtures.js';
import { parseDecimal } from '../core/money.js';
import { categoryOf, priceLine } from '../modules/pricing/price.js';
import { loadPricing } from '../modules/pricing/pricing.repo.js';
import { DEMO_RATES, DEMO_RULES, seedDemoCustomerOverride, seedDemoPricing } from './pricing.js';

describe('demo pricing seed', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps({ now: '2026-10-15T09:00:00Z' });
  });
  afterAll(async () => deps.dispose());

  it('seeds valid rules and rates once, then a customer override after customers exist', async () => {
    expect(await seedDemoCustomerOverride(deps)).toBeUndefined(); // no customers yet
    expect(await seedDemoPricing(deps)).toEqual({ rules: DEMO_RULES.length, rates: DEMO_RATES.length });
    expect(await seedDemoPricing(deps)).toEqual({ rules: 0, rates: 0 });
    const a = await makeCustomer(deps, { companyName: 'Alpha AG' });
    await makeCustomer(deps, { companyName: 'Beta Ltd' });
    await deps.db.updateTable('customers').set({ billing_currency: 'EUR' }).where('id', '=', a).execute();
    const override = await seedDemoCustomerOverride(deps);
    expect(override).toMatch(/^prr_/);
    expect(await seedDemoCustomerOverride(deps)).toBeUndefined();

    const p = await loadPricing(deps.db, { date: '2026-10-15' });
    const line = (productId: string, name: string) => ({
      productId,
      skuId: '0001',
      category: categoryOf({ productId, productName: name }),
      date: '2026-10-15',
      quantity: parseDecimal('1'),
      unitPrice: parseDecimal('10'),
      effectiveUnitPrice: parseDecimal('8.5'),
      currency: 'USD',
    });
    // Alpha (EUR): its own override on Microsoft 365, converted at the July rate
    expect(priceLine(p.book, p.customers.get(a)!, line('CFQ7TTC0LH18', 'Microsoft 365 E3'))).toMatchObject({ ruleId: override, amount: 1028n }); // 10 × 0.935 × 1.10 = 10.285 → 10.28 (half to even)
    // the customer rule (customer + category) beats the SKU rule for everyone
    expect(priceLine(p.book, p.customers.get(a)!, line('CFQ7TTC0LDPB', 'Microsoft 365 Business Basic'))).toMatchObject({ ruleId: override });
    // others get Business Basic at the fixed 7.20 USD
    const other = [...p.customers.values()].find((c) => c.id !== a)!;
    expect(priceLine(p.book, other, line('CFQ7TTC0LDPB', 'Microsoft 365 Business Basic'))).toMatchObject({ method: 'fixed', amount: 720n, level: 'all_sku' });
    // Azure passes the credit on
    expect(priceLine(p.book, other, line('DZH318Z0BPS6', 'Azure plan'))).toMatchObject({ method: 'markup', pec: 'pass_on', amount: 918n }); // 8.50 × 1.08
  });
});
