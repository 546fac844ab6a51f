import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { cliActor } from '../../src/db/tx.js';
import { addManualCharge, createFee, removeCharge, stopFee } from '../../src/modules/invoicing/charges.js';
import { findInvoice, invoiceLines, listInvoices } from '../../src/modules/invoicing/invoices.repo.js';
import { issueInvoice } from '../../src/modules/invoicing/issue.js';
import { adjustLine, holdInvoice, releaseInvoice, setInvoiceNote } from '../../src/modules/invoicing/review.js';
import { cancelRun, issueRun, startRun } from '../../src/modules/invoicing/runs.js';
import { makeAccount, makeCustomer } from '../helpers/fixtures.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { errorCode } from '../helpers/errors.js';

const actor = cliActor('test');
let deps: TestDeps;
let accountId: string;

async function billableCustomer(name: string, over: { country?: string; currency?: string; tax?: object; email?: string | null; address?: boolean } = {}) {
  const id = await makeCustomer(deps, { accountId, companyName: name });
  await deps.db
    .updateTable('customers')
    .set({
      country: over.country ?? 'DE',
      billing_currency: over.currency ?? 'EUR',
      billing_email: over.email === undefined ? `billing@${name.toLowerCase().replace(/\W/g, '')}.example` : over.email,
      billing_address: over.address === false ? null : JSON.stringify({ lines: ['Hauptstraße 1'], postalCode: '10115', city: 'Berlin', country: over.country ?? 'DE' }),
      tax_settings: JSON.stringify(over.tax ?? { mode: 'standard' }),
      payment_terms_days: 14,
    })
    .where('id', '=', id)
    .execute();
  return id;
}

const charge = (customerId: string, amount: string, over: Partial<Parameters<typeof addManualCharge>[2]> = {}) =>
  addManualCharge(deps, actor, { customerId, description: 'Consulting', amount, currency: 'EUR', quantity: '1', periodStart: '2026-10-01', periodEnd: '2026-10-31', ...over });

beforeAll(async () => {
  deps = await createTestDeps({ now: '2026-11-02T09:00:00Z' });
  accountId = (await makeAccount(deps)).id;
});
afterAll(async () => deps?.dispose());

describe('invoice runs', () => {
  it('drafts one invoice per customer and currency, holds the ones that cannot be invoiced, and is idempotent', async () => {
    const a = await billableCustomer('Alpha GmbH');
    const b = await billableCustomer('Beta LLC', { country: 'US', currency: 'USD' }); // no US rate: held
    const c = await billableCustomer('Gamma SARL', { country: 'FR', tax: { mode: 'reverse_charge', vatId: 'FR12345678901' } });
    const d = await billableCustomer('Delta AG', { email: null });
    await charge(a, '100.00');
    await charge(a, '100.00');
    await charge(a, '19.99', { description: 'Travel', group: 'Expenses' });
    await charge(a, '50.00', { currency: 'USD' });
    await charge(b, '10.00', { currency: 'USD' });
    await charge(c, '333.33');
    await charge(d, '5.00');
    // a later period is not in this run
    await charge(a, '999.00', { periodStart: '2026-11-01', periodEnd: '2026-11-30' });

    const run = await startRun(deps, actor, '2026-10');
    expect(run).toMatchObject({ period: '2026-10', state: 'draft', created: true, customers: 4, invoices: 3, held: 2 });
    expect(run.totals).toEqual([
      { currency: 'EUR', net: '553.32', tax: '41.80', gross: '595.12' },
      { currency: 'USD', net: '50.00', tax: '9.50', gross: '59.50' },
    ]);

    const drafts = (await listInvoices(deps.db, { runId: run.runId, limit: 100 })).items;
    const alphaEur = drafts.find((i) => i.customerId === a && i.currency === 'EUR')!;
    expect(alphaEur).toMatchObject({ status: 'draft', net: 21999n, tax: 4180n, gross: 26179n, taxRate: '19.0000', holdCode: null });
    const lines = await invoiceLines(deps.db, alphaEur.id);
    // the two identical consulting charges are one line of two charges
    expect(lines.map((l) => [l.description, l.amount, l.charges, l.groupTitle])).toEqual([
      ['Consulting', 20000n, 2, ''],
      ['Travel', 1999n, 1, 'Expenses'],
    ]);
    expect(lines.reduce((s, l) => s + l.amount, 0n)).toBe(alphaEur.net);
    expect(drafts.find((i) => i.customerId === b)!.holdCode).toBe('invoicing.hold.no_tax_rate');
    expect(drafts.find((i) => i.customerId === d)!.holdCode).toBe('invoicing.hold.no_billing_contact');
    expect(drafts.find((i) => i.customerId === c)).toMatchObject({ taxMode: 'reverse_charge', tax: 0n, gross: 33333n });

    // the same period again: the active run, nothing new
    const again = await startRun(deps, actor, '2026-10');
    expect(again).toMatchObject({ runId: run.runId, created: false, invoices: 3 });
    expect((await listInvoices(deps.db, { runId: run.runId })).total).toBe(5);
  });

  it('reviews drafts: adjust a line with a note, hold and release, a stale draft is refused', async () => {
    const run = await startRun(deps, actor, '2026-10');
    const drafts = (await listInvoices(deps.db, { runId: run.runId, held: false, limit: 100 })).items;
    const inv = drafts.find((i) => i.customerName === 'Alpha GmbH' && i.currency === 'EUR')!;
    const [consulting] = await invoiceLines(deps.db, inv.id);
    expect(await errorCode(adjustLine(deps, actor, inv.id, consulting!.id, '180.00', ' '))).toBe('invoicing.adjust_note_required');
    await adjustLine(deps, actor, inv.id, consulting!.id, '180.00', 'Goodwill: 10% off consulting');
    const adjusted = (await findInvoice(deps.db, inv.id))!;
    expect(adjusted).toMatchObject({ net: 19999n, tax: 3800n, gross: 23799n });
    await setInvoiceNote(deps, actor, inv.id, 'Thank you for your business.');

    await holdInvoice(deps, actor, inv.id, 'Customer disputes the travel line');
    expect((await findInvoice(deps.db, inv.id))!.holdCode).toBe('invoicing.hold.manual');
    await releaseInvoice(deps, actor, inv.id);
    expect((await findInvoice(deps.db, inv.id))!.holdCode).toBeNull();

    // a held customer is released only once the cause is gone
    const beta = (await listInvoices(deps.db, { runId: run.runId, held: true, limit: 100 })).items.find((i) => i.customerName === 'Beta LLC')!;
    expect(await errorCode(releaseInvoice(deps, actor, beta.id))).toBe('invoicing.hold.no_tax_rate');
    await deps.db.updateTable('customers').set({ tax_settings: JSON.stringify({ mode: 'standard', rate: '8.875' }) }).where('id', '=', beta.customerId).execute();
    await releaseInvoice(deps, actor, beta.id);
    expect((await findInvoice(deps.db, beta.id))!).toMatchObject({ holdCode: null, taxRate: '8.8750', net: 1000n, tax: 89n, gross: 1089n });

    // a draft whose charges changed underneath is stale: refused, and no number is used up
    const usd = drafts.find((i) => i.customerName === 'Alpha GmbH' && i.currency === 'USD')!;
    const usdCharge = await deps.db.selectFrom('charges').select(['id', 'amount']).where('customer_id', '=', usd.customerId).where('currency', '=', 'USD').executeTakeFirstOrThrow();
    await deps.db.updateTable('charges').set({ amount: 4000n }).where('id', '=', usdCharge.id).execute();
    expect(await errorCode(issueInvoice(deps, actor, usd.id))).toBe('invoicing.draft_stale');
    await deps.db.updateTable('charges').set({ amount: usdCharge.amount }).where('id', '=', usdCharge.id).execute();
    expect(await deps.db.selectFrom('invoice_series').selectAll().execute()).toEqual([]);
    expect((await findInvoice(deps.db, usd.id))!.status).toBe('draft');

    // a charge in a pending draft cannot be removed
    const open = await deps.db.selectFrom('charges').select('id').where('customer_id', '=', inv.customerId).where('billing_period', '=', '2026-10').executeTakeFirstOrThrow();
    expect(await errorCode(removeCharge(deps, actor, open.id))).toBe('invoicing.charge_in_draft');
  });

  it('issues the run with gapless numbers, links the charges, and refuses to issue it twice', async () => {
    const run = await startRun(deps, actor, '2026-10');
    const issued = await issueRun(deps, actor, run.runId);
    expect(issued).toMatchObject({ state: 'issued', issued: 4, held: 1 });
    const invoices = (await listInvoices(deps.db, { runId: run.runId, status: 'issued', limit: 100 })).items;
    expect(invoices.map((i) => i.number).sort()).toEqual(['INV-2026-000001', 'INV-2026-000002', 'INV-2026-000003', 'INV-2026-000004']);
    for (const i of invoices) {
      expect(i).toMatchObject({ issueDate: '2026-11-02', dueDate: '2026-11-16', deliveryStatus: 'queued' });
      const linked = await sql<{ s: string }>`SELECT coalesce(sum(amount), 0)::text AS s FROM charges WHERE invoice_id = ${i.id}`.execute(deps.db);
      const lines = await invoiceLines(deps.db, i.id);
      expect(BigInt(linked.rows[0]!.s)).toBe(lines.reduce((s, l) => s + (l.adjustedFrom ?? l.amount), 0n));
    }
    expect(await errorCode(issueRun(deps, actor, run.runId))).toBe('invoicing.run_already_issued');
    expect(await errorCode(issueInvoice(deps, actor, invoices[0]!.id))).toBe('invoicing.already_issued');
    const outbox = await deps.db.selectFrom('outbox').select('idempotency_key').where('effect', '=', 'invoice.deliver').execute();
    expect(outbox).toHaveLength(4);

    // nothing open in October any more: starting it again makes nothing
    const again = await startRun(deps, actor, '2026-10');
    expect(again).toMatchObject({ runId: run.runId, created: false, state: 'issued' });
  });

  it('charges recurring fees in advance, prorated, and credits a stop', async () => {
    const e = await billableCustomer('Epsilon Ltd', { country: 'GB', currency: 'GBP' });
    const fee = await createFee(deps, actor, { customerId: e, name: 'Premier support', unitPrice: '300', quantity: '1', interval: 'month', startDate: '2026-11-21' });
    const run = await startRun(deps, actor, '2026-11');
    const inv = (await listInvoices(deps.db, { runId: run.runId, customerId: e })).items[0]!;
    const lines = await invoiceLines(deps.db, inv.id);
    expect(lines.map((l) => [l.description, l.periodStart, l.periodEnd, l.amount, l.proration])).toEqual([['Premier support', '2026-11-21', '2026-11-30', 10000n, { days: 10, of: 30 }]]);
    await cancelRun(deps, actor, run.runId);
    // the fee's charge stays open and is not charged twice by the next run
    const rerun = await startRun(deps, actor, '2026-11');
    expect(rerun.runId).not.toBe(run.runId);
    const again = (await listInvoices(deps.db, { runId: rerun.runId, customerId: e })).items[0]!;
    expect((await invoiceLines(deps.db, again.id)).map((l) => l.amount)).toEqual([10000n]);
    await issueRun(deps, actor, rerun.runId);

    await stopFee(deps, actor, fee.id, '2026-11-25');
    deps.clock.set('2026-12-02T09:00:00Z');
    const dec = await startRun(deps, actor, '2026-12');
    const credit = (await listInvoices(deps.db, { runId: dec.runId, customerId: e })).items[0]!;
    expect(credit).toMatchObject({ net: -5000n, holdCode: 'invoicing.hold.negative_total' });
  });

  it('only one run per period is active at a time, even when started together', async () => {
    const f = await billableCustomer('Zeta BV', { country: 'NL' });
    await charge(f, '1.00', { periodStart: '2026-09-01', periodEnd: '2026-09-30' });
    const [r1, r2] = await Promise.all([startRun(deps, actor, '2026-09'), startRun(deps, actor, '2026-09')]);
    expect(r1.runId).toBe(r2.runId);
    expect([r1.created, r2.created].sort()).toEqual([false, true]);
  });

  it('refuses bad input with a clear error and no change', async () => {
    expect(await errorCode(startRun(deps, actor, '2026-13'))).toBe('invoicing.bad_period');
    expect(await errorCode(startRun(deps, actor, '2027-01'))).toBe('invoicing.future_period');
    const a = await billableCustomer('Eta Oy', { country: 'FI' });
    expect(await errorCode(charge(a, '1.00', { currency: 'XXQ' }))).toBe('invoicing.bad_currency');
    expect(await errorCode(charge(a, '1.00', { periodStart: '2026-10-31', periodEnd: '2026-10-01' }))).toBe('invoicing.bad_service_period');
    expect(await errorCode(charge(a, '1.001'))).toBe('invoicing.bad_amount');
    const n = await deps.db.selectFrom('charges').select((e) => e.fn.countAll<string>().as('n')).where('customer_id', '=', a).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
  });
});
