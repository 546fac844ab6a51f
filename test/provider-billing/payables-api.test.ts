import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeUser, signIn, testApp, type Session } from '../helpers/http.js';
import { makeAccount, makeCustomer, makeSubscription } from '../helpers/fixtures.js';
import { nceCsv, nceRow } from '../helpers/recon.js';
import { cliActor } from '../../src/db/tx.js';
import { importRecon } from '../../src/modules/provider-billing/import-recon.js';

/** Provider invoices as payables: manual entry, tie-out against imported lines, payments, schedule, status over time. */
describe('provider invoices and payables API', () => {
  let deps: TestDeps;
  let app: FastifyInstance;
  let billing: Session;
  let viewer: Session;
  let accountId: string;
  let tenant: string;
  const dir = mkdtempSync(join(tmpdir(), 'pd-payables-'));

  beforeAll(async () => {
    deps = await createTestDeps({ now: '2026-11-10T09:00:00Z' });
    app = await testApp(deps);
    billing = await signIn(app, (await makeUser(deps, 'billing')).email);
    viewer = await signIn(app, (await makeUser(deps, 'viewer')).email);
    accountId = (await makeAccount(deps, { cloud: 'germany' })).id;
    const customerId = await makeCustomer(deps, { accountId, companyName: 'Contoso GmbH' });
    tenant = (await deps.db.selectFrom('customers').select('tenant_id').where('id', '=', customerId).executeTakeFirstOrThrow()).tenant_id;
    // the desk expects 5 seats on s-1 and knows s-2 with 2; s-3 it does not know
    const s1 = await makeSubscription(deps, customerId, { providerId: 's-1' });
    const s2 = await makeSubscription(deps, customerId, { providerId: 's-2' });
    await deps.db.updateTable('subscriptions').set({ quantity: 5 }).where('id', '=', s1).execute();
    await deps.db.updateTable('subscriptions').set({ quantity: 2 }).where('id', '=', s2).execute();
    const file = join(dir, 'g1.csv');
    writeFileSync(
      file,
      nceCsv([
        nceRow(1, { CustomerId: tenant, InvoiceNumber: 'G0001', SubscriptionId: 's-1' }), // 2 seats billed, 5 expected
        nceRow(2, { CustomerId: tenant, InvoiceNumber: 'G0001', SubscriptionId: 's-2' }), // 2 and 2: no difference
        nceRow(3, { CustomerId: tenant, InvoiceNumber: 'G0001', SubscriptionId: 's-3' }), // unknown subscription
        nceRow(4, { CustomerId: 'ffffffff-0000-0000-0000-000000000000', CustomerName: 'Unknown AG', InvoiceNumber: 'G0001', SubscriptionId: 's-4' }),
        // on G0005, s-1 changed seats mid-month: a refund of its 2 and a charge for 7 from 15 Oct
        nceRow(5, { CustomerId: tenant, InvoiceNumber: 'G0005', SubscriptionId: 's-1' }),
        nceRow(6, { CustomerId: tenant, InvoiceNumber: 'G0005', SubscriptionId: 's-1', ChargeType: 'refund', Quantity: '-2', BillableQuantity: '-2', Subtotal: '-5.00', TaxTotal: '-0.95', Total: '-5.95', ChargeStartDate: '2026-10-15' }),
        nceRow(7, { CustomerId: tenant, InvoiceNumber: 'G0005', SubscriptionId: 's-1', ChargeType: 'new', Quantity: '7', BillableQuantity: '7', UnitPrice: '5.00', EffectiveUnitPrice: '5.00', Subtotal: '35.00', TaxTotal: '6.65', Total: '41.65', ChargeStartDate: '2026-10-15' }),
      ]),
    );
    const s = await importRecon(deps, cliActor('test'), { path: file, providerAccountId: accountId });
    expect(s.rejected).toBe(0);
  });
  afterAll(async () => {
    await app.close();
    await deps.dispose();
  });

  const get = (url: string, s: Session = billing) => app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
  const send = (method: 'POST' | 'PUT', url: string, payload: unknown, s: Session = billing) => app.inject({ method, url, payload: payload as object, headers: s.headers });

  let invoiceId: string;

  it('enters a provider invoice by hand with the due date from the account terms (60 days) and the payee by cloud', async () => {
    const res = await send('POST', '/api/provider-billing/invoices', { providerAccountId: accountId, invoiceNumber: 'G0001', invoiceDate: '2026-11-08', currency: 'EUR', total: '47.60' });
    expect(res.statusCode).toBe(201);
    const inv = res.json();
    invoiceId = inv.id;
    expect(inv).toMatchObject({ invoiceNumber: 'G0001', payee: 'microsoft', dueDate: '2027-01-07', total: '47.60', balance: '47.60', status: 'open', daysUntilDue: 58 });
    const dup = await send('POST', '/api/provider-billing/invoices', { providerAccountId: accountId, invoiceNumber: 'G0001', invoiceDate: '2026-11-08', currency: 'EUR', total: '1.00' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'provider_invoices.exists', field: '/invoiceNumber' });
    // the same number typed in lower case is the same invoice
    expect((await send('POST', '/api/provider-billing/invoices', { providerAccountId: accountId, invoiceNumber: ' g0001 ', invoiceDate: '2026-11-08', currency: 'EUR', total: '1.00' })).statusCode).toBe(409);
    expect((await send('POST', '/api/provider-billing/invoices', { providerAccountId: accountId, invoiceNumber: 'G0003', invoiceDate: '0000-01-01', currency: 'EUR', total: '1.00' })).json()).toMatchObject({ field: '/invoiceDate' });
    expect((await send('POST', '/api/provider-billing/invoices', { providerAccountId: accountId, invoiceNumber: 'G0003', invoiceDate: '2026-11-08', currency: 'CLF', total: '999999999999999' })).json()).toMatchObject({ code: 'provider_invoices.bad_amount', field: '/total' });
    expect((await send('POST', '/api/provider-billing/invoices', { providerAccountId: accountId, invoiceNumber: 'G0003', invoiceDate: '2026-11-08', dueDate: '2026-11-01', currency: 'EUR', total: '1.00' })).json()).toMatchObject({ code: 'provider_invoices.due_before_invoice', field: '/dueDate' });
    const bad = await send('POST', '/api/provider-billing/invoices', { providerAccountId: accountId, invoiceNumber: 'G0002', invoiceDate: '2026-11-08', currency: 'JPY', total: '1.5' });
    expect(bad.json()).toMatchObject({ code: 'provider_invoices.bad_amount', field: '/total' });
    expect((await send('POST', '/api/provider-billing/invoices', { providerAccountId: accountId, invoiceNumber: 'G9', invoiceDate: '2026-11-08', currency: 'EUR', total: '1' }, viewer)).statusCode).toBe(403);
  });

  it('ties Σ lines to the invoice total and lists seat differences and unmatched lines', async () => {
    const body = (await get(`/api/provider-billing/invoices/${invoiceId}`)).json();
    expect(body.tieOut).toMatchObject({ currency: 'EUR', invoiceTotal: '47.60', linesTotal: '47.60', lines: 4, difference: '0.00', status: 'tied', differences: [] });
    expect(body.breakdown).toEqual([{ chargeType: 'cycle_charge', currency: 'EUR', lines: 4, total: '47.60' }]);
    const seats = Object.fromEntries(body.seats.map((s: { subscriptionId: string }) => [s.subscriptionId, s]));
    expect(seats['s-1']).toMatchObject({ billed: '2', expected: 5 });
    expect(seats['s-2']).toBeUndefined();
    expect(seats['s-3']).toMatchObject({ billed: '2', expected: null, deskSubscriptionId: null });
    const reasons = body.unmatched.map((u: { subscriptionId: string; reason: string }) => `${u.subscriptionId}:${u.reason}`).sort();
    expect(reasons).toEqual(['s-3:subscription', 's-4:customer']);
  });

  it('counts the seats of the latest charge after a mid-period seat change, with refunds as credits', async () => {
    const inv = (await send('POST', '/api/provider-billing/invoices', { providerAccountId: accountId, invoiceNumber: 'g0005', invoiceDate: '2026-11-08', currency: 'EUR', total: '47.60' })).json();
    expect(inv.invoiceNumber).toBe('G0005');
    const body = (await get(`/api/provider-billing/invoices/${inv.id}`)).json();
    expect(body.tieOut).toMatchObject({ status: 'tied', lines: 3, credits: '-5.95' });
    expect(body.seats).toEqual([expect.objectContaining({ subscriptionId: 's-1', billed: '7', expected: 5, chargeStart: '2026-10-15' })]);
    const paid = await send('POST', `/api/provider-billing/invoices/${inv.id}/payments`, { amount: '47.60', currency: 'EUR', paidOn: '2026-11-10', method: 'direct_debit' });
    expect(paid.json()).toMatchObject({ status: 'paid', balance: '0.00' });
  });

  it('explains a difference: a total one cent off over four lines is rounding; a larger one is an adjustment', async () => {
    await deps.db.updateTable('provider_invoices').set({ total: 4761n }).where('id', '=', invoiceId).execute();
    let t = (await get(`/api/provider-billing/invoices/${invoiceId}`)).json().tieOut;
    expect(t).toMatchObject({ status: 'explained', difference: '0.01', differences: [{ reason: 'rounding', amount: '0.01', lines: 4 }] });
    await deps.db.updateTable('provider_invoices').set({ total: 5000n }).where('id', '=', invoiceId).execute();
    t = (await get(`/api/provider-billing/invoices/${invoiceId}`)).json().tieOut;
    expect(t).toMatchObject({ status: 'unexplained', difference: '2.40', differences: [{ reason: 'adjustment', amount: '2.40' }] });
    await deps.db.updateTable('provider_invoices').set({ total: 4760n }).where('id', '=', invoiceId).execute();
  });

  it('records partial payments, refuses overpayment, schedules, and derives overdue from the clock', async () => {
    const part = await send('POST', `/api/provider-billing/invoices/${invoiceId}/payments`, { amount: '20.00', currency: 'EUR', paidOn: '2026-11-10', method: 'bank_transfer', reference: 'PAY-1' });
    expect(part.statusCode).toBe(201);
    expect(part.json()).toMatchObject({ paid: '20.00', balance: '27.60', status: 'open' });
    const over = await send('POST', `/api/provider-billing/invoices/${invoiceId}/payments`, { amount: '27.61', currency: 'EUR', paidOn: '2026-11-10', method: 'bank_transfer' });
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({ code: 'provider_invoices.overpayment', field: '/amount' });
    expect((await send('POST', `/api/provider-billing/invoices/${invoiceId}/payments`, { amount: '1.00', currency: 'USD', paidOn: '2026-11-10', method: 'card' })).json()).toMatchObject({ code: 'provider_invoices.currency_mismatch' });
    expect((await send('POST', `/api/provider-billing/invoices/${invoiceId}/payments`, { amount: '-1', currency: 'EUR', paidOn: '2026-11-10', method: 'card' })).json()).toMatchObject({ code: 'provider_invoices.amount_not_positive' });
    // the same bank reference twice is the same payment entered twice; future dates and viewers are refused
    expect((await send('POST', `/api/provider-billing/invoices/${invoiceId}/payments`, { amount: '1.00', currency: 'EUR', paidOn: '2026-11-10', method: 'bank_transfer', reference: 'PAY-1' })).json()).toMatchObject({ code: 'provider_invoices.duplicate_payment', field: '/reference' });
    expect((await send('POST', `/api/provider-billing/invoices/${invoiceId}/payments`, { amount: '1.00', currency: 'EUR', paidOn: '2026-11-11', method: 'card' })).json()).toMatchObject({ code: 'provider_invoices.paid_in_future', field: '/paidOn' });
    expect((await send('POST', `/api/provider-billing/invoices/${invoiceId}/payments`, { amount: '1.00', currency: 'EUR', paidOn: '2026-11-10', method: 'card' }, viewer)).statusCode).toBe(403);
    expect((await send('PUT', `/api/provider-billing/invoices/${invoiceId}/schedule`, { date: '2026-11-01' })).json()).toMatchObject({ code: 'provider_invoices.schedule_in_past', field: '/date' });
    expect((await send('PUT', `/api/provider-billing/invoices/${invoiceId}/schedule`, { date: '2027-02-01' })).json()).toMatchObject({ code: 'provider_invoices.schedule_after_due', field: '/date' });
    expect((await send('PUT', `/api/provider-billing/invoices/${invoiceId}/schedule`, { date: '2026-12-20' }, viewer)).statusCode).toBe(403);
    const sched = await send('PUT', `/api/provider-billing/invoices/${invoiceId}/schedule`, { date: '2026-12-20' });
    expect(sched.json()).toMatchObject({ status: 'scheduled', scheduledFor: '2026-12-20' });

    let summary = (await get('/api/provider-billing/payables/summary', viewer)).json();
    expect(summary.currencies).toEqual([{ currency: 'EUR', overdue: '0.00', dueIn7Days: '0.00', dueIn30Days: '0.00', later: '27.60', total: '27.60', invoices: 1 }]);

    deps.clock.set('2027-01-08T08:00:00Z');
    // two months later: the sessions have expired, sign in again
    billing = await signIn(app, (await makeUser(deps, 'billing')).email);
    const overdue = (await get(`/api/provider-billing/invoices?status=overdue`)).json().items;
    expect(overdue).toMatchObject([{ id: invoiceId, status: 'overdue', daysOverdue: 1, balance: '27.60' }]);
    summary = (await get('/api/provider-billing/payables/summary')).json();
    expect(summary.currencies[0]).toMatchObject({ overdue: '27.60', total: '27.60' });

    const rest = await send('POST', `/api/provider-billing/invoices/${invoiceId}/payments`, { amount: '27.60', currency: 'EUR', paidOn: '2027-01-08', method: 'bank_transfer', reference: 'PAY-2' });
    expect(rest.json()).toMatchObject({ status: 'paid', balance: '0.00' });
    expect((await get('/api/provider-billing/payables/summary')).json().currencies).toEqual([]);
    expect((await send('PUT', `/api/provider-billing/invoices/${invoiceId}/schedule`, { date: '2027-02-01' })).json()).toMatchObject({ code: 'provider_invoices.nothing_to_pay' });
    const detail = (await get(`/api/provider-billing/invoices/${invoiceId}`)).json();
    expect(detail.payments.map((p: { amount: string; reference: string }) => `${p.amount}/${p.reference}`)).toEqual(['20.00/PAY-1', '27.60/PAY-2']);
    const audit = await deps.db.selectFrom('audit_log').select('action').where('entity_id', '=', invoiceId).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['provider_invoice.create', 'provider_invoice.payment', 'provider_invoice.payment', 'provider_invoice.schedule']);
  });

  it('lists lines whose invoice the desk does not have yet', async () => {
    const file = join(dir, 'g2.csv');
    writeFileSync(file, nceCsv([nceRow(9, { CustomerId: tenant, InvoiceNumber: 'G0009', SubscriptionId: 's-1' })]));
    await importRecon(deps, cliActor('test'), { path: file, providerAccountId: accountId });
    const body = (await get(`/api/provider-billing/unmatched?providerAccountId=${accountId}`)).json();
    expect(body.invoicesMissing).toEqual([{ providerAccountId: accountId, invoiceNumber: 'G0009', currency: 'EUR', lines: 1, total: '11.90' }]);
    expect(body.groups.length).toBeGreaterThanOrEqual(2);
  });
});
