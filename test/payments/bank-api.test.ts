import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { checkLedger } from '../../src/modules/payments/ledger-check.js';
import { documentOpen, listPayments } from '../../src/modules/payments/receivables.repo.js';
import { makeAccount } from '../helpers/fixtures.js';
import { makeUser, signIn, testApp, type Session } from '../helpers/http.js';
import { billableCustomer, issuedInvoice } from '../helpers/receivables.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { ACCOUNT_IBAN, camt053, OTHER_PAYER_IBAN, PAYER_IBAN } from './bank-files.js';

function multipart(fields: Record<string, string>, file?: { name: string; content: string }) {
  const boundary = '----partnerdesk' + Math.random().toString(16).slice(2);
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  if (file) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/xml\r\n\r\n${file.content}\r\n`);
  return { payload: parts.join('') + `--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('bank statements API', () => {
  let deps: TestDeps;
  let app: FastifyInstance;
  let billing: Session;
  let viewer: Session;
  let customerUser: Session;
  let accountId: string;
  beforeAll(async () => {
    deps = await createTestDeps({ now: '2026-11-02T09:00:00Z' });
    app = await testApp(deps);
    accountId = (await makeAccount(deps)).id;
    billing = await signIn(app, (await makeUser(deps, 'billing')).email);
    viewer = await signIn(app, (await makeUser(deps, 'viewer')).email);
    customerUser = await signIn(app, (await makeUser(deps, { customerId: await billableCustomer(deps, { accountId }) })).email);
  });
  afterAll(async () => {
    await app.close();
    await deps.dispose();
  });

  const upload = (content: string, fields: Record<string, string> = {}, headers: Record<string, string> = billing.headers) => {
    const m = multipart(fields, { name: 'statement.xml', content });
    return app.inject({ method: 'POST', url: '/api/bank/imports', payload: m.payload, headers: { ...headers, 'content-type': m.contentType } });
  };
  const get = (url: string, s: Session = billing) => app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
  const post = (url: string, payload: unknown, s: Session = billing) => app.inject({ method: 'POST', url, payload: payload as object, headers: s.headers });
  const rows = async () => {
    const n = async (t: string) => Number((await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(t)}`.execute(deps.db)).rows[0]!.n);
    return { statements: await n('bank_statements'), entries: await n('bank_entries'), payments: await n('payments'), ledger: await n('ledger_entries') };
  };
  const entryOf = async (ref: string) => {
    const items = (await get('/api/bank/entries?limit=500')).json().items as { id: string; bankReference: string }[];
    return items.find((e) => e.bankReference === ref)! as Record<string, unknown> & { id: string };
  };

  it('refuses invalid files with the reason in the caller’s language and stores nothing', async () => {
    const before = await rows();
    const badIban = ACCOUNT_IBAN.replace(/8$/, '9');
    const r1 = await upload(camt053({ id: 'X-1', iban: badIban, entries: [{ amount: '5.00', ref: 'X1' }] }), {}, { ...billing.headers, 'accept-language': 'de' });
    expect(r1.statusCode).toBe(400);
    expect(r1.headers['content-type']).toContain('application/problem+json');
    expect(r1.json()).toMatchObject({ code: 'bank.bad_iban', field: expect.stringContaining('IBAN'), errors: [{ code: 'bank.bad_iban', message: expect.stringContaining('ungültig') }] });
    const r2 = await upload(camt053({ id: 'X-2', closingDelta: '-1.00', entries: [{ amount: '5.00', ref: 'X2' }] }));
    expect(r2.statusCode).toBe(400);
    expect(r2.json()).toMatchObject({ code: 'bank.balance_mismatch', title: expect.stringContaining('1004.00') });
    const noFile = multipart({ mapping: 'x' });
    const r3 = await app.inject({ method: 'POST', url: '/api/bank/imports', payload: noFile.payload, headers: { ...billing.headers, 'content-type': noFile.contentType } });
    expect(r3.json()).toMatchObject({ status: 400, code: 'bank.no_file', field: 'file' });
    // a body cut off in the middle is bad input too
    const cut = multipart({}, { name: 'a.xml', content: '<x/>' });
    const r4 = await app.inject({ method: 'POST', url: '/api/bank/imports', payload: cut.payload.slice(0, -20), headers: { ...billing.headers, 'content-type': cut.contentType } });
    expect(r4.statusCode).toBe(400);
    expect(await rows()).toEqual(before);
  });

  it('imports, lists suggestions with names and numbers, and books a confirmed suggestion once however often it is clicked', async () => {
    const x = await billableCustomer(deps, { accountId, name: 'Globex GmbH' });
    const y = await billableCustomer(deps, { accountId, name: 'Globex Inc.' });
    const ix = await issuedInvoice(deps, x, '512.00');
    const iy = await issuedInvoice(deps, y, '512.00');
    const res = await upload(camt053({ id: 'API-1', entries: [{ amount: '512.00', ref: 'A1', payerName: 'GLOBEX', payerIban: PAYER_IBAN }, { amount: '512.00', ref: 'A2', payerName: 'Globex', payerIban: OTHER_PAYER_IBAN }] }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ statements: 1, entries: 2, matched: 0, suggested: 2, errors: [] });

    const list = (await get('/api/bank/entries?status=suggested', viewer)).json().items as { bankReference: string; amount: string; suggestions: unknown[] }[];
    const a1 = list.find((e) => e.bankReference === 'A1')!;
    expect(a1.amount).toBe('512.00');
    expect(a1.suggestions).toEqual(
      expect.arrayContaining([
        { customerId: x, customerName: 'Globex GmbH', invoices: [{ id: ix.id, number: ix.number }], reason: 'payer_name', paymentId: null },
        { customerId: y, customerName: 'Globex Inc.', invoices: [{ id: iy.id, number: iy.number }], reason: 'payer_name', paymentId: null },
      ]),
    );
    const e1 = await entryOf('A1');
    const pick = (e1.suggestions as { customerId: string }[]).findIndex((s) => s.customerId === x);
    const before = await rows();
    const ok = await post(`/api/bank/entries/${e1.id}/confirm`, { suggestion: pick });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'confirmed', customerId: x, customerName: 'Globex GmbH', decidedBy: expect.any(String) });
    const again = await post(`/api/bank/entries/${e1.id}/confirm`, { suggestion: pick });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('bank.already_decided');
    expect((await rows()).payments - before.payments).toBe(1);
    expect(await documentOpen(deps.db, ix.id)).toBe(0n);

    // two people at once: one books, the other is told it is decided
    const e2 = await entryOf('A2');
    const both = await Promise.all([post(`/api/bank/entries/${e2.id}/confirm`, { customerId: y }), post(`/api/bank/entries/${e2.id}/confirm`, { customerId: y })]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect((await rows()).payments - before.payments).toBe(2);
    expect(await documentOpen(deps.db, iy.id)).toBe(0n);
    expect((await checkLedger(deps.db)).ok).toBe(true);

    // the confirmed payer account is learned: the next payment from it is booked by itself
    const iy2 = await issuedInvoice(deps, y, '77.00');
    const next = await upload(camt053({ id: 'API-1b', entries: [{ amount: '77.00', ref: 'A3', payerName: 'Someone Else', payerIban: OTHER_PAYER_IBAN }] }));
    expect(next.json()).toMatchObject({ matched: 1 });
    expect((await entryOf('A3')).reason).toBe('payer_iban_amount');
    expect(await documentOpen(deps.db, iy2.id)).toBe(0n);
  });

  it('re-assigns an entry to another customer and its invoices, refusing invoices of others and unbilled customers', async () => {
    const p = await billableCustomer(deps, { accountId, name: 'Initech' });
    const q = await billableCustomer(deps, { accountId, name: 'Umbrella' });
    const usd = await billableCustomer(deps, { accountId, name: 'Dollar Only', currency: 'USD' });
    const ip = await issuedInvoice(deps, p, '300.00');
    const iq1 = await issuedInvoice(deps, q, '40.00');
    const iq2 = await issuedInvoice(deps, q, '60.00');
    // Initech's number in the text, but Umbrella paid it (a person knows better)
    await upload(camt053({ id: 'API-2', entries: [{ amount: '90.00', ref: 'B1', text: `${ip.number} Umbrella` }] }));
    const e = await entryOf('B1');
    expect(e).toMatchObject({ status: 'matched', customerId: p });
    // a matched entry is decided; a suggested one can be re-assigned
    expect((await post(`/api/bank/entries/${e.id}/confirm`, { customerId: q })).json().code).toBe('bank.already_decided');
    await upload(camt053({ id: 'API-2b', entries: [{ amount: '90.00', ref: 'B2', text: `${ip.number} ${iq1.number}` }] }));
    const s = await entryOf('B2');
    expect(s.status).toBe('suggested');
    const wrong = await post(`/api/bank/entries/${s.id}/confirm`, { customerId: q, invoiceIds: [iq2.id, ip.id] });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'payments.invoice_other_customer', field: 'invoiceIds.1' });
    const unbilled = await post(`/api/bank/entries/${s.id}/confirm`, { customerId: usd });
    expect(unbilled.json()).toMatchObject({ code: 'bank.customer_not_billed', field: 'customerId' });
    const ok = await post(`/api/bank/entries/${s.id}/confirm`, { customerId: q, invoiceIds: [iq2.id, iq1.id] });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'confirmed', customerId: q });
    // paid in the order named: 60 to the second invoice, 30 of the first
    expect(await documentOpen(deps.db, iq2.id)).toBe(0n);
    expect(await documentOpen(deps.db, iq1.id)).toBe(1000n);
    expect(await documentOpen(deps.db, ip.id)).toBe(21000n);
    const [pay] = await listPayments(deps.db, { id: ok.json().paymentId });
    expect(pay).toMatchObject({ customerId: q, amount: 9000n, unapplied: 0n, source: 'bank' });
  });

  it('sets an entry aside with a reason, after which it is decided', async () => {
    await upload(camt053({ id: 'API-3', entries: [{ amount: '1.23', ref: 'C1', text: 'unknown' }] }));
    const e = await entryOf('C1');
    expect(e.status).toBe('unmatched');
    expect((await post(`/api/bank/entries/${e.id}/ignore`, {})).statusCode).toBe(400);
    const r = await post(`/api/bank/entries/${e.id}/ignore`, { reason: 'interest' });
    expect(r.json()).toMatchObject({ status: 'ignored', reason: 'interest' });
    expect((await post(`/api/bank/entries/${e.id}/confirm`, { suggestion: 0 })).statusCode).toBe(409);
    const statements = (await get('/api/bank/statements')).json().items as { statementRef: string; counts: Record<string, number>; openingBalance: string }[];
    expect(statements.find((x) => x.statementRef === 'API-3')).toMatchObject({ counts: { ignored: 1 }, openingBalance: '1000.00' });
  });

  it('keeps CSV mappings, validated, and uses them on import', async () => {
    const mapping = { delimiter: ';', decimalSeparator: ',', dateFormat: 'DD.MM.YYYY', columns: { bookingDate: 'Datum', amount: 'Betrag', remittance: ['Text1', 'Text2'], payerName: 'Name' }, currency: 'EUR', accountIban: ACCOUNT_IBAN };
    const put = await app.inject({ method: 'PUT', url: '/api/bank/mappings/volksbank', payload: mapping, headers: billing.headers });
    expect(put.statusCode).toBe(201);
    expect((await app.inject({ method: 'PUT', url: '/api/bank/mappings/volksbank', payload: mapping, headers: billing.headers })).statusCode).toBe(200);
    const bad = await app.inject({ method: 'PUT', url: '/api/bank/mappings/broken', payload: { ...mapping, columns: { bookingDate: 'Datum', remittance: 'Text1' } }, headers: billing.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('bank.csv_bad_mapping');
    expect((await get('/api/bank/mappings', viewer)).json().items.map((m: { name: string }) => m.name)).toEqual(['volksbank']);
    expect((await get('/api/bank/mappings/volksbank')).json().mapping).toMatchObject({ dateFormat: 'DD.MM.YYYY' });

    const c = await billableCustomer(deps, { accountId, name: 'Hooli' });
    const inv = await issuedInvoice(deps, c, '19.99');
    const csv = `Datum;Name;Text1;Text2;Betrag\n02.11.2026;Hooli;Zahlung;${inv.number};19,99\n`;
    const m = multipart({ mapping: 'volksbank' }, { name: 'x.csv', content: csv });
    const r = await app.inject({ method: 'POST', url: '/api/bank/imports', payload: m.payload, headers: { ...billing.headers, 'content-type': m.contentType } });
    expect(r.json()).toMatchObject({ matched: 1 });
    expect(await documentOpen(deps.db, inv.id)).toBe(0n);
    expect((await app.inject({ method: 'DELETE', url: '/api/bank/mappings/volksbank', headers: billing.headers })).statusCode).toBe(204);
    expect((await get('/api/bank/mappings/volksbank')).statusCode).toBe(404);
  });

  it('lets staff read, billing write, and keeps customer users out', async () => {
    expect((await get('/api/bank/entries', viewer)).statusCode).toBe(200);
    expect((await upload(camt053({ id: 'V-1', entries: [{ amount: '1.00', ref: 'V1' }] }), {}, viewer.headers)).statusCode).toBe(403);
    for (const url of ['/api/bank/entries', '/api/bank/statements', '/api/bank/mappings']) expect((await get(url, customerUser)).statusCode, url).toBe(403);
    expect((await upload(camt053({ id: 'V-2', entries: [{ amount: '1.00', ref: 'V2' }] }), {}, customerUser.headers)).statusCode).toBe(403);
  });
});
