import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { cliActor } from '../../src/db/tx.js';
import { createCreditNote } from '../../src/modules/invoicing/credit-notes.js';
import { invoiceLines } from '../../src/modules/invoicing/invoices.repo.js';
import { BUCKETS, type AgingRow } from '../../src/modules/payments/aging.js';
import { agingReport } from '../../src/modules/payments/aging.repo.js';
import { openDispute } from '../../src/modules/payments/disputes.js';
import { customerBalances } from '../../src/modules/payments/ledger.js';
import { recordPayment } from '../../src/modules/payments/payments.js';
import { makeAccount } from '../helpers/fixtures.js';
import { makeUser, signIn, testApp, type Session } from '../helpers/http.js';
import { billableCustomer, issuedInvoice } from '../helpers/receivables.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';

/**
 * The aging report against the journal: for every customer and currency, buckets + disputed is
 * the journal's receivable and the unapplied column its unapplied cash, as of today and as of
 * days in the past (before a later payment, before a dispute was opened).
 */
const actor = cliActor('test');
let deps: TestDeps;
let app: FastifyInstance;
let viewer: Session;
let viewerEmail: string;
const c = {} as Record<'a' | 'b' | 'cash' | 'usd', string>;

beforeAll(async () => {
  deps = await createTestDeps({ now: '2026-06-01T09:00:00Z' });
  app = await testApp(deps);
  viewerEmail = (await makeUser(deps, 'viewer')).email;
  const accountId = (await makeAccount(deps)).id;
  c.a = await billableCustomer(deps, { accountId, name: 'Anna AG' });
  c.b = await billableCustomer(deps, { accountId, name: 'Berta GmbH' });
  c.cash = await billableCustomer(deps, { accountId, name: 'Cäsar KG' });
  c.usd = await billableCustomer(deps, { accountId, name: 'Delta Inc', currency: 'USD' });

  // 2026-06-01: invoices due 2026-07-01
  await issuedInvoice(deps, c.a, '100.00');
  const b1 = await issuedInvoice(deps, c.b, '200.00');
  await issuedInvoice(deps, c.usd, '80.00', 'USD');
  const [line] = await invoiceLines(deps.db, b1.id);
  await createCreditNote(deps, actor, b1.id, { reason: 'SLA credit', lines: [{ lineId: line!.id, amount: '50.00' }] });
  await recordPayment(deps, actor, { customerId: c.cash, amount: '25.00', currency: 'EUR', receivedOn: '2026-06-01', method: 'card', allocate: 'none' });

  deps.clock.advance({ days: 40 }); // 2026-07-11
  await issuedInvoice(deps, c.a, '50.00'); // due 2026-08-10
  await recordPayment(deps, actor, { customerId: c.a, amount: '30.00', currency: 'EUR', receivedOn: '2026-07-11', method: 'bank_transfer' });
  await openDispute(deps, actor, b1.id, { amount: '40.00', reason: 'Seats billed twice' });

  deps.clock.advance({ days: 66 }); // 2026-09-15
  // a later payment that overpays: the rest is unapplied cash
  await recordPayment(deps, actor, { customerId: c.a, amount: '150.00', currency: 'EUR', receivedOn: '2026-09-15', method: 'bank_transfer' });
});
afterAll(async () => {
  await app?.close();
  await deps?.dispose();
});

const sum = (r: AgingRow) => BUCKETS.reduce((s, b) => s + r[b], 0n) + r.disputed;

describe('aging report', () => {
  it('equals the journal receivable and unapplied cash for every customer, today and on past days', async () => {
    let compared = 0;
    for (const asOf of ['2026-05-31', '2026-06-01', '2026-06-15', '2026-07-11', '2026-08-01', '2026-09-14', '2026-09-15']) {
      const report = await agingReport(deps.db, { asOf });
      for (const id of Object.values(c)) {
        const journal = await customerBalances(deps.db, id, asOf);
        for (const [currency, j] of journal) {
          const row = report.currencies.find((x) => x.currency === currency)?.customers.find((x) => x.customerId === id);
          const balance = row?.balance ?? 0n;
          expect(balance, `${id} ${currency} ${asOf}`).toBe(j.receivable);
          expect(row ? sum(row) : 0n).toBe(j.receivable);
          expect(row?.unapplied ?? 0n, `${id} unapplied ${asOf}`).toBe(j.unapplied);
          compared++;
        }
      }
      for (const cur of report.currencies) {
        expect(sum(cur.total)).toBe(cur.total.balance);
        expect(cur.customers.reduce((s, x) => s + x.balance, 0n)).toBe(cur.total.balance);
      }
    }
    expect(compared).toBeGreaterThan(15);
  });

  it('ages by days past the due date, keeps disputes apart from the day they were opened, and shows credit-only customers', async () => {
    const before = await agingReport(deps.db, { asOf: '2026-08-01', currency: 'EUR' });
    const a = before.currencies[0]!.customers.find((x) => x.customerId === c.a)!;
    // 100.00 due 2026-07-01 less 30.00 paid: 31 days late; 50.00 due 2026-08-10 is current
    expect(a).toMatchObject({ name: 'Anna AG', current: 5000n, d1_30: 0n, d31_60: 7000n, balance: 12000n, unapplied: 0n });
    const b = before.currencies[0]!.customers.find((x) => x.customerId === c.b)!;
    expect(b).toMatchObject({ d31_60: 11000n, disputed: 4000n, balance: 15000n });
    const cash = before.currencies[0]!.customers.find((x) => x.customerId === c.cash)!;
    expect(cash).toMatchObject({ balance: 0n, unapplied: 2500n });
    expect(before.currencies.map((x) => x.currency)).toEqual(['EUR']);
    expect(before.currencies[0]!.customers.map((x) => x.name)).toEqual(['Anna AG', 'Berta GmbH', 'Cäsar KG']);

    // before the dispute was opened, all of B's invoice ages
    const earlier = await agingReport(deps.db, { asOf: '2026-07-10', customerId: c.b });
    expect(earlier.currencies[0]!.customers[0]).toMatchObject({ d1_30: 15000n, disputed: 0n });

    // after the later payment A owes nothing and has 30.00 credit
    const now = await agingReport(deps.db, { asOf: '2026-09-15', customerId: c.a });
    expect(now.currencies[0]!.customers[0]).toMatchObject({ balance: 0n, unapplied: 3000n });
  });

  it('serves the report as minor-unit strings with the exponent, today by default; refuses a bad day naming the field', async () => {
    viewer = await signIn(app, viewerEmail); // signed in today (the clock moved on since the start)
    const res = await app.inject({ method: 'GET', url: '/api/receivables/aging', headers: { cookie: viewer.cookie } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.asOf).toBe('2026-09-15');
    const eur = body.currencies.find((x: { currency: string }) => x.currency === 'EUR');
    expect(eur.exponent).toBe(2);
    expect(eur.total).toMatchObject({ balance: '15000', disputed: '4000', unapplied: '5500' });
    const usd = body.currencies.find((x: { currency: string }) => x.currency === 'USD');
    expect(usd.customers).toEqual([{ customerId: c.usd, name: 'Delta Inc', current: '0', d1_30: '0', d31_60: '0', d61_90: '8000', d90_plus: '0', disputed: '0', balance: '8000', unapplied: '0' }]);

    const past = await app.inject({ method: 'GET', url: `/api/receivables/aging?asOf=2026-06-15&currency=USD`, headers: { cookie: viewer.cookie } });
    expect(past.json().currencies[0].total).toMatchObject({ current: '8000', balance: '8000' });

    for (const bad of ['2026-02-30', '15.06.2026', 'today']) {
      const r = await app.inject({ method: 'GET', url: `/api/receivables/aging?asOf=${bad}`, headers: { cookie: viewer.cookie } });
      expect(r.statusCode, bad).toBe(400);
      expect(r.json()).toMatchObject({ code: 'validation_failed', field: '/querystring/asOf' });
    }
  });
});

describe('customer receivables', () => {
  it('per currency: the journal balances, what is overdue and disputed; open items with days past due; recent payments; a customer user sees only their own', async () => {
    const staffSession = await signIn(app, viewerEmail);
    const res = await app.inject({ method: 'GET', url: `/api/customers/${c.b}/receivables`, headers: { cookie: staffSession.cookie } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    // 200.00 less the 50.00 credit note, due 2026-07-01 (76 days ago), 40.00 of it disputed
    expect(body.balances).toEqual([{ currency: 'EUR', exponent: 2, receivable: '15000', unapplied: '0', overdue: '11000', disputed: '4000' }]);
    expect(body.openItems).toEqual([expect.objectContaining({ kind: 'invoice', open: '15000', disputed: '4000', daysPastDue: 76, bucket: 'd61_90', exponent: 2 })]);
    expect(body.payments).toEqual([]);

    const own = await signIn(app, (await makeUser(deps, { customerId: c.a })).email);
    const mine = await app.inject({ method: 'GET', url: `/api/customers/${c.a}/receivables`, headers: { cookie: own.cookie } });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().balances).toEqual([{ currency: 'EUR', exponent: 2, receivable: '0', unapplied: '3000', overdue: '0', disputed: '0' }]);
    expect(mine.json().payments.map((p: { amount: string; receivedOn: string }) => [p.amount, p.receivedOn])).toEqual([
      ['15000', '2026-09-15'],
      ['3000', '2026-07-11'],
    ]);
    const theirs = await app.inject({ method: 'GET', url: `/api/customers/${c.b}/receivables`, headers: { cookie: own.cookie } });
    expect(theirs.statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/api/customers/cus_nope/receivables`, headers: { cookie: staffSession.cookie } })).statusCode).toBe(404);
    // the aging report is for staff only
    expect((await app.inject({ method: 'GET', url: '/api/receivables/aging', headers: { cookie: own.cookie } })).statusCode).toBe(403);
  });
});
