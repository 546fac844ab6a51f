import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeUser, signIn, testApp, type Session } from '../helpers/http.js';
import { makeAccount, makeCustomer } from '../helpers/fixtures.js';

/** Invoicing over HTTP: a run from charges to issued invoices, review, PDF, credit, and who sees what. */
describe('invoicing API', () => {
  let deps: TestDeps;
  let app: FastifyInstance;
  let billing: Session;
  let viewer: Session;
  let portal: Session;
  let alpha: string;
  let beta: string;

  beforeAll(async () => {
    deps = await createTestDeps({ now: '2026-11-03T08:00:00Z' });
    app = await testApp(deps);
    billing = await signIn(app, (await makeUser(deps, 'billing')).email);
    viewer = await signIn(app, (await makeUser(deps, 'viewer')).email);
    const accountId = (await makeAccount(deps)).id;
    alpha = await makeCustomer(deps, { accountId, companyName: 'Альфа ООО' });
    beta = await makeCustomer(deps, { accountId, companyName: 'Beta GmbH' });
    const address = JSON.stringify({ lines: ['ул. Тверская, 1'], postalCode: '125009', city: 'Москва', country: 'RU' });
    await deps.db.updateTable('customers').set({ country: 'RU', billing_currency: 'RUB', locale: 'ru', billing_email: 'buh@alfa.example', billing_address: address }).where('id', '=', alpha).execute();
    await deps.db.updateTable('customers').set({ country: 'DE', billing_currency: 'EUR', locale: 'de', billing_email: null }).where('id', '=', beta).execute();
    portal = await signIn(app, (await makeUser(deps, { customerId: alpha })).email);
  });
  afterAll(async () => {
    await app.close();
    await deps.dispose();
  });

  const get = (url: string, s: Session = billing) => app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
  const send = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown, s: Session = billing) =>
    app.inject({ method, url, ...(payload !== undefined && { payload: payload as object }), headers: s.headers });

  let runId: string;
  let invoiceId: string;

  it('adds charges and a fee, starts the run (201), and starting it again returns it (200)', async () => {
    const c1 = await send('POST', '/api/charges', { customerId: alpha, description: 'Поддержка 365', amount: '12500.00', currency: 'RUB', periodStart: '2026-10-01', periodEnd: '2026-10-31' });
    expect(c1.statusCode, c1.body).toBe(201);
    expect((await send('POST', '/api/charges', { customerId: beta, description: 'Setup', amount: '99.00', currency: 'EUR', periodStart: '2026-10-01', periodEnd: '2026-10-31' })).statusCode).toBe(201);
    const fee = await send('POST', '/api/recurring-fees', { customerId: alpha, name: 'План поддержки «Стандарт»', unitPrice: '5000', interval: 'month', startDate: '2026-10-16' });
    expect(fee.statusCode, fee.body).toBe(201);
    expect((await get(`/api/charges/open-totals?customerId=${alpha}`)).json().items).toEqual([{ customerId: alpha, customerName: 'Альфа ООО', currency: 'RUB', charges: 1, amount: '12500.00' }]);

    const res = await send('POST', '/api/invoice-runs', { period: '2026-10' });
    expect(res.statusCode, res.body).toBe(201);
    const run = res.json();
    runId = run.runId;
    // Russia's VAT is 22 % from 2026: (12,500.00 + 5,000 × 16/31) × 22 %
    expect(run).toMatchObject({ period: '2026-10', state: 'draft', customers: 2, invoices: 1, held: 1, totals: [{ currency: 'RUB', net: '15080.65', tax: '3317.74', gross: '18398.39' }] });
    const again = await send('POST', '/api/invoice-runs', { period: '2026-10' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ runId, created: false });
  });

  it('lists drafts with hold reasons; viewers read but do not change; bad input names the field', async () => {
    const drafts = (await get(`/api/invoices?runId=${runId}`, viewer)).json();
    expect(drafts.total).toBe(2);
    const held = drafts.items.find((i: { customerId: string }) => i.customerId === beta);
    expect(held).toMatchObject({ status: 'draft', holdCode: 'invoicing.hold.no_billing_contact', gross: '117.81' });
    invoiceId = drafts.items.find((i: { customerId: string }) => i.customerId === alpha).id;
    expect((await send('POST', `/api/invoices/${invoiceId}/hold`, { reason: 'check' }, viewer)).statusCode).toBe(403);
    const bad = await send('POST', '/api/invoice-runs', { period: '2026-13' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('/period');
    const badCharge = await send('POST', '/api/charges', { customerId: alpha, description: 'x', amount: '1,5', currency: 'RUB', periodStart: '2026-10-01', periodEnd: '2026-10-31' });
    expect(badCharge.statusCode).toBe(400);
    const unknown = await send('POST', '/api/charges', { customerId: 'cus_nope', description: 'x', amount: '1.50', currency: 'RUB', periodStart: '2026-10-01', periodEnd: '2026-10-31' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().field).toBe('customerId');
  });

  it('previews a draft as a PDF marked as draft, issues the run, and serves the issued PDF', async () => {
    const draftPdf = await get(`/api/invoices/${invoiceId}/pdf`);
    expect(draftPdf.statusCode).toBe(200);
    expect(draftPdf.headers['content-type']).toBe('application/pdf');
    expect(pdfText(draftPdf.rawPayload)).toContain('ЧЕРНОВИК');

    const issued = await send('POST', `/api/invoice-runs/${runId}/issue`);
    expect(issued.statusCode, issued.body).toBe(200);
    expect(issued.json()).toMatchObject({ state: 'issued', issued: 1, held: 1 });
    expect((await send('POST', `/api/invoice-runs/${runId}/issue`)).json()).toMatchObject({ code: 'invoicing.run_already_issued', status: 409 });

    const one = (await get(`/api/invoices/${invoiceId}`)).json();
    expect(one.invoice).toMatchObject({ number: 'INV-2026-000001', issueDate: '2026-11-03', dueDate: '2026-12-03', deliveryStatus: 'queued' });
    expect(one.lines.map((l: { description: string; amount: string; proration: unknown }) => [l.description, l.amount, l.proration])).toEqual([
      ['План поддержки «Стандарт»', '2580.65', { days: 16, of: 31 }],
      ['Поддержка 365', '12500.00', null],
    ]);
    const pdf = await get(`/api/invoices/${invoiceId}/pdf`);
    expect(pdf.headers['content-disposition']).toContain('INV-2026-000001.pdf');
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('INV-2026-000001');
    expect(text).toMatch(/18\s398,39\s₽/);
  });

  it('a customer user sees their own issued invoices and PDFs, never drafts or other customers', async () => {
    const mine = (await get('/api/invoices', portal)).json();
    expect(mine.items.map((i: { id: string }) => i.id)).toEqual([invoiceId]);
    expect((await get(`/api/invoices/${invoiceId}/pdf`, portal)).statusCode).toBe(200);
    const betaDraft = (await get(`/api/invoices?customerId=${beta}`)).json().items[0].id;
    expect((await get(`/api/invoices/${betaDraft}`, portal)).statusCode).toBe(404);
    expect((await get(`/api/invoices/${betaDraft}/pdf`, portal)).statusCode).toBe(404);
    // asking for another customer's invoices still lists only one's own
    expect((await get(`/api/invoices?customerId=${beta}`, portal)).json().items.map((i: { customerId: string }) => i.customerId)).toEqual([alpha]);
    expect((await get('/api/invoice-runs', portal)).statusCode).toBe(403);
    expect((await send('POST', `/api/invoices/${invoiceId}/void`, { reason: 'x' }, portal)).statusCode).toBe(403);
  });

  it('credits part of a line and voids the rest; the credit note shows under the invoice', async () => {
    const lines = (await get(`/api/invoices/${invoiceId}`)).json().lines;
    const cn = await send('POST', `/api/invoices/${invoiceId}/credit-notes`, { reason: 'Сбой сервиса', lines: [{ lineId: lines[1].id, amount: '500.00' }] });
    expect(cn.statusCode, cn.body).toBe(201);
    expect(cn.json().number).toBe('CN-2026-000001');
    const tooMuch = await send('POST', `/api/invoices/${invoiceId}/credit-notes`, { reason: 'x', lines: [{ lineId: lines[1].id, amount: '12000.01' }] });
    expect(tooMuch.json()).toMatchObject({ status: 400, code: 'invoicing.credit_too_much', field: 'lines.0.amount' });
    const v = await send('POST', `/api/invoices/${invoiceId}/void`, { reason: 'Неверный клиент' });
    expect(v.statusCode).toBe(201);
    const after = (await get(`/api/invoices/${invoiceId}`)).json();
    expect(after.invoice.status).toBe('void');
    expect(after.creditNotes.map((n: { number: string; gross: string }) => n.number)).toEqual(['CN-2026-000002', 'CN-2026-000001']);
    const credited = after.creditNotes.reduce((s: bigint, n: { gross: string }) => s + BigInt(n.gross.replace('.', '')), 0n);
    expect(credited).toBe(1839839n);
  });

  it('the partner profile is the admin’s to change', async () => {
    expect((await get('/api/partner-profile')).json()).toMatchObject({ invoicePrefix: 'INV' });
    const profile = { ...(await get('/api/partner-profile')).json(), name: 'Nordlicht Cloud GmbH' };
    expect((await send('PUT', '/api/partner-profile', profile)).statusCode).toBe(403);
  });
});

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'pd-api-'));
  writeFileSync(join(dir, 'a.pdf'), pdf);
  return execFileSync('pdftotext', ['-layout', join(dir, 'a.pdf'), '-'], { encoding: 'utf8' });
}
