import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../src/db/tx.js';
import { addManualCharge, removeCharge } from '../../src/modules/invoicing/charges.js';
import { createCreditNote, voidInvoice } from '../../src/modules/invoicing/credit-notes.js';
import { findInvoice, invoiceLines, listInvoices } from '../../src/modules/invoicing/invoices.repo.js';
import { issueInvoice } from '../../src/modules/invoicing/issue.js';
import { holdInvoice, releaseInvoice } from '../../src/modules/invoicing/review.js';
import { cancelRun, issueRun, startRun } from '../../src/modules/invoicing/runs.js';
import { errorCode } from '../helpers/errors.js';
import { makeAccount, makeCustomer } from '../helpers/fixtures.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';

/** The edges a review found: over-crediting, tax changed before issue, zero totals, cancelling after an issue, removing covered charges. */
const actor = cliActor('test');
let deps: TestDeps;
let accountId: string;
let month = 0;

async function customer(tax: object = { mode: 'standard', rate: '19' }) {
  const id = await makeCustomer(deps, { accountId });
  await deps.db
    .updateTable('customers')
    .set({ country: 'DE', billing_currency: 'EUR', billing_email: 'ap@example.com', billing_address: JSON.stringify({ lines: ['Weg 1'], city: 'Köln' }), tax_settings: JSON.stringify(tax) })
    .where('id', '=', id)
    .execute();
  return id;
}
const nextPeriod = () => `2024-${String(++month).padStart(2, '0')}`;
const charge = (customerId: string, period: string, amount: string, description = 'Item') =>
  addManualCharge(deps, actor, { customerId, description, amount, currency: 'EUR', periodStart: `${period}-01`, periodEnd: `${period}-28` });

beforeAll(async () => {
  deps = await createTestDeps({ now: '2026-11-02T09:00:00Z' });
  accountId = (await makeAccount(deps)).id;
});
afterAll(async () => deps?.dispose());

describe('invoicing edges', () => {
  it('never credits more than the invoice, whatever the signs of the lines, and partial credits never carry negative tax', async () => {
    const c = await customer();
    const period = nextPeriod();
    await charge(c, period, '100.00', 'Licences');
    await charge(c, period, '-20.00', 'Goodwill');
    const run = await startRun(deps, actor, period);
    await issueRun(deps, actor, run.runId);
    const inv = (await listInvoices(deps.db, { customerId: c, kind: 'invoice' })).items[0]!;
    expect(inv).toMatchObject({ net: 8000n, tax: 1520n });
    const [goodwill, licences] = await invoiceLines(deps.db, inv.id);
    expect(goodwill!.amount).toBe(-2000n);
    // the +100 line alone would credit 100 of an 80 invoice; the -20 line alone would be a debit
    expect(await errorCode(createCreditNote(deps, actor, inv.id, { reason: 'x', lines: [{ lineId: licences!.id }] }))).toBe('invoicing.credit_exceeds_invoice');
    expect(await errorCode(createCreditNote(deps, actor, inv.id, { reason: 'x', lines: [{ lineId: goodwill!.id }] }))).toBe('invoicing.credit_exceeds_invoice');
    // a partial credit prints as one unit of the credited amount
    const part = await createCreditNote(deps, actor, inv.id, { reason: 'outage', lines: [{ lineId: licences!.id, amount: '30.00' }] });
    expect((await invoiceLines(deps.db, part.id)).map((l) => [l.quantity, l.unitPrice, l.amount])).toEqual([['1.000000', '30.000000', 3000n]]);
    // releasing the charges after a partial credit would bill them in full again
    expect(await errorCode(voidInvoice(deps, actor, inv.id, 'wrong', true))).toBe('invoicing.release_after_credit');
    const rest = await voidInvoice(deps, actor, inv.id, 'wrong');
    expect(part.gross + rest.gross).toBe(inv.gross);

    // 0.12 at 19 % is 0.02 tax; four credits of 0.03 must not end on a negative tax
    const d = await customer();
    const p2 = nextPeriod();
    await charge(d, p2, '0.12');
    await issueRun(deps, actor, (await startRun(deps, actor, p2)).runId);
    const small = (await listInvoices(deps.db, { customerId: d, kind: 'invoice' })).items[0]!;
    expect(small.tax).toBe(2n);
    const [line] = await invoiceLines(deps.db, small.id);
    const taxes: bigint[] = [];
    for (let k = 0; k < 4; k++) taxes.push((await createCreditNote(deps, actor, small.id, { reason: 'x', lines: [{ lineId: line!.id, amount: '0.03' }] })).tax);
    expect(taxes.every((t) => t >= 0n)).toBe(true);
    expect(taxes.reduce((a, b) => a + b, 0n)).toBe(2n);
  });

  it('takes the customer’s tax as it is at issue, not as it was when drafted', async () => {
    const c = await customer();
    const period = nextPeriod();
    await charge(c, period, '100.00');
    const run = await startRun(deps, actor, period);
    const draft = (await listInvoices(deps.db, { runId: run.runId })).items.find((i) => i.customerId === c)!;
    expect(draft).toMatchObject({ taxMode: 'standard', tax: 1900n });
    await deps.db.updateTable('customers').set({ tax_settings: JSON.stringify({ mode: 'reverse_charge', vatId: 'FR12345678901' }) }).where('id', '=', c).execute();
    await issueInvoice(deps, actor, draft.id);
    expect((await findInvoice(deps.db, draft.id))!).toMatchObject({ status: 'issued', taxMode: 'reverse_charge', tax: 0n, gross: 10000n });
    // a run with an invoice issued on its own is not cancelled under it
    expect(await errorCode(cancelRun(deps, actor, run.runId))).toBe('invoicing.run_not_cancellable');
  });

  it('holds a zero total, and keeps charges under a held draft of an issued run', async () => {
    const z = await customer();
    const h = await customer();
    const period = nextPeriod();
    await charge(z, period, '10.00');
    await charge(z, period, '-10.00', 'Refund');
    const { id: covered } = await charge(h, period, '50.00');
    const run = await startRun(deps, actor, period);
    const drafts = (await listInvoices(deps.db, { runId: run.runId })).items;
    expect(drafts.find((i) => i.customerId === z)!.holdCode).toBe('invoicing.hold.zero_total');
    expect(await errorCode(releaseInvoice(deps, actor, drafts.find((i) => i.customerId === z)!.id))).toBe('invoicing.hold.zero_total');
    await holdInvoice(deps, actor, drafts.find((i) => i.customerId === h)!.id, 'ask first');
    await issueRun(deps, actor, run.runId);
    expect(await errorCode(removeCharge(deps, actor, covered))).toBe('invoicing.charge_in_draft');
  });

  it('the database keeps lines and invoices consistent: no line without its invoice, no issued invoice deleted', async () => {
    const issued = await deps.db.selectFrom('invoices').select('id').where('status', '=', 'issued').where('kind', '=', 'credit_note').executeTakeFirstOrThrow();
    await expect(deps.db.deleteFrom('invoices').where('id', '=', issued.id).execute()).rejects.toThrow(/never deleted/);
    const line = { position: 1, group_key: 'g', group_title: 'G', description: 'x', period_start: '2024-01-01', period_end: '2024-01-31', quantity: '1', unit_price: '1', amount: 100n };
    await expect(deps.db.insertInto('invoice_lines').values({ ...line, id: 'inl_dangling', invoice_id: 'inv_nope' }).execute()).rejects.toThrow(/must name existing rows/);
    await expect(deps.db.insertInto('invoice_lines').values({ ...line, id: 'inl_dangling2', invoice_id: issued.id, position: 999, credits_line_id: 'inl_nope' }).execute()).rejects.toThrow(/must name existing rows/);
  });
});
