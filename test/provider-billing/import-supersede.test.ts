import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeAccount } from '../helpers/fixtures.js';
import { nceRow } from '../helpers/recon.js';
import { cliActor } from '../../src/db/tx.js';
import { importRecon } from '../../src/modules/provider-billing/import-recon.js';

/** A re-issued provider invoice replaces its lines: corrected ones are replaced, dropped ones removed (audited), other invoices untouched. */
describe('re-issued invoice lines', () => {
  let deps: TestDeps;
  let accountId: string;
  const actor = cliActor('test');
  const lines = async (invoice: string) =>
    (await deps.db.selectFrom('recon_lines').select(['order_id', 'total']).where('provider_account_id', '=', accountId).where('invoice_number', '=', invoice).orderBy('order_id').execute()).map((l) => `${l.order_id}:${l.total}`);

  beforeAll(async () => {
    deps = await createTestDeps();
    accountId = (await makeAccount(deps)).id;
    // another invoice's lines, which a re-issue of G7 must not touch
    await importRecon(deps, actor, { records: [nceRow(9, { InvoiceNumber: 'G8' })], sourceName: 'G8', providerAccountId: accountId });
  });
  afterAll(async () => deps.dispose());

  it('removes the lines the re-issued invoice no longer has, and keeps the rest', async () => {
    const first = await importRecon(deps, actor, { records: [nceRow(1, { InvoiceNumber: 'G7' }), nceRow(2, { InvoiceNumber: 'G7' }), nceRow(3, { InvoiceNumber: 'G7' })], sourceName: 'G7', providerAccountId: accountId, supersedesInvoice: 'G7' });
    expect(first).toMatchObject({ rejected: 0, imported: 3 });
    expect(await lines('G7')).toEqual(['o-1:1190', 'o-2:1190', 'o-3:1190']);
    // re-issued: line 2 dropped, line 3 corrected (same key, new amounts)
    const again = await importRecon(deps, actor, {
      records: [nceRow(1, { InvoiceNumber: 'G7' }), nceRow(3, { InvoiceNumber: 'G7', Subtotal: '9.00', TaxTotal: '1.71', Total: '10.71', UnitPrice: '4.50', EffectiveUnitPrice: '4.50' })],
      sourceName: 'G7 re-issued',
      providerAccountId: accountId,
      supersedesInvoice: 'g7',
    });
    expect(again).toMatchObject({ rejected: 0, imported: 0, replaced: 1, duplicates: 1 });
    expect(await lines('G7')).toEqual(['o-1:1190', 'o-3:1071']);
    expect(await lines('G8')).toEqual(['o-9:1190']);
    const audit = await deps.db.selectFrom('audit_log').select('after').where('entity_id', '=', again.importId!).executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ superseded: 1, supersedesInvoice: 'g7' });
  });

  it('removes nothing without the option (an overlapping export is not a re-issue)', async () => {
    await importRecon(deps, actor, { records: [nceRow(4, { InvoiceNumber: 'G7' })], sourceName: 'G7 extra', providerAccountId: accountId });
    expect(await lines('G7')).toEqual(['o-1:1190', 'o-3:1071', 'o-4:1190']);
  });
});
