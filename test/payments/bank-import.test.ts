import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { isAppError, type AppError } from '../../src/core/errors.js';
import { cliActor } from '../../src/db/tx.js';
import { importBankFile } from '../../src/modules/payments/bank-import.js';
import { confirmEntry, saveMapping } from '../../src/modules/payments/bank-review.js';
import { checkLedger } from '../../src/modules/payments/ledger-check.js';
import { documentOpen, listPayments } from '../../src/modules/payments/receivables.repo.js';
import { makeAccount } from '../helpers/fixtures.js';
import { billableCustomer, issuedInvoice } from '../helpers/receivables.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { ACCOUNT_IBAN, camt053, camt054, mt940, OTHER_PAYER_IBAN, PAYER_IBAN } from './bank-files.js';

const actor = cliActor('test');
let deps: TestDeps;
let accountId: string;

beforeAll(async () => {
  deps = await createTestDeps({ now: '2026-11-02T09:00:00Z' });
  accountId = (await makeAccount(deps)).id;
});
afterAll(async () => deps?.dispose());

const loose = (n: string) => n.toLowerCase().replace(/-/g, ' ');
const count = async (table: string) => Number((await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(table)}`.execute(deps.db)).rows[0]!.n);
const counts = async () => ({ statements: await count('bank_statements'), entries: await count('bank_entries'), payments: await count('payments'), ledger: await count('ledger_entries') });
const entryByRef = (ref: string) => deps.db.selectFrom('bank_entries').selectAll().where('bank_reference', '=', ref).executeTakeFirstOrThrow();
const importFile = (content: string, opts: { fileName?: string; mappingName?: string } = {}) => importBankFile(deps, actor, content, opts);
const rejection = async (p: Promise<unknown>): Promise<AppError> => {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('bank statement import', () => {
  it('pays issued invoices named in a camt.053 (numbers written loosely), the ledger stays balanced, and the same file twice adds nothing', async () => {
    const c = await billableCustomer(deps, { accountId, name: 'Kanzlei Weber' });
    const a = await issuedInvoice(deps, c, '100.00');
    const b = await issuedInvoice(deps, c, '250.00');
    const d = await issuedInvoice(deps, c, '40.00');
    const file = camt053({
      id: 'STMT-1',
      entries: [
        { amount: '100.00', ref: 'R1-1', e2e: 'E2E-1', text: `Rechnung ${loose(a.number)}`, payerName: 'Kanzlei Weber', payerIban: PAYER_IBAN },
        // two invoices named, and 10.00 more than they are: the rest stays unapplied
        { amount: '300.00', ref: 'R1-2', text: `${b.number.replace(/-/g, '')} ${d.number}`, payerName: 'Kanzlei Weber', payerIban: PAYER_IBAN, family: 'IDDT', subFamily: 'ESDD' },
        // outgoing money is not a customer's
        { amount: '50.00', credit: false, ref: 'R1-3', text: 'Miete' },
      ],
    });
    const r = await importFile(file, { fileName: 'stmt1.xml' });
    expect(r).toMatchObject({ statements: 1, entries: 3, matched: 2, suggested: 0, unmatched: 0, ignored: 1, duplicates: 0, errors: [] });
    for (const inv of [a, b, d]) expect(await documentOpen(deps.db, inv.id)).toBe(0n);
    const pays = await listPayments(deps.db, { customerId: c });
    expect(pays.map((p) => [p.amount, p.method, p.reference, p.payerIban, p.unapplied, p.source]).sort()).toEqual([
      [10000n, 'bank_transfer', 'E2E-1', PAYER_IBAN, 0n, 'bank'],
      [30000n, 'direct_debit', 'R1-2', PAYER_IBAN, 1000n, 'bank'],
    ]);
    const e1 = await entryByRef('R1-1');
    expect(e1).toMatchObject({ match_status: 'matched', match_reason: 'invoice_number', customer_id: c });
    expect(pays.map((p) => p.id)).toContain(e1.payment_id);
    expect((await entryByRef('R1-3')).match_status).toBe('ignored');
    // the payer's account is learned from a match on an invoice number
    expect(await deps.db.selectFrom('payer_accounts').select('customer_id').where('iban', '=', PAYER_IBAN).executeTakeFirst()).toEqual({ customer_id: c });
    expect((await checkLedger(deps.db)).ok).toBe(true);
    const audit = await deps.db.selectFrom('audit_log').select(['action', 'after']).where('action', '=', 'bank.import').execute();
    expect(audit).toHaveLength(1);

    const before = await counts();
    const again = await importFile(file, { fileName: 'stmt1-again.xml' });
    expect(again).toMatchObject({ statements: 0, entries: 0, matched: 0, duplicates: 3 });
    expect(await counts()).toEqual(before);
    // the same statement in another file (other bytes) is a duplicate too
    const reformatted = await importFile(file.replace('<GrpHdr>', '<GrpHdr>\n'));
    expect(reformatted).toMatchObject({ statements: 0, entries: 0, duplicates: 3 });
    expect(await counts()).toEqual(before);
  });

  it('an entry of a camt.054 seen before in a camt.053 is a duplicate; new ones are booked', async () => {
    const c = await billableCustomer(deps, { accountId });
    const a = await issuedInvoice(deps, c, '70.00');
    const b = await issuedInvoice(deps, c, '80.00');
    await importFile(camt053({ id: 'STMT-2', entries: [{ amount: '70.00', ref: 'R2-1', text: a.number }] }));
    const before = await counts();
    const r = await importFile(camt054({ id: 'NTF-2', entries: [{ amount: '70.00', ref: 'R2-1', text: a.number }, { amount: '80.00', ref: 'R2-2', text: b.number }] }));
    expect(r).toMatchObject({ statements: 1, entries: 1, matched: 1, duplicates: 1 });
    const after = await counts();
    expect(after.entries - before.entries).toBe(1);
    expect(after.payments - before.payments).toBe(1);
    expect(await documentOpen(deps.db, b.id)).toBe(0n);
  });

  it('a returned payment re-opens the invoice it paid and flags the payment', async () => {
    const c = await billableCustomer(deps, { accountId });
    const inv = await issuedInvoice(deps, c, '90.00');
    await importFile(camt053({ id: 'STMT-3', entries: [{ amount: '90.00', ref: 'R3-1', e2e: 'E2E-RET-1', text: inv.number, payerIban: OTHER_PAYER_IBAN, family: 'IDDT', subFamily: 'ESDD' }] }));
    expect(await documentOpen(deps.db, inv.id)).toBe(0n);
    const paid = await entryByRef('R3-1');
    const r = await importFile(camt053({ id: 'STMT-3b', entries: [{ amount: '90.00', credit: false, reversal: true, ref: 'R3-2', e2e: 'E2E-RET-1', returnReason: 'MD06', payerIban: OTHER_PAYER_IBAN, family: 'IDDT', subFamily: 'ESDD' }] }));
    expect(r).toMatchObject({ matched: 1, errors: [] });
    const ret = await entryByRef('R3-2');
    expect(ret).toMatchObject({ match_status: 'matched', match_reason: 'return_end_to_end_id', reversed_payment_id: paid.payment_id, customer_id: c });
    expect(await documentOpen(deps.db, inv.id)).toBe(9000n);
    const [p] = await listPayments(deps.db, { id: paid.payment_id! });
    expect(p).toMatchObject({ status: 'reversed', flagged: true });
    expect(p!.reversalReason).toMatch(/^MD06: /);
    expect((await checkLedger(deps.db)).ok).toBe(true);
  });

  it('a return the matcher cannot pin down waits for a person, who names the payment (or picks a candidate)', async () => {
    const c = await billableCustomer(deps, { accountId });
    const a = await issuedInvoice(deps, c, '61.00');
    const b = await issuedInvoice(deps, c, '61.00');
    const iban = 'DE75512108001245126199';
    await importFile(camt053({ id: 'STMT-6', entries: [{ amount: '61.00', ref: 'R6-1', text: a.number, payerIban: iban }, { amount: '61.00', ref: 'R6-2', text: b.number, payerIban: iban }] }));
    const [pa, pb] = [(await entryByRef('R6-1')).payment_id!, (await entryByRef('R6-2')).payment_id!];
    // same payer and amount twice, no end-to-end id: two candidates; no payer at all: nothing to go on
    await importFile(camt053({ id: 'STMT-6b', entries: [{ amount: '61.00', credit: false, reversal: true, ref: 'R6-3', payerIban: iban, returnReason: 'AC04' }, { amount: '61.00', credit: false, reversal: true, ref: 'R6-4' }] }));
    const sugg = await entryByRef('R6-3');
    expect(sugg).toMatchObject({ match_status: 'suggested', match_reason: 'return_several_payments' });
    expect(sugg.suggestions.map((x) => (x as { paymentId?: string }).paymentId).sort()).toEqual([pa, pb].sort());
    expect(await entryByRef('R6-4')).toMatchObject({ match_status: 'unmatched' });
    const n = sugg.suggestions.findIndex((x) => (x as { paymentId?: string }).paymentId === pb);
    expect(await confirmEntry(deps, actor, sugg.id, { suggestion: n })).toMatchObject({ reversedPaymentId: pb, paymentId: null, customerId: c });
    expect(await documentOpen(deps.db, b.id)).toBe(6100n);
    const other = await entryByRef('R6-4');
    // a return needs a payment, not a customer
    await expect(confirmEntry(deps, actor, other.id, { customerId: c })).rejects.toMatchObject({ code: 'bank.return_needs_payment' });
    expect(await confirmEntry(deps, actor, other.id, { paymentId: pa })).toMatchObject({ reversedPaymentId: pa });
    expect(await documentOpen(deps.db, a.id)).toBe(6100n);
    expect(await deps.db.selectFrom('bank_entries').select(['match_status', 'decided_by']).where('id', '=', other.id).executeTakeFirst()).toEqual({ match_status: 'confirmed', decided_by: 'test' });
    // the same payment cannot be returned twice
    await importFile(camt053({ id: 'STMT-6c', entries: [{ amount: '61.00', credit: false, reversal: true, ref: 'R6-5' }] }));
    await expect(confirmEntry(deps, actor, (await entryByRef('R6-5')).id, { paymentId: pa })).rejects.toMatchObject({ code: 'payments.already_reversed' });
    expect((await checkLedger(deps.db)).ok).toBe(true);
  });

  it('a pending entry is set aside, and booked when a later statement brings it booked', async () => {
    const c = await billableCustomer(deps, { accountId });
    const inv = await issuedInvoice(deps, c, '44.00');
    const pending = await importFile(camt054({ id: 'NTF-7', entries: [{ amount: '44.00', ref: 'R7-1', text: inv.number, status: 'PDNG' }] }));
    expect(pending).toMatchObject({ entries: 1, ignored: 1, matched: 0 });
    expect(await documentOpen(deps.db, inv.id)).toBe(4400n);
    const booked = await importFile(camt053({ id: 'STMT-7', entries: [{ amount: '44.00', ref: 'R7-1', text: inv.number }] }));
    expect(booked).toMatchObject({ entries: 1, matched: 1, duplicates: 0 });
    expect(await documentOpen(deps.db, inv.id)).toBe(0n);
  });

  it('stores an entry in a currency nobody is billed in as an error and lists it, with the rest of the file booked', async () => {
    const c = await billableCustomer(deps, { accountId });
    const inv = await issuedInvoice(deps, c, '15.00');
    const r = await importFile(camt053({ id: 'STMT-4', entries: [{ amount: '15.00', ref: 'R4-1', text: inv.number }, { amount: '99.00', ref: 'R4-2', currency: 'JPY', text: inv.number }] }));
    expect(r.matched).toBe(1);
    expect(r.errors).toEqual([{ entry: 'STMT-4#2', code: 'bank.currency_not_billed', params: { currency: 'JPY' }, message: expect.stringContaining('JPY') }]);
    expect(await entryByRef('R4-2')).toMatchObject({ match_status: 'error', error_code: 'bank.currency_not_billed', error_params: { currency: 'JPY' }, payment_id: null });
  });

  it('a match that cannot be posted (a booking date after today) is kept as an error with the reason', async () => {
    const c = await billableCustomer(deps, { accountId });
    const inv = await issuedInvoice(deps, c, '33.00');
    const before = await counts();
    const r = await importFile(camt053({ id: 'STMT-5', entries: [{ amount: '33.00', ref: 'R5-1', text: inv.number, date: '2026-11-20' }] }));
    expect(r.errors.map((e) => e.code)).toEqual(['payments.date_in_future']);
    expect(await entryByRef('R5-1')).toMatchObject({ match_status: 'error', error_code: 'payments.date_in_future', payment_id: null, customer_id: null });
    const after = await counts();
    expect(after.payments).toBe(before.payments);
    expect(after.ledger).toBe(before.ledger);
    expect((await checkLedger(deps.db)).ok).toBe(true);
  });

  it('refuses an invalid file with the reason and the place, storing nothing', async () => {
    const before = await counts();
    const badIban = await rejection(importFile(camt053({ id: 'BAD-1', iban: ACCOUNT_IBAN.replace(/8$/, '9'), entries: [{ amount: '1.00', ref: 'B1' }] })));
    expect(badIban).toMatchObject({ kind: 'bad_request', code: 'bank.bad_iban', params: { iban: ACCOUNT_IBAN.replace(/8$/, '9') } });
    expect(badIban.errors[0]).toMatchObject({ code: 'bank.bad_iban', message: expect.stringContaining(ACCOUNT_IBAN.replace(/8$/, '9')) });
    const badBalance = await rejection(importFile(camt053({ id: 'BAD-2', closingDelta: '0.01', entries: [{ amount: '1.00', ref: 'B2' }] })));
    expect(badBalance).toMatchObject({ code: 'bank.balance_mismatch', params: { opening: '1000.00', sum: '1.00', closing: '1001.01' } });
    expect(badBalance.errors[0]!.field).toBeTruthy();
    expect((await rejection(importFile('Datum;Betrag\n01.11.2026;5,00\n'))).code).toBe('bank.csv_needs_mapping');
    expect((await rejection(importFile('a;b\n', { mappingName: 'nope' }))).code).toBe('bank.unknown_mapping');
    expect(await counts()).toEqual(before);
  });

  it('reads MT940, and CSV through a saved mapping', async () => {
    const c = await billableCustomer(deps, { accountId, name: 'Müller Steuerberatung GmbH' });
    const a = await issuedInvoice(deps, c, '123.45');
    const b = await issuedInvoice(deps, c, '67.89');
    const r = await importFile(mt940({ ref: 'MT-1', entries: [{ amount: '123.45', text: `Rechnung ${a.number}`, payerName: 'Mueller', bankRef: 'MT1-1' }] }));
    expect(r).toMatchObject({ statements: 1, entries: 1, matched: 1 });
    expect(await documentOpen(deps.db, a.id)).toBe(0n);

    await saveMapping(deps, actor, 'sparkasse', {
      delimiter: ';',
      decimalSeparator: ',',
      dateFormat: 'DD.MM.YYYY',
      columns: { bookingDate: 'Buchungstag', amount: 'Betrag', currency: 'Währung', remittance: 'Verwendungszweck', payerName: 'Auftraggeber', payerIban: 'IBAN' },
      accountIban: ACCOUNT_IBAN,
    });
    const csv = `Buchungstag;Auftraggeber;IBAN;Verwendungszweck;Betrag;Währung\n02.11.2026;Müller Steuerberatung GmbH;DE15500105175407324580;Zahlung;67,89;EUR\n01.11.2026;Stadtwerke;DE02120300000000202051;Strom;-20,00;EUR\n`;
    const r2 = await importFile(csv, { mappingName: 'sparkasse', fileName: 'umsatz.csv' });
    // no number in the text: the payer's name and the one open invoice with that amount decide it
    expect(r2).toMatchObject({ statements: 1, entries: 2, matched: 1, ignored: 1 });
    expect(await documentOpen(deps.db, b.id)).toBe(0n);
    expect((await importFile(csv, { mappingName: 'sparkasse' })).duplicates).toBe(2);
  });
});
