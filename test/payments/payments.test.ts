import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { cliActor } from '../../src/db/tx.js';
import { createCreditNote } from '../../src/modules/invoicing/credit-notes.js';
import { invoiceLines } from '../../src/modules/invoicing/invoices.repo.js';
import { applyCreditNote, undoAllocation } from '../../src/modules/payments/allocate.js';
import { checkLedger } from '../../src/modules/payments/ledger-check.js';
import { customerBalances } from '../../src/modules/payments/ledger.js';
import { allocatePayment, recordPayment, refundPayment, reversePayment } from '../../src/modules/payments/payments.js';
import { documentOpen, listPayments, paymentUnapplied } from '../../src/modules/payments/receivables.repo.js';
import { errorCode } from '../helpers/errors.js';
import { makeAccount } from '../helpers/fixtures.js';
import { billableCustomer, issuedInvoice } from '../helpers/receivables.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';

const actor = cliActor('test');
let deps: TestDeps;
let accountId: string;

beforeAll(async () => {
  deps = await createTestDeps({ now: '2026-11-02T09:00:00Z' });
  accountId = (await makeAccount(deps)).id;
});
afterAll(async () => deps?.dispose());

const pay = (customerId: string, amount: string, extra: Record<string, unknown> = {}) =>
  recordPayment(deps, actor, { customerId, amount, currency: 'EUR', receivedOn: '2026-11-01', method: 'bank_transfer', ...extra });

describe('payments and allocations', () => {
  it('pays the oldest due invoice first, leaves the rest of a partial payment open, and keeps an overpayment as unapplied credit', async () => {
    const c = await billableCustomer(deps, { accountId });
    const a = await issuedInvoice(deps, c, '100.00');
    deps.clock.advance({ days: 1 });
    const b = await issuedInvoice(deps, c, '50.00');
    const p1 = await pay(c, '120.00');
    expect(p1).toMatchObject({ allocated: 12000n, unapplied: 0n, invoiceIds: [a.id, b.id] });
    expect(await documentOpen(deps.db, a.id)).toBe(0n);
    expect(await documentOpen(deps.db, b.id)).toBe(3000n);
    const p2 = await pay(c, '45.00');
    expect(p2).toMatchObject({ allocated: 3000n, unapplied: 1500n });
    const bal = (await customerBalances(deps.db, c)).get('EUR')!;
    expect(bal).toEqual({ receivable: 0n, unapplied: 1500n });
    // the credit pays the next invoice when allocated
    const d = await issuedInvoice(deps, c, '10.00');
    expect(await allocatePayment(deps, actor, p2.id, 'oldest')).toEqual({ allocated: 1000n, unapplied: 500n });
    expect(await documentOpen(deps.db, d.id)).toBe(0n);
    expect((await checkLedger(deps.db)).ok).toBe(true);
  });

  it('refuses allocations to another customer, another currency, more than the invoice or the payment, and bad amounts, naming the field', async () => {
    const c = await billableCustomer(deps, { accountId });
    const other = await billableCustomer(deps, { accountId });
    const mine = await issuedInvoice(deps, c, '80.00');
    const theirs = await issuedInvoice(deps, other, '80.00');
    const before = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ledger_entries`.execute(deps.db);
    const err = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        return { code: (e as { code: string }).code, field: (e as { field?: string }).field };
      }
      throw new Error('expected a refusal');
    };
    expect(await err(pay(c, '10.00', { allocate: [{ invoiceId: theirs.id }] }))).toEqual({ code: 'payments.invoice_other_customer', field: 'allocate.0.invoiceId' });
    expect(await err(pay(c, '10.00', { allocate: [{ invoiceId: mine.id, amount: '90.00' }] }))).toEqual({ code: 'payments.allocation_exceeds_invoice', field: 'allocate.0.amount' });
    expect(await err(pay(c, '10.00', { allocate: [{ invoiceId: mine.id, amount: '20.00' }] }))).toEqual({ code: 'payments.allocation_exceeds_payment', field: 'allocate.0.amount' });
    expect(await err(pay(c, '-5.00'))).toEqual({ code: 'payments.amount_not_positive', field: 'amount' });
    expect(await err(pay(c, '0'))).toEqual({ code: 'payments.amount_not_positive', field: 'amount' });
    expect(await err(pay(c, '1.005'))).toEqual({ code: 'payments.bad_amount', field: 'amount' });
    expect(await err(pay(c, '10.00', { currency: 'JPY' }))).toEqual({ code: 'payments.currency_not_billed', field: 'currency' });
    expect(await err(pay(c, '10.00', { receivedOn: '2026-12-01' }))).toEqual({ code: 'payments.date_in_future', field: 'receivedOn' });
    // nothing was posted by any of them
    const after = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ledger_entries`.execute(deps.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    expect(await listPayments(deps.db, { customerId: c })).toEqual([]);
  });

  it('a reversal re-opens what the payment paid, flags it, and cannot happen twice', async () => {
    const c = await billableCustomer(deps, { accountId });
    const inv = await issuedInvoice(deps, c, '200.00');
    const p = await pay(c, '200.00', { method: 'direct_debit' });
    expect(await documentOpen(deps.db, inv.id)).toBe(0n);
    const r = await reversePayment(deps, actor, p.id, { reason: 'Returned direct debit', returnCode: 'MD06' });
    expect(r.reopened).toEqual([inv.id]);
    expect(await documentOpen(deps.db, inv.id)).toBe(20000n);
    const [view] = await listPayments(deps.db, { id: p.id });
    expect(view).toMatchObject({ status: 'reversed', flagged: true, unapplied: 0n, reversalReason: 'MD06: Returned direct debit' });
    expect(await errorCode(reversePayment(deps, actor, p.id, { reason: 'again' }))).toBe('payments.already_reversed');
    expect((await customerBalances(deps.db, c)).get('EUR')).toEqual({ receivable: 20000n, unapplied: 0n });
    expect((await checkLedger(deps.db)).ok).toBe(true);
  });

  it('refunds unapplied credit, never more than is left; a refunded payment is not reversed', async () => {
    const c = await billableCustomer(deps, { accountId });
    const p = await pay(c, '30.00');
    expect(await errorCode(refundPayment(deps, actor, p.id, { amount: '30.01', method: 'bank_transfer', reason: 'overpaid' }))).toBe('payments.refund_exceeds_unapplied');
    expect((await refundPayment(deps, actor, p.id, { amount: '10.00', method: 'bank_transfer', reason: 'overpaid' })).amount).toBe(1000n);
    expect(await paymentUnapplied(deps.db, p.id)).toBe(2000n);
    expect(await errorCode(reversePayment(deps, actor, p.id, { reason: 'bounced' }))).toBe('payments.reverse_refunded');
    expect((await customerBalances(deps.db, c)).get('EUR')).toEqual({ receivable: 0n, unapplied: 2000n });
  });

  it('a credit note pays its own invoice; what is left of it is an open credit for the next invoice', async () => {
    const c = await billableCustomer(deps, { accountId });
    const inv = await issuedInvoice(deps, c, '100.00');
    await pay(c, '60.00');
    const [line] = await invoiceLines(deps.db, inv.id);
    const cn = await createCreditNote(deps, actor, inv.id, { reason: 'Outage', lines: [{ lineId: line!.id, amount: '70.00' }] });
    expect(await documentOpen(deps.db, inv.id)).toBe(0n);
    expect(await documentOpen(deps.db, cn.id)).toBe(3000n);
    expect((await customerBalances(deps.db, c)).get('EUR')!.receivable).toBe(-3000n);
    const next = await issuedInvoice(deps, c, '50.00');
    expect(await applyCreditNote(deps, actor, cn.id, 'oldest')).toEqual({ applied: 3000n, left: 0n });
    expect(await documentOpen(deps.db, next.id)).toBe(2000n);
    expect((await checkLedger(deps.db)).ok).toBe(true);
  });

  it('undoing an allocation makes the invoice open and the money unapplied again', async () => {
    const c = await billableCustomer(deps, { accountId });
    const inv = await issuedInvoice(deps, c, '40.00');
    const p = await pay(c, '40.00');
    const alloc = await deps.db.selectFrom('allocations').select('id').where('payment_id', '=', p.id).executeTakeFirstOrThrow();
    await undoAllocation(deps, actor, alloc.id);
    expect(await documentOpen(deps.db, inv.id)).toBe(4000n);
    expect(await paymentUnapplied(deps.db, p.id)).toBe(4000n);
    expect(await errorCode(undoAllocation(deps, actor, alloc.id))).toBe('payments.allocation_released');
    expect((await checkLedger(deps.db)).ok).toBe(true);
  });
});

describe('ledger integrity', () => {
  it('the journal refuses changes, and the check finds an entry changed behind the triggers', async () => {
    await expect(sql`UPDATE ledger_lines SET debit = debit + 1 WHERE entry_seq = 1 AND debit > 0`.execute(deps.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM ledger_entries WHERE seq = 1`.execute(deps.db)).rejects.toThrow(/append-only/);
    expect((await checkLedger(deps.db)).ok).toBe(true);
    // someone with the rights to switch triggers off edits an amount: the chain and the document check both see it
    await deps.db.transaction().execute(async (trx) => {
      await sql`ALTER TABLE ledger_lines DISABLE TRIGGER ledger_lines_no_change`.execute(trx);
      await sql`UPDATE ledger_lines SET debit = debit + 100 WHERE entry_seq = 2 AND debit > 0 AND line_no = 1`.execute(trx);
      await sql`UPDATE ledger_lines SET credit = credit + 100 WHERE entry_seq = 2 AND credit > 0 AND line_no = 2`.execute(trx);
      const check = await checkLedger(trx as never);
      expect(check.ok).toBe(false);
      expect(check.chain).toEqual({ ok: false, brokenAt: '2', reason: 'content_changed' });
      expect(check.documents.length).toBeGreaterThan(0);
      await sql`ROLLBACK`.execute(trx).catch(() => undefined);
      throw new Error('rollback');
    }).catch((e: Error) => {
      if (e.message !== 'rollback') throw e;
    });
    expect((await checkLedger(deps.db)).ok).toBe(true);
  });
});
