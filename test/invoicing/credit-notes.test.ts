import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cliActor } from '../../src/db/tx.js';
import { errorCode } from '../helpers/errors.js';
import { addManualCharge } from '../../src/modules/invoicing/charges.js';
import { createCreditNote, voidInvoice } from '../../src/modules/invoicing/credit-notes.js';
import { findInvoice, invoiceLines, listInvoices } from '../../src/modules/invoicing/invoices.repo.js';
import { issueRun, startRun } from '../../src/modules/invoicing/runs.js';
import { makeAccount, makeCustomer } from '../helpers/fixtures.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';

const actor = cliActor('test');
let deps: TestDeps;
let accountId: string;
let month = 0;

/** A customer with an issued invoice of these line amounts (each its own line), in a period of its own. */
async function issued(amounts: string[], rate = '19') {
  const id = await makeCustomer(deps, { accountId });
  await deps.db
    .updateTable('customers')
    .set({ country: 'DE', billing_currency: 'EUR', billing_email: 'ap@example.com', billing_address: JSON.stringify({ lines: ['Weg 1'], city: 'Köln' }), tax_settings: JSON.stringify({ mode: 'standard', rate }) })
    .where('id', '=', id)
    .execute();
  const period = `2025-${String(++month).padStart(2, '0')}`;
  for (const [k, a] of amounts.entries()) {
    await addManualCharge(deps, actor, { customerId: id, description: `Item ${k}`, amount: a, currency: 'EUR', quantity: '1', periodStart: `${period}-01`, periodEnd: `${period}-28` });
  }
  const run = await startRun(deps, actor, period);
  await issueRun(deps, actor, run.runId);
  return (await listInvoices(deps.db, { customerId: id, kind: 'invoice' })).items[0]!;
}

beforeAll(async () => {
  deps = await createTestDeps({ now: '2026-11-02T09:00:00Z' });
  accountId = (await makeAccount(deps)).id;
});
afterAll(async () => deps?.dispose());

describe('credit notes and void', () => {
  it('credits part of a line, then the rest; the credit notes net to the invoice to the cent', async () => {
    const inv = await issued(['100.00', '33.33']);
    expect(inv).toMatchObject({ net: 13333n, tax: 2533n });
    const [a, b] = await invoiceLines(deps.db, inv.id);
    const cn1 = await createCreditNote(deps, actor, inv.id, { reason: 'Service outage', lines: [{ lineId: a!.id, amount: '10.00' }] });
    expect(cn1).toMatchObject({ number: 'CN-2026-000001', net: 1000n, tax: 190n, gross: 1190n });
    expect(await errorCode(createCreditNote(deps, actor, inv.id, { reason: 'x', lines: [{ lineId: a!.id, amount: '90.01' }] }))).toBe('invoicing.credit_too_much');
    expect(await errorCode(createCreditNote(deps, actor, inv.id, { reason: 'x', lines: [{ lineId: 'inl_nope' }] }))).toBe('invoicing.credit_unknown_line');
    const cn2 = await createCreditNote(deps, actor, inv.id, { reason: 'Cancelled', lines: [{ lineId: a!.id }, { lineId: b!.id }] });
    expect(cn2).toMatchObject({ number: 'CN-2026-000002', net: 12333n, tax: 2533n - 190n });
    expect(cn1.gross + cn2.gross).toBe(inv.gross);
    const lines = await invoiceLines(deps.db, inv.id);
    expect(lines.map((l) => l.credited)).toEqual([10000n, 3333n]);
    expect(await errorCode(createCreditNote(deps, actor, inv.id, { reason: 'again' }))).toBe('invoicing.nothing_to_credit');
    const note = (await findInvoice(deps.db, cn2.id))!;
    expect(note).toMatchObject({ kind: 'credit_note', creditsInvoiceId: inv.id, status: 'issued', reason: 'Cancelled', deliveryStatus: 'queued' });
    expect((await invoiceLines(deps.db, cn2.id)).map((l) => l.creditsLineId)).toEqual([a!.id, b!.id]);
  });

  it('voids an invoice with a full credit note; the charges can be released to invoice again', async () => {
    const inv = await issued(['250.00']);
    const cn = await voidInvoice(deps, actor, inv.id, 'Wrong customer', true);
    expect(cn).toMatchObject({ net: inv.net, tax: inv.tax, gross: inv.gross });
    expect((await findInvoice(deps.db, inv.id))!.status).toBe('void');
    expect(await errorCode(voidInvoice(deps, actor, inv.id, 'again'))).toBe('invoicing.already_void');
    const open = await deps.db.selectFrom('charges').select('invoice_id').where('customer_id', '=', inv.customerId).execute();
    expect(open).toEqual([{ invoice_id: null }]);
    const audit = await deps.db.selectFrom('audit_log').select('action').where('entity_id', '=', inv.id).orderBy('id').execute();
    expect(audit.map((r) => r.action)).toEqual(['invoice.issue', 'invoice.void']);
  });

  it('property: any split of credits never exceeds the invoice and the last one closes it exactly', async () => {
    const inv = await issued(['99.99', '0.01', '1234.56'], '7.7');
    const lines = await invoiceLines(deps.db, inv.id);
    // a deterministic sample of splits (each run is a real database round-trip)
    const splits = fc.sample(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 5000 })), { minLength: 1, maxLength: 6 }), { numRuns: 1, seed: 7 })[0]!;
    let gross = 0n;
    for (const [k, cents] of splits) {
      const line = (await invoiceLines(deps.db, inv.id))[k]!;
      const left = line.amount - line.credited!;
      if (left === 0n) continue;
      const amount = BigInt(cents) < left ? BigInt(cents) : left;
      const cn = await createCreditNote(deps, actor, inv.id, { reason: 'partial', lines: [{ lineId: line.id, amount: `${amount / 100n}.${String(amount % 100n).padStart(2, '0')}` }] });
      gross += cn.gross;
    }
    const rest = await createCreditNote(deps, actor, inv.id, { reason: 'rest' });
    expect(gross + rest.gross).toBe(inv.gross);
    expect(lines.length).toBe(3);
  });
});
