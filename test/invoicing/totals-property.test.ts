import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { cliActor } from '../../src/db/tx.js';
import { newId } from '../../src/core/ids.js';
import { invoiceLines, listInvoices } from '../../src/modules/invoicing/invoices.repo.js';
import { cancelRun, startRun } from '../../src/modules/invoicing/runs.js';
import { taxOn } from '../../src/modules/invoicing/tax.js';
import { makeAccount, makeCustomer } from '../helpers/fixtures.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';

/**
 * Property: whatever the charges (signs, repeats, several currencies and groups), every draft's net
 * is exactly the sum of its lines, its lines are exactly the sums of its charges, its tax is the
 * rate on the net rounded half up, and gross = net + tax. Each sample is a real run on the store.
 */
const actor = cliActor('test');
let deps: TestDeps;
const customers: { id: string; rate: string }[] = [];

const charge = fc.record({
  customer: fc.integer({ min: 0, max: 2 }),
  currency: fc.constantFrom('EUR', 'USD', 'JPY'),
  group: fc.integer({ min: 0, max: 2 }),
  unit: fc.constantFrom('9.990000', '33.600000', '0.001234', '1200.000000'),
  amount: fc.bigInt({ min: -500_000n, max: 5_000_000n }),
  quantity: fc.constantFrom('1.000000', '2.500000', '-1.000000', '10.000000'),
});

beforeAll(async () => {
  deps = await createTestDeps({ now: '2026-11-02T09:00:00Z' });
  const accountId = (await makeAccount(deps)).id;
  for (const rate of ['19', '7.7', '0']) {
    const id = await makeCustomer(deps, { accountId });
    await deps.db
      .updateTable('customers')
      .set({ country: 'DE', billing_email: 'a@example.com', billing_address: JSON.stringify({ lines: ['x'] }), tax_settings: JSON.stringify({ mode: 'standard', rate }) })
      .where('id', '=', id)
      .execute();
    customers.push({ id, rate });
  }
});
afterAll(async () => deps?.dispose());

describe('invoice totals', () => {
  it('property: net = Σ lines = Σ charges, tax = rate on net (half up), gross = net + tax', async () => {
    const samples = fc.sample(fc.array(charge, { minLength: 1, maxLength: 40 }), { numRuns: 12, seed: 20261122 });
    for (const [k, sample] of samples.entries()) {
      const period = `2024-${String(k + 1).padStart(2, '0')}`;
      for (const c of sample) {
        await deps.db
          .insertInto('charges')
          .values({
            id: newId('chg'),
            customer_id: customers[c.customer]!.id,
            source: 'manual',
            source_ref: null,
            billing_period: period,
            subscription_id: null,
            group_key: `g${c.group}`,
            group_title: `Group ${c.group}`,
            description: 'Item',
            category: null,
            product_id: null,
            sku_id: null,
            period_start: `${period}-01`,
            period_end: `${period}-28`,
            quantity: c.quantity,
            unit_price: c.unit,
            amount: c.amount,
            currency: c.currency,
            cost: null,
            proration: null,
            price_rule_id: null,
            price_method: 'manual',
            fx_rate: null,
            invoice_id: null,
            created_by: 'test',
            created_at: deps.clock.now(),
          })
          .execute();
      }
      const run = await startRun(deps, actor, period);
      const drafts = (await listInvoices(deps.db, { runId: run.runId, limit: 100 })).items;
      // one draft per customer and currency that has charges
      expect(drafts.length).toBe(new Set(sample.map((c) => `${c.customer}:${c.currency}`)).size);
      for (const d of drafts) {
        const rate = customers.find((c) => c.id === d.customerId)!.rate;
        const mine = sample.filter((c) => customers[c.customer]!.id === d.customerId && c.currency === d.currency);
        const lines = await invoiceLines(deps.db, d.id);
        expect(lines.reduce((s, l) => s + l.amount, 0n)).toBe(d.net);
        expect(mine.reduce((s, c) => s + c.amount, 0n)).toBe(d.net);
        expect(d.tax).toBe(taxOn(d.net, rate));
        expect(d.gross).toBe(d.net + d.tax);
      }
      // leave the charges open and the period closed for the next sample
      await cancelRun(deps, actor, run.runId);
      await sql`DELETE FROM charges WHERE billing_period = ${period}`.execute(deps.db);
    }
  });
});
