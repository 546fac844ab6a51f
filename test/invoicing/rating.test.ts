import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliActor } from '../../src/db/tx.js';
import { importRecon } from '../../src/modules/provider-billing/import-recon.js';
import { canonicalColumns } from '../../src/modules/provider-billing/formats/columns.js';
import { writeCsvRow } from '../../src/modules/provider-billing/formats/csv.js';
import { createRule } from '../../src/modules/pricing/manage-rules.js';
import { upsertRate } from '../../src/modules/pricing/manage-rates.js';
import { invoiceLines, listInvoices } from '../../src/modules/invoicing/invoices.repo.js';
import { discardDraft, releaseInvoice } from '../../src/modules/invoicing/review.js';
import { errorCode } from '../helpers/errors.js';
import { startRun } from '../../src/modules/invoicing/runs.js';
import { makeAccount, makeCustomer } from '../helpers/fixtures.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';

/** Provider lines → priced customer charges → drafts: the rebilling path end to end. */
const actor = cliActor('test');
let deps: TestDeps;
let accountId: string;
const header = canonicalColumns('nce_invoice');

function csv(rows: Record<string, string>[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'pd-rate-'));
  const path = join(dir, 'recon.csv');
  const base: Record<string, string> = {
    InvoiceNumber: 'G000000777',
    ProductId: 'CFQ7TTC0LH18',
    SkuId: '0001',
    AvailabilityId: 'CFQ7TTC0K5RQ',
    SkuName: 'Microsoft 365 E3',
    ChargeType: 'cycleCharge',
    UnitPrice: '33.60',
    EffectiveUnitPrice: '30.24',
    Quantity: '10',
    BillableQuantity: '10',
    Subtotal: '302.40',
    TaxTotal: '0',
    Total: '302.40',
    Currency: 'USD',
    PricingCurrency: 'USD',
    PCToBCExchangeRate: '1',
    ChargeStartDate: '2026-10-01',
    ChargeEndDate: '2026-10-31',
  };
  writeFileSync(path, [writeCsvRow(header, ','), ...rows.map((r) => writeCsvRow(header.map((c) => ({ ...base, ...r })[c] ?? ''), ','))].join('\n') + '\n');
  return path;
}

async function customer(name: string, currency: string) {
  const id = await makeCustomer(deps, { accountId, companyName: name });
  await deps.db
    .updateTable('customers')
    .set({ country: 'DE', billing_currency: currency, billing_email: 'ap@example.com', billing_address: JSON.stringify({ lines: ['Weg 1'], city: 'Bonn' }) })
    .where('id', '=', id)
    .execute();
  const { tenant_id } = await deps.db.selectFrom('customers').select('tenant_id').where('id', '=', id).executeTakeFirstOrThrow();
  return { id, tenant: tenant_id };
}

beforeAll(async () => {
  deps = await createTestDeps({ now: '2026-11-02T09:00:00Z' });
  accountId = (await makeAccount(deps)).id;
  await createRule(deps, actor, { method: 'markup', value: '15', pec: 'keep', rounding: 'half_up' });
  await upsertRate(deps, actor, { from: 'USD', to: 'EUR', rate: '0.9', effectiveDate: '2026-09-30' });
});
afterAll(async () => deps?.dispose());

describe('rating provider lines into charges', () => {
  it('prices billed lines of known customers once, in their currency, with the rule recorded; an unpriceable customer is held, not dropped', async () => {
    const eur = await customer('Euro GmbH', 'EUR');
    const yen = await customer('Yen KK', 'JPY');
    const file = csv([
      { CustomerId: eur.tenant, SubscriptionId: 'sub-a', OrderId: 'o1' },
      // a refund of 2 seats
      { CustomerId: eur.tenant, SubscriptionId: 'sub-a', OrderId: 'o2', ChargeType: 'refund', Quantity: '-2', BillableQuantity: '-2', Subtotal: '-60.48', Total: '-60.48' },
      { CustomerId: yen.tenant, SubscriptionId: 'sub-y', OrderId: 'o3' },
      // a customer the desk does not know: listed as unmatched by the import, never charged
      { CustomerId: '0f000000-0000-0000-0000-000000000000', SubscriptionId: 'sub-z', OrderId: 'o4' },
    ]);
    const imp = await importRecon(deps, actor, { path: file, providerAccountId: accountId });
    expect(imp, JSON.stringify(imp.errors)).toMatchObject({ imported: 4, rejected: 0 });

    const run = await startRun(deps, actor, '2026-10');
    expect(run).toMatchObject({ customers: 2, invoices: 1, held: 1 });
    const charges = await deps.db.selectFrom('charges').selectAll().where('source', '=', 'recon').orderBy('amount', 'desc').execute();
    // 33.60 list price (PEC kept) × 0.9 × 1.15 = 34.776 EUR a seat
    expect(charges.map((c) => [c.customer_id, c.quantity, c.unit_price, c.amount, c.currency, c.cost, c.price_method])).toEqual([
      [eur.id, '10.000000', '34.776000', 34776n, 'EUR', 27216n, 'markup'],
      [eur.id, '-2.000000', '34.776000', -6955n, 'EUR', -5443n, 'markup'],
    ]);
    expect(charges.every((c) => c.price_rule_id?.startsWith('prr_'))).toBe(true);
    // the run's audit row counts what was charged (the yen line was undone), and names who was not
    const audit = await deps.db.selectFrom('audit_log').select('after').where('action', '=', 'invoice_run.start').where('entity_id', '=', run.runId).executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ rated: 2, unrated: [yen.id] });

    const drafts = (await listInvoices(deps.db, { runId: run.runId })).items;
    const euro = drafts.find((d) => d.customerId === eur.id)!;
    expect(euro).toMatchObject({ net: 27821n, holdCode: null });
    expect((await invoiceLines(deps.db, euro.id)).map((l) => [l.description, l.amount])).toEqual([
      ['Microsoft 365 E3', 34776n],
      ['Microsoft 365 E3 — refund', -6955n],
    ]);
    // the yen customer: no USD→JPY rate, held with the reason and its parameters, and nothing charged
    const held = await deps.db.selectFrom('invoices').select(['hold_code', 'hold_params', 'net', 'currency']).where('run_id', '=', run.runId).where('customer_id', '=', yen.id).execute();
    expect(held).toEqual([{ hold_code: 'pricing.no_rate', hold_params: expect.objectContaining({ from: 'USD', to: 'JPY' }), net: 0n, currency: 'JPY' }]);
  });

  it('rates each line once: a second run of the period makes nothing new, and a fixed rate lets the held customer through', async () => {
    const again = await startRun(deps, actor, '2026-10');
    expect(again.created).toBe(false);
    const count = async () => Number((await deps.db.selectFrom('charges').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    expect(await count()).toBe(2);

    await upsertRate(deps, actor, { from: 'USD', to: 'JPY', rate: '152.5', effectiveDate: '2026-09-30' });
    const placeholder = (await listInvoices(deps.db, { runId: again.runId, held: true })).items[0]!;
    // a draft held for unpriced lines is not released as it is (it would go out without them)
    expect(await errorCode(releaseInvoice(deps, actor, placeholder.id))).toBe('invoicing.release_needs_redraft');
    await discardDraft(deps, actor, placeholder.id);
    const { cancelRun } = await import('../../src/modules/invoicing/runs.js');
    await cancelRun(deps, actor, again.runId);
    const next = await startRun(deps, actor, '2026-10');
    expect(next).toMatchObject({ created: true, customers: 2, invoices: 2, held: 0 });
    // 33.60 × 152.5 × 1.15 = 5,892.60 yen a seat, no minor unit
    const yen = (await listInvoices(deps.db, { runId: next.runId, held: false })).items.find((i) => i.currency === 'JPY')!;
    expect(yen.net).toBe(58926n);
    expect(await count()).toBe(3);
  });
});
