import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeUser, signIn, testApp, type Session } from '../helpers/http.js';
import { makeAccount } from '../helpers/fixtures.js';
import { billableCustomer, issuedInvoice } from '../helpers/receivables.js';

/** Payments over HTTP: record with allocation, a double click, bad input by field, reverse, refund, the ledger check, who may do what. */
describe('payments API', () => {
  let deps: TestDeps;
  let app: FastifyInstance;
  let billing: Session;
  let viewer: Session;
  let portal: Session;
  let admin: Session;
  let alpha: string;
  let beta: string;
  let inv1: { id: string; number: string };
  let inv2: { id: string; number: string };

  beforeAll(async () => {
    deps = await createTestDeps({ now: '2026-11-03T08:00:00Z' });
    app = await testApp(deps);
    billing = await signIn(app, (await makeUser(deps, 'billing')).email);
    viewer = await signIn(app, (await makeUser(deps, 'viewer')).email);
    admin = await signIn(app, (await makeUser(deps, 'admin')).email);
    const accountId = (await makeAccount(deps)).id;
    alpha = await billableCustomer(deps, { accountId, name: 'Alpha GmbH' });
    beta = await billableCustomer(deps, { accountId, name: 'Beta AG' });
    inv1 = await issuedInvoice(deps, alpha, '300.00');
    inv2 = await issuedInvoice(deps, beta, '99.99');
    portal = await signIn(app, (await makeUser(deps, { customerId: alpha })).email);
  });
  afterAll(async () => {
    await app.close();
    await deps.dispose();
  });

  const get = (url: string, s: Session = billing) => app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
  const post = (url: string, payload: unknown, s: Session = billing, extra: Record<string, string> = {}) => app.inject({ method: 'POST', url, payload: payload as object, headers: { ...s.headers, ...extra } });
  const entries = async () => Number((await sql<{ n: string }>`SELECT count(*)::text AS n FROM ledger_entries`.execute(deps.db)).rows[0]!.n);

  it('records a payment that pays the invoice in part; a double click with the same Idempotency-Key posts once', async () => {
    const body = { customerId: alpha, amount: '100.00', currency: 'EUR', receivedOn: '2026-11-02', method: 'bank_transfer', reference: inv1.number };
    const before = await entries();
    const [a, b] = await Promise.all([post('/api/payments', body, billing, { 'idempotency-key': 'click-1' }), post('/api/payments', body, billing, { 'idempotency-key': 'click-1' })]);
    const codes = [a.statusCode, b.statusCode].sort();
    // the second is either the replay of the first (201) or refused while the first is in flight (409); never a second payment
    expect(codes[0]).toBe(201);
    expect([201, 409]).toContain(codes[1]);
    const again = await post('/api/payments', body, billing, { 'idempotency-key': 'click-1' });
    expect(again.statusCode).toBe(201);
    expect(again.json().payment.id).toBe((a.statusCode === 201 ? a : b).json().payment.id);
    const list = (await get(`/api/payments?customerId=${alpha}`)).json().items;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ amount: '100.00', unapplied: '0.00', status: 'posted' });
    // one payment entry and one allocation entry
    expect(await entries()).toBe(before + 2);
    const detail = (await get(`/api/payments/${list[0].id}`)).json();
    expect(detail.allocations).toMatchObject([{ invoiceId: inv1.id, invoiceNumber: inv1.number, amount: '100.00', releasedOn: null }]);
    // the invoice says what is left to pay, also to the customer in the portal
    expect((await get(`/api/invoices/${inv1.id}`)).json().invoice).toMatchObject({ gross: '300.00', open: '200.00' });
    expect((await get(`/api/invoices/${inv1.id}`, portal)).json().invoice.open).toBe('200.00');
  });

  it('refuses bad input with a 400 that names the field, and leaves nothing behind', async () => {
    const before = await entries();
    const bad = async (body: Record<string, unknown>, code: string, field: string) => {
      const res = await post('/api/payments', { customerId: alpha, amount: '10.00', currency: 'EUR', receivedOn: '2026-11-02', method: 'bank_transfer', ...body });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code, field });
    };
    await bad({ amount: '-10.00' }, 'payments.amount_not_positive', 'amount');
    await bad({ allocate: [{ invoiceId: inv2.id }] }, 'payments.invoice_other_customer', 'allocate.0.invoiceId');
    await bad({ currency: 'CNY' }, 'payments.currency_not_billed', 'currency');
    const v = await post('/api/payments', { customerId: alpha, amount: '10.00', currency: 'EUR', receivedOn: '2026-13-40', method: 'bank_transfer' });
    expect(v.statusCode).toBe(400);
    expect(await entries()).toBe(before);
    // the title is localized
    const de = await app.inject({ method: 'POST', url: '/api/payments', payload: { customerId: alpha, amount: '0', currency: 'EUR', receivedOn: '2026-11-02', method: 'cash' }, headers: { ...billing.headers, 'accept-language': 'de' } });
    expect(de.json().title).toMatch(/größer als null/);
  });

  it('reverses and refunds through the API; viewers and customer users cannot', async () => {
    const paid = (await post('/api/payments', { customerId: alpha, amount: '250.00', currency: 'EUR', receivedOn: '2026-11-03', method: 'direct_debit' })).json();
    expect(paid.payment.unapplied).toBe('50.00');
    expect((await post(`/api/payments/${paid.payment.id}/refund`, { method: 'bank_transfer', reason: 'overpaid' }, viewer)).statusCode).toBe(403);
    expect((await post(`/api/payments/${paid.payment.id}/reverse`, { reason: 'x' }, portal)).statusCode).toBe(403);
    expect((await get('/api/payments', portal)).statusCode).toBe(403);
    const rev = await post(`/api/payments/${paid.payment.id}/reverse`, { reason: 'Returned debit', returnCode: 'AM04' });
    expect(rev.statusCode, rev.body).toBe(200);
    expect(rev.json()).toMatchObject({ payment: { status: 'reversed', flagged: true, unapplied: '0.00' } });
    expect(rev.json().allocations.every((a: { releasedOn: string | null }) => a.releasedOn === '2026-11-03')).toBe(true);
    const twice = await post(`/api/payments/${paid.payment.id}/reverse`, { reason: 'again' });
    expect(twice.statusCode).toBe(409);
    expect((await get('/api/payments?flagged=true')).json().items.map((p: { id: string }) => p.id)).toEqual([paid.payment.id]);
  });

  it('a customer gets a payment reference to quote when paying; another customer cannot take it', async () => {
    const patch = (id: string, body: unknown) => app.inject({ method: 'PATCH', url: `/api/customers/${id}`, payload: body as object, headers: billing.headers });
    const ok = await patch(alpha, { paymentReference: 'alpha-4711' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().paymentReference).toBe('ALPHA-4711');
    const taken = await patch(beta, { paymentReference: 'ALPHA-4711' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'customers.payment_reference_taken', field: 'paymentReference' });
    expect((await patch(beta, { paymentReference: 'x' })).statusCode).toBe(400);
  });

  it('the ledger check is for admins and passes; balances come from the journal', async () => {
    expect((await get('/api/ledger/check', billing)).statusCode).toBe(403);
    const check = await get('/api/ledger/check', admin);
    expect(check.json()).toMatchObject({ ok: true, chain: { ok: true }, unbalanced: [], documents: [], receivables: [] });
    const bal = (await get('/api/ledger/balances')).json().items as { account: string; party: string | null; balance: string }[];
    // alpha owes 300 − 100 (the reversed 250 paid nothing in the end)
    expect(bal.find((b) => b.account === 'receivables' && b.party === alpha)?.balance).toBe('200.00');
    const sum = bal.reduce((s, b) => s + BigInt(b.balance.replace('.', '')), 0n);
    expect(sum).toBe(0n);
  });
});
