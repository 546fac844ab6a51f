import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeUser, signIn, testApp, type Session } from '../helpers/http.js';
import { makeAccount } from '../helpers/fixtures.js';
import { nceCsv as csv, nceRow as row } from '../helpers/recon.js';

/** A multipart/form-data body as a browser would send it. */
function multipart(fields: Record<string, string>, file?: { name: string; content: string }) {
  const boundary = '----partnerdesk' + Math.random().toString(16).slice(2);
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  if (file) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n${file.content}\r\n`);
  return { payload: parts.join('') + `--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('POST /api/provider-billing/imports', () => {
  let deps: TestDeps;
  let app: FastifyInstance;
  let billing: Session;
  let accountId: string;
  beforeAll(async () => {
    deps = await createTestDeps();
    app = await testApp(deps);
    billing = await signIn(app, (await makeUser(deps, 'billing')).email);
    accountId = (await makeAccount(deps, { cloud: 'germany' })).id;
  });
  afterAll(async () => {
    await app.close();
    await deps.dispose();
  });

  const upload = (fields: Record<string, string>, file?: { name: string; content: string }, headers: Record<string, string> = billing.headers) => {
    const m = multipart(fields, file);
    return app.inject({ method: 'POST', url: '/api/provider-billing/imports', payload: m.payload, headers: { ...headers, 'content-type': m.contentType } });
  };

  it('imports an uploaded file, then recognises it, then lists and shows it', async () => {
    const file = { name: 'oct.csv', content: csv([row(1), row(2)]) };
    const first = await upload({ providerAccountId: accountId }, file);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ rows: 2, imported: 2, totals: [{ currency: 'EUR', subtotal: '20.00', tax: '3.80', total: '23.80' }] });
    const again = await upload({ providerAccountId: accountId }, file);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ imported: 0, duplicateOf: first.json().importId });
    const list = (await app.inject({ method: 'GET', url: '/api/provider-billing/imports', headers: { cookie: billing.cookie } })).json();
    expect(list.items).toHaveLength(1);
    const one = await app.inject({ method: 'GET', url: `/api/provider-billing/imports/${first.json().importId}`, headers: { cookie: billing.cookie } });
    expect(one.json()).toMatchObject({ fileName: 'oct.csv', rows: 2, format: 'nce_invoice' });
  });

  it('rejects a bad file with a localized problem that lists the rows, storing nothing', async () => {
    const res = await upload({ providerAccountId: accountId }, { name: 'bad.csv', content: csv([row(3), row(4, { Currency: 'XYZ' })]) }, { ...billing.headers, 'accept-language': 'ru' });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body.code).toBe('recon.rejected');
    expect(body.summary.errors[0]).toMatchObject({ line: 3, column: 'Currency', value: 'XYZ', code: 'recon.unknown_currency' });
    expect(body.summary.errors[0].message).toMatch(/Строка 3/);
    expect((await app.inject({ method: 'GET', url: '/api/provider-billing/imports', headers: { cookie: billing.cookie } })).json().items).toHaveLength(1);
  });

  it('asks for a file, a known format and a role that may import', async () => {
    expect((await upload({ providerAccountId: accountId })).json()).toMatchObject({ code: 'recon.no_file', field: 'file' });
    expect((await upload({ providerAccountId: accountId, format: 'excel' }, { name: 'x.csv', content: 'a' })).json()).toMatchObject({ field: 'format' });
    const viewer = await signIn(app, (await makeUser(deps, 'viewer')).email);
    expect((await upload({}, { name: 'x.csv', content: 'a' }, viewer.headers)).statusCode).toBe(403);
    const json = await app.inject({ method: 'POST', url: '/api/provider-billing/imports', headers: billing.headers, payload: { file: 'x' } });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toMatchObject({ code: 'recon.invoice_reference', field: '/providerInvoiceId' });
    const unknown = await app.inject({ method: 'POST', url: '/api/provider-billing/imports', headers: billing.headers, payload: { providerInvoiceId: 'pin_nope' } });
    expect(unknown.statusCode).toBe(404);
    const text = await app.inject({ method: 'POST', url: '/api/provider-billing/imports', headers: { ...billing.headers, 'content-type': 'text/plain' }, payload: 'x' });
    expect(text.statusCode).toBe(415);
  });

  describe('in the background (202, then poll)', () => {
    const poll = async (id: string, headers: Record<string, string> = {}) => {
      for (let i = 0; i < 400; i++) {
        const res = await app.inject({ method: 'GET', url: `/api/provider-billing/imports/${id}`, headers: { cookie: billing.cookie, ...headers } });
        expect(res.statusCode).toBe(200);
        if (res.json().state !== 'running') return res.json();
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('the run did not finish');
    };
    const uploadAsync = (fields: Record<string, string>, file: { name: string; content: string }, headers: Record<string, string> = billing.headers) => {
      const m = multipart(fields, file);
      return app.inject({ method: 'POST', url: '/api/provider-billing/imports?wait=false', payload: m.payload, headers: { ...headers, 'content-type': m.contentType } });
    };

    it('answers 202 with a run, reports progress, then the summary and the import', async () => {
      const res = await uploadAsync({ providerAccountId: accountId }, { name: 'nov.csv', content: csv(Array.from({ length: 30 }, (_, i) => row(100 + i))) });
      expect(res.statusCode).toBe(202);
      const run = res.json();
      expect(run).toMatchObject({ state: 'running', fileName: 'nov.csv', providerAccountId: accountId, importId: null });
      expect(run.id).toMatch(/^rir_/);
      expect(res.headers.location).toBe(`/api/provider-billing/imports/${run.id}`);
      const done = await poll(run.id);
      expect(done).toMatchObject({ id: run.id, state: 'done', rows: 30, format: 'nce_invoice', summary: { rows: 30, imported: 30, rejected: 0, totals: [{ currency: 'EUR', subtotal: '300.00' }] } });
      expect(done.bytes).toBe(done.totalBytes);
      expect(done.importId).toMatch(/^rim_/);
      expect(done.importId).toBe(done.summary.importId);
      // the import itself, by its own id
      const imp = (await app.inject({ method: 'GET', url: `/api/provider-billing/imports/${done.importId}`, headers: { cookie: billing.cookie } })).json();
      expect(imp).toMatchObject({ id: done.importId, state: 'done', rows: 30, source: 'csv' });
    });

    it('keeps the rejection (localized when read) and stores nothing else', async () => {
      const listed = async () => (await app.inject({ method: 'GET', url: '/api/provider-billing/imports', headers: { cookie: billing.cookie } })).json().items.length;
      const before = await listed();
      const res = await uploadAsync({ providerAccountId: accountId }, { name: 'bad.csv', content: csv([row(200), row(201, { ChargeStartDate: 'gestern' })]) });
      expect(res.statusCode).toBe(202);
      const rejected = await poll(res.json().id, { 'accept-language': 'de' });
      expect(rejected).toMatchObject({ state: 'rejected', importId: null, summary: { rejected: 1, importId: null } });
      expect(rejected.summary.errors[0]).toMatchObject({ line: 3, column: 'ChargeStartDate', value: 'gestern', code: 'recon.bad_date' });
      expect(rejected.summary.errors[0].message).toMatch(/Zeile 3/);
      expect(await listed()).toBe(before);
    });

    it('checks the account before answering 202, and 404s an unknown run', async () => {
      const res = await uploadAsync({ providerAccountId: 'pa_nope' }, { name: 'x.csv', content: csv([row(300)]) });
      expect(res.statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/api/provider-billing/imports/rir_nope', headers: { cookie: billing.cookie } })).statusCode).toBe(404);
    });
  });
});

