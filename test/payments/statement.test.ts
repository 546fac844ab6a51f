import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliActor } from '../../src/db/tx.js';
import { registerEffects } from '../../src/jobs/definitions.js';
import { dispatchDue } from '../../src/jobs/dispatcher.js';
import { createCreditNote } from '../../src/modules/invoicing/credit-notes.js';
import { invoiceLines } from '../../src/modules/invoicing/invoices.repo.js';
import { setPartnerProfile } from '../../src/modules/invoicing/partner-profile.js';
import { customerBalances } from '../../src/modules/payments/ledger.js';
import { recordPayment, refundPayment, reversePayment } from '../../src/modules/payments/payments.js';
import { buildStatement } from '../../src/modules/payments/statement.js';
import { makeAccount } from '../helpers/fixtures.js';
import { makeUser, signIn, testApp, type Session } from '../helpers/http.js';
import { billableCustomer, issuedInvoice } from '../helpers/receivables.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';

/**
 * Customer statements: the lines explain the journal's closing balance (payments, a credit note,
 * a refund and a returned payment in one month), the PDF reads right in German, Russian (₽) and
 * Chinese (CJK font), and a statement goes out by email over real SMTP with the PDF attached.
 */
const actor = cliActor('test');
let deps: TestDeps;
let app: FastifyInstance;
let smtp: TestSmtp;
const dir = mkdtempSync(join(tmpdir(), 'pd-stmt-'));
let n = 0;
const c = {} as Record<'de' | 'ru' | 'zh' | 'other', string>;
let i1: { id: string; number: string };
let i2: { id: string; number: string };

const pdfText = (pdf: Buffer) => {
  const file = join(dir, `s${n++}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/[\u00a0\u202f]/g, ' ');
};
const pdfFonts = (pdf: Buffer) => {
  const file = join(dir, `f${n++}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdffonts', [file], { encoding: 'utf8' });
};

beforeAll(async () => {
  smtp = await startTestSmtp();
  deps = await createTestDeps({ now: '2026-09-01T09:00:00Z', config: { PARTNERDESK_SMTP_URL: smtp.url, PARTNERDESK_MAIL_FROM: 'Nordlicht Billing <billing@nordlicht.example>' } });
  registerEffects(deps); // statement.send among them
  app = await testApp(deps);
  await setPartnerProfile(deps, actor, {
    name: 'Nordlicht Cloud GmbH',
    addressLines: ['Leopoldstraße 244', '80807 München'],
    country: 'DE',
    taxId: 'DE298765432',
    email: 'billing@nordlicht.example',
    phone: null,
    website: null,
    logoBase64: null,
    bank: { accountHolder: null, bankName: null, iban: null, bic: null },
    policyUrl: null,
    invoicePrefix: 'RE',
    creditNotePrefix: 'GS',
  });
  const accountId = (await makeAccount(deps)).id;
  c.de = await billableCustomer(deps, { accountId, name: 'Kunde Köln GmbH', locale: 'de' });
  c.ru = await billableCustomer(deps, { accountId, name: 'Альфа ООО', locale: 'ru', currency: 'RUB' });
  c.zh = await billableCustomer(deps, { accountId, name: '北京云科技有限公司', locale: 'zh-CN', currency: 'CNY' });
  c.other = await billableCustomer(deps, { accountId });

  const at = async (day: string) => deps.clock.set(new Date(`${day}T09:00:00Z`));
  i1 = await issuedInvoice(deps, c.de, '100.00'); // 2026-09-01, due 2026-10-01
  await at('2026-10-05');
  i2 = await issuedInvoice(deps, c.de, '200.00'); // due 2026-11-04
  const p1 = await recordPayment(deps, actor, { customerId: c.de, amount: '150.00', currency: 'EUR', receivedOn: '2026-10-05', method: 'bank_transfer', reference: 'RE-2026 Zahlung' });
  await at('2026-10-10');
  const [line] = await invoiceLines(deps.db, i2.id);
  await createCreditNote(deps, actor, i2.id, { reason: 'Ausfall', lines: [{ lineId: line!.id, amount: '20.00' }] });
  await at('2026-10-15');
  const p2 = await recordPayment(deps, actor, { customerId: c.de, amount: '300.00', currency: 'EUR', receivedOn: '2026-10-15', method: 'direct_debit' });
  await at('2026-10-20');
  await refundPayment(deps, actor, p2.id, { amount: '70.00', method: 'bank_transfer', reason: 'Overpaid' });
  await at('2026-10-25');
  await reversePayment(deps, actor, p1.id, { reason: 'Returned', returnCode: 'AC04' });

  await issuedInvoice(deps, c.ru, '12500.00', 'RUB');
  await recordPayment(deps, actor, { customerId: c.ru, amount: '2500.00', currency: 'RUB', receivedOn: '2026-10-25', method: 'bank_transfer' });
  await issuedInvoice(deps, c.zh, '8800.00', 'CNY');
  await at('2026-11-02');
  // the scenario's own effects (invoice emails, domain events) go out first
  expect(await dispatchDue(deps)).toMatchObject({ failed: 0, dead: 0 });
  await smtp.waitFor(5); // two invoices and a credit note for the German customer, one invoice each for the others
  smtp.reset();
});
afterAll(async () => {
  await app?.close();
  await deps?.mailer?.close();
  await smtp?.close();
  await deps?.dispose();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => smtp.reset());

describe('statement data', () => {
  it('opens with the receivable of the day before, explains every movement with a running balance, and closes on the journal', async () => {
    const s = await buildStatement(deps.db, c.de, { from: '2026-10-01', to: '2026-10-31' });
    expect(s.customer).toMatchObject({ name: 'Kunde Köln GmbH', locale: 'de' });
    expect(s.currencies).toHaveLength(1);
    const eur = s.currencies[0]!;
    expect(eur.opening).toEqual({ receivable: 10000n, unapplied: 0n });
    expect(eur.lines.map((l) => [l.date, l.type, l.number, l.amount, l.receivable, l.unapplied, l.balance])).toEqual([
      ['2026-10-05', 'invoice', i2.number, 20000n, 20000n, 0n, 30000n],
      ['2026-10-05', 'payment', 'RE-2026 Zahlung', 15000n, -15000n, 0n, 15000n],
      ['2026-10-10', 'credit_note', expect.stringMatching(/^GS-2026-/), 2000n, -2000n, 0n, 13000n],
      ['2026-10-15', 'payment', null, 30000n, -13000n, 17000n, 0n],
      ['2026-10-20', 'refund', null, 7000n, 0n, -7000n, 0n],
      ['2026-10-25', 'payment_reversed', 'RE-2026 Zahlung', 15000n, 15000n, 0n, 15000n],
    ]);
    expect(eur.lines[1]!.invoiceNumbers).toEqual([i1.number, i2.number]);
    expect(eur.lines[1]!.method).toBe('bank_transfer');
    expect(eur.lines[3]!.invoiceNumbers).toEqual([i2.number]);
    expect(eur.lines[5]!.invoiceNumbers.sort()).toEqual([i1.number, i2.number].sort());
    expect(eur.lines[0]!.dueDate).toBe('2026-11-04');
    const journal = (await customerBalances(deps.db, c.de, '2026-10-31')).get('EUR')!;
    expect(eur.closing).toEqual(journal);
    expect(eur.closing).toEqual({ receivable: 15000n, unapplied: 10000n });
    // open items by age on the last day: I1 (due 1 October) 30 days late, I2 not yet due
    expect(eur.aging).toMatchObject({ current: 5000n, d1_30: 10000n, balance: 15000n });
    expect(eur.openItems.map((i) => [i.number, i.open, i.daysPastDue])).toEqual([
      [i1.number, 10000n, 30],
      [i2.number, 5000n, -4],
    ]);
  });

  it('a period before anything happened has no currencies; one in the middle starts where the last ended', async () => {
    expect((await buildStatement(deps.db, c.de, { from: '2026-08-01', to: '2026-08-31' })).currencies).toEqual([]);
    const early = await buildStatement(deps.db, c.de, { from: '2026-10-01', to: '2026-10-12' });
    const late = await buildStatement(deps.db, c.de, { from: '2026-10-13', to: '2026-10-31' });
    expect(late.currencies[0]!.opening).toEqual(early.currencies[0]!.closing);
    expect(late.currencies[0]!.closing).toEqual({ receivable: 15000n, unapplied: 10000n });
  });
});

describe('statement over HTTP', () => {
  let billing: Session;
  let portal: Session;
  beforeAll(async () => {
    billing = await signIn(app, (await makeUser(deps, 'billing')).email);
    portal = await signIn(app, (await makeUser(deps, { customerId: c.ru })).email);
  });

  it('JSON for staff and for the customer’s own users; other customers are not found; bad periods name the field', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/customers/${c.de}/statement?from=2026-10-01&to=2026-10-31&format=json`, headers: { cookie: billing.cookie } });
    expect(res.statusCode, res.body).toBe(200);
    const eur = res.json().currencies[0];
    expect(eur).toMatchObject({ currency: 'EUR', exponent: 2, opening: { receivable: '10000', unapplied: '0' }, closing: { receivable: '15000', unapplied: '10000' } });
    expect(eur.lines.at(-1)).toMatchObject({ type: 'payment_reversed', balance: '15000' });
    expect(eur.openItems[0]).toMatchObject({ number: i1.number, open: '10000', daysPastDue: 30, bucket: 'd1_30', exponent: 2 });

    const monthToDate = await app.inject({ method: 'GET', url: `/api/customers/${c.de}/statement?format=json`, headers: { cookie: billing.cookie } });
    expect(monthToDate.json()).toMatchObject({ from: '2026-11-01', to: '2026-11-02', currencies: [{ opening: { receivable: '15000', unapplied: '10000' }, lines: [] }] });

    const own = await app.inject({ method: 'GET', url: `/api/customers/${c.ru}/statement?from=2026-10-01&to=2026-10-31&format=json`, headers: { cookie: portal.cookie } });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().currencies[0]).toMatchObject({ currency: 'RUB', closing: { receivable: '1000000' } });
    const theirs = await app.inject({ method: 'GET', url: `/api/customers/${c.de}/statement?from=2026-10-01&to=2026-10-31&format=json`, headers: { cookie: portal.cookie } });
    expect(theirs.statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/api/customers/${c.de}/statement?from=2026-10-01&to=2026-10-31`, headers: { cookie: portal.cookie } })).statusCode).toBe(404);

    const reversed = await app.inject({ method: 'GET', url: `/api/customers/${c.de}/statement?from=2026-10-31&to=2026-10-01&format=json`, headers: { cookie: billing.cookie } });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json()).toMatchObject({ code: 'payments.statement_period_reversed', field: 'from' });
    const future = await app.inject({ method: 'GET', url: `/api/customers/${c.de}/statement?from=2026-10-01&to=2026-12-31&format=json`, headers: { cookie: billing.cookie } });
    expect(future.json()).toMatchObject({ code: 'payments.statement_in_future', field: 'to' });
    const notADay = await app.inject({ method: 'GET', url: `/api/customers/${c.de}/statement?from=2026-13-01&to=2026-10-31`, headers: { cookie: billing.cookie } });
    expect(notADay.json()).toMatchObject({ code: 'validation_failed', field: '/querystring/from' });
    expect((await app.inject({ method: 'GET', url: `/api/customers/cus_nope/statement?from=2026-10-01&to=2026-10-31`, headers: { cookie: billing.cookie } })).statusCode).toBe(404);
  });

  it('the PDF is in the customer’s language: German, Russian with ₽, Chinese with the CJK font; staff may ask for another', async () => {
    const get = async (id: string, extra = '', s: Session = billing) => {
      const r = await app.inject({ method: 'GET', url: `/api/customers/${id}/statement?from=2026-10-01&to=2026-10-31${extra}`, headers: { cookie: s.cookie } });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['content-type']).toBe('application/pdf');
      return r.rawPayload;
    };
    const de = pdfText(await get(c.de)).replace(/\s+/g, ' ');
    expect(de).toContain('Kontoauszug');
    expect(de).toContain('Anfangssaldo');
    expect(de).toMatch(/Endsaldo 150,00 €/);
    expect(de).toContain('Nicht zugeordnetes Guthaben 100,00 €');
    // the details column wraps: each line of it is read on its own
    expect(de).toContain('Zahlung über 150,00 € per');
    expect(de).toMatch(/Überweisung; verrechnet mit/);
    expect(de).toContain('Zahlung über 150,00 € zurückgebucht');
    expect(de).toContain(i2.number);
    expect(de).toContain('Nordlicht Cloud GmbH');

    const ruPdf = await get(c.ru, '', portal);
    const ru = pdfText(ruPdf).replace(/\s+/g, ' ');
    expect(ru).toContain('Выписка по расчётам');
    expect(ru).toContain('Альфа ООО');
    expect(ru).toContain('Сальдо на конец 10 000,00 ₽');
    expect(ru).toContain('Платёж 2 500,00 ₽, способ:');
    expect(ru).toContain('банковский перевод; зачтён в');

    const zhPdf = await get(c.zh);
    const zh = pdfText(zhPdf).replace(/\s+/g, ' ');
    expect(zh).toContain('对账单');
    expect(zh).toContain('北京云科技有限公司');
    expect(zh).toContain('期末余额');
    expect(zh).toMatch(/¥\s?8,800\.00/);
    expect(pdfFonts(zhPdf)).toMatch(/NotoSansSC/);

    // a staff member may read it in English; a customer user cannot switch
    expect(pdfText(await get(c.zh, '&locale=en'))).toContain('Statement of account');
    expect(pdfText(await get(c.ru, '&locale=en', portal))).toContain('Выписка по расчётам');
  });

  it('sends the statement over SMTP in the customer’s language with the PDF attached, once per request', async () => {
    const headers = { ...billing.headers, 'idempotency-key': 'stmt-oct-1' };
    const res = await app.inject({ method: 'POST', url: `/api/customers/${c.de}/statement/send`, headers, payload: { from: '2026-10-01', to: '2026-10-31' } });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ to: `ap+${c.de}@example.com`, locale: 'de' });
    // the same request again (a double click) queues nothing more
    expect((await app.inject({ method: 'POST', url: `/api/customers/${c.de}/statement/send`, headers, payload: { from: '2026-10-01', to: '2026-10-31' } })).statusCode).toBe(202);
    expect(smtp.messages).toHaveLength(0); // nothing leaves inside the request
    expect(await dispatchDue(deps)).toMatchObject({ done: 1, failed: 0 });
    const [m] = await smtp.waitFor(1);
    expect(m!.to).toEqual([`ap+${c.de}@example.com`]);
    expect(m!.subject).toBe('Kontoauszug 01.10.2026 – 31.10.2026 von Nordlicht Cloud GmbH');
    expect(m!.text.replace(/\u00a0/g, ' ')).toContain('Saldo am 31.10.2026: 150,00 €');
    expect(m!.text.replace(/\u00a0/g, ' ')).toContain('Nicht zugeordnetes Guthaben: 100,00 €');
    expect(m!.attachments.map((a) => [a.filename, a.contentType])).toEqual([[expect.stringMatching(/^statement-.+-2026-10-01-2026-10-31\.pdf$/), 'application/pdf']]);
    const text = pdfText(m!.attachments[0]!.content).replace(/\s+/g, ' ');
    expect(text).toContain('Kontoauszug');
    expect(text).toContain('Endsaldo 150,00 €');
    const audit = await deps.db.selectFrom('audit_log').select(['action', 'entity_id']).where('action', '=', 'statement.send').execute();
    expect(audit).toEqual([{ action: 'statement.send', entity_id: c.de }]);

    // the Russian customer gets Russian
    smtp.reset();
    expect((await app.inject({ method: 'POST', url: `/api/customers/${c.ru}/statement/send`, headers: billing.headers, payload: { from: '2026-10-01', to: '2026-10-31' } })).statusCode).toBe(202);
    expect(await dispatchDue(deps)).toMatchObject({ done: 1 });
    const [r] = await smtp.waitFor(1);
    expect(r!.subject).toMatch(/^Выписка по расчётам .* от Nordlicht Cloud GmbH$/);
    expect(pdfText(r!.attachments[0]!.content).replace(/\s+/g, ' ')).toContain('10 000,00 ₽');
  });

  it('refuses a customer without a billing email and callers who may not send', async () => {
    await deps.db.updateTable('customers').set({ billing_email: null }).where('id', '=', c.other).execute();
    const res = await app.inject({ method: 'POST', url: `/api/customers/${c.other}/statement/send`, headers: billing.headers, payload: { from: '2026-10-01', to: '2026-10-31' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('payments.statement_no_email');
    expect((await app.inject({ method: 'POST', url: `/api/customers/${c.ru}/statement/send`, headers: portal.headers, payload: { from: '2026-10-01', to: '2026-10-31' } })).statusCode).toBe(403);
    const bad = await app.inject({ method: 'POST', url: `/api/customers/${c.de}/statement/send`, headers: billing.headers, payload: { from: '2026-10-31', to: '2026-10-01' } });
    expect(bad.json()).toMatchObject({ code: 'payments.statement_period_reversed', field: 'from' });
  });
});
