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
    expect(json.statusCode).toBe(415);
  });
});
