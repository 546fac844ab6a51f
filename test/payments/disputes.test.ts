import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { cliActor } from '../../src/db/tx.js';
import { createCreditNote } from '../../src/modules/invoicing/credit-notes.js';
import { agingReport } from '../../src/modules/payments/aging.repo.js';
import { closeDispute, listDisputes, openDispute } from '../../src/modules/payments/disputes.js';
import { recordPayment } from '../../src/modules/payments/payments.js';
import { openItems } from '../../src/modules/payments/receivables.repo.js';
import { errorCode } from '../helpers/errors.js';
import { makeAccount } from '../helpers/fixtures.js';
import { makeUser, signIn, testApp, type Session } from '../helpers/http.js';
import { billableCustomer, issuedInvoice } from '../helpers/receivables.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';

const actor = cliActor('test');
let deps: TestDeps;
let app: FastifyInstance;
let billing: Session;
let viewer: Session;
let accountId: string;

beforeAll(async () => {
  deps = await createTestDeps({ now: '2026-11-02T09:00:00Z' });
  app = await testApp(deps);
  billing = await signIn(app, (await makeUser(deps, 'billing')).email);
  viewer = await signIn(app, (await makeUser(deps, 'viewer')).email);
  accountId = (await makeAccount(deps)).id;
});
afterAll(async () => {
  await app?.close();
  await deps?.dispose();
});

const events = async (type: string) =>
  (await deps.db.selectFrom('outbox').select('payload').where('effect', '=', 'domain.event').execute()).map((r) => r.payload as { type: string; data: Record<string, unknown> }).filter((e) => e.type === type);

describe('disputes', () => {
  it('disputes all that is open by default, never more, and each dispute is audited and emits an event', async () => {
    const c = await billableCustomer(deps, { accountId });
    const inv = await issuedInvoice(deps, c, '100.00');
    await recordPayment(deps, actor, { customerId: c, amount: '30.00', currency: 'EUR', receivedOn: '2026-11-02', method: 'bank_transfer' });
    expect(await errorCode(openDispute(deps, actor, inv.id, { amount: '70.01', reason: 'Too much' }))).toBe('payments.dispute_exceeds_open');
    const part = await openDispute(deps, actor, inv.id, { amount: '20.00', reason: 'Two seats never used', ticketId: 'T-17' });
    expect(part).toMatchObject({ invoiceId: inv.id, invoiceNumber: inv.number, customerId: c, amount: 2000n, status: 'open', openedOn: '2026-11-02', ticketId: 'T-17' });
    // another dispute of the same invoice: only what is not yet disputed
    expect(await errorCode(openDispute(deps, actor, inv.id, { amount: '50.01', reason: 'More' }))).toBe('payments.dispute_exceeds_open');
    const rest = await openDispute(deps, actor, inv.id, { reason: 'Whole invoice contested' });
    expect(rest.amount).toBe(5000n);
    expect(await errorCode(openDispute(deps, actor, inv.id, { reason: 'Again' }))).toBe('payments.dispute_nothing_open');
    const [item] = await openItems(deps.db, { customerId: c });
    expect(item).toMatchObject({ open: 7000n, disputed: 7000n });

    const opened = (await events('dispute.opened')).filter((e) => e.data.invoiceId === inv.id);
    expect(opened.map((e) => e.data.amount)).toEqual(['2000', '5000']);
    const audit = await deps.db.selectFrom('audit_log').select(['action', 'entity_id']).where('entity_id', '=', part.id).execute();
    expect(audit).toEqual([{ action: 'dispute.open', entity_id: part.id }]);

    deps.clock.advance({ days: 3 });
    const closed = await closeDispute(deps, actor, rest.id, { outcome: 'withdrawn', resolution: 'Customer found the seats' });
    expect(closed).toMatchObject({ status: 'withdrawn', closedOn: '2026-11-05', resolution: 'Customer found the seats' });
    expect(await errorCode(closeDispute(deps, actor, rest.id, { outcome: 'won', resolution: 'x' }))).toBe('payments.dispute_closed');
    expect((await events('dispute.closed')).find((e) => e.data.disputeId === rest.id)?.data).toMatchObject({ outcome: 'withdrawn', amount: '5000' });
    // the aging shows it disputed while it was open, not after
    const during = await agingReport(deps.db, { asOf: '2026-11-04', customerId: c });
    const after = await agingReport(deps.db, { asOf: '2026-11-05', customerId: c });
    expect(during.currencies[0]!.total.disputed).toBe(7000n);
    expect(after.currencies[0]!.total.disputed).toBe(2000n);
    expect(await listDisputes(deps.db, { customerId: c, status: 'open' })).toEqual([expect.objectContaining({ id: part.id })]);
  });

  it('refuses credit notes, drafts and unknown invoices', async () => {
    const c = await billableCustomer(deps, { accountId });
    const inv = await issuedInvoice(deps, c, '10.00');
    const cn = await createCreditNote(deps, actor, inv.id, { reason: 'Goodwill' });
    expect(await errorCode(openDispute(deps, actor, cn.id, { reason: 'x' }))).toBe('payments.dispute_not_invoice');
    expect(await errorCode(openDispute(deps, actor, 'inv_nope', { reason: 'x' }))).toBe('not_found');
    // the credit note paid the invoice: nothing left to dispute
    expect(await errorCode(openDispute(deps, actor, inv.id, { reason: 'x' }))).toBe('payments.dispute_nothing_open');
    const now = deps.clock.now();
    await deps.db
      .insertInto('invoices')
      .values({ id: 'inv_draft_dispute', kind: 'invoice', run_id: null, customer_id: c, currency: 'EUR', status: 'draft', net: 500n, tax: 0n, gross: 500n, tax_mode: 'standard', tax_rate: '0', locale: 'en', created_by: 'test', created_at: now, updated_at: now })
      .execute();
    expect(await errorCode(openDispute(deps, actor, 'inv_draft_dispute', { reason: 'x' }))).toBe('payments.dispute_not_issued');
  });

  it('over HTTP: billing staff open and close, others read; bad input is a 400 naming the field', async () => {
    const c = await billableCustomer(deps, { accountId, name: 'Streit GmbH' });
    const inv = await issuedInvoice(deps, c, '45.50');
    billing = await signIn(app, (await makeUser(deps, 'billing')).email);
    viewer = await signIn(app, (await makeUser(deps, 'viewer')).email);
    const tooMuch = await app.inject({ method: 'POST', url: `/api/invoices/${inv.id}/disputes`, headers: billing.headers, payload: { amount: '45.51', reason: 'x' } });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json()).toMatchObject({ code: 'payments.dispute_exceeds_open', field: 'amount' });
    expect(tooMuch.json().title).toContain(inv.number);
    const noReason = await app.inject({ method: 'POST', url: `/api/invoices/${inv.id}/disputes`, headers: billing.headers, payload: { reason: '' } });
    expect(noReason.json()).toMatchObject({ code: 'validation_failed', field: '/reason' });
    expect((await app.inject({ method: 'POST', url: `/api/invoices/${inv.id}/disputes`, headers: viewer.headers, payload: { reason: 'x' } })).statusCode).toBe(403);

    const res = await app.inject({ method: 'POST', url: `/api/invoices/${inv.id}/disputes`, headers: billing.headers, payload: { reason: 'Wrong price' } });
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d).toMatchObject({ invoiceNumber: inv.number, customerName: 'Streit GmbH', amount: '4550', exponent: 2, currency: 'EUR', status: 'open' });
    const list = await app.inject({ method: 'GET', url: `/api/disputes?status=open&customerId=${c}`, headers: { cookie: viewer.cookie } });
    expect(list.json().items.map((x: { id: string }) => x.id)).toEqual([d.id]);
    const close = await app.inject({ method: 'POST', url: `/api/disputes/${d.id}/close`, headers: billing.headers, payload: { outcome: 'lost', resolution: 'Price was right' } });
    expect(close.statusCode, close.body).toBe(200);
    expect(close.json()).toMatchObject({ status: 'lost', resolution: 'Price was right' });
    const bad = await app.inject({ method: 'POST', url: `/api/disputes/${d.id}/close`, headers: billing.headers, payload: { outcome: 'maybe', resolution: 'x' } });
    expect(bad.json()).toMatchObject({ code: 'validation_failed', field: '/outcome' });
    expect((await app.inject({ method: 'GET', url: `/api/disputes?status=open&customerId=${c}`, headers: { cookie: viewer.cookie } })).json().items).toEqual([]);
  });
});
