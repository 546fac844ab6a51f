import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { isAppError } from '../../src/core/errors.js';
import { moneyToDecimalString } from '../../src/core/money.js';
import { cliActor } from '../../src/db/tx.js';
import { createCreditNote } from '../../src/modules/invoicing/credit-notes.js';
import { invoiceLines } from '../../src/modules/invoicing/invoices.repo.js';
import { checkLedger } from '../../src/modules/payments/ledger-check.js';
import { customerBalances } from '../../src/modules/payments/ledger.js';
import { allocatePayment, recordPayment, refundPayment, reversePayment } from '../../src/modules/payments/payments.js';
import { openItems } from '../../src/modules/payments/receivables.repo.js';
import { ageItems, BUCKETS } from '../../src/modules/payments/aging.js';
import { today } from '../../src/modules/provider-billing/provider-invoices.js';
import { makeAccount } from '../helpers/fixtures.js';
import { billableCustomer, issuedInvoice } from '../helpers/receivables.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';

/**
 * Random histories of invoices, credit notes, payments (allocated oldest first, to a named
 * invoice, or not at all), later allocations, refunds and reversals, through the real use cases.
 * After each history: the journal balances and proves itself; the customer's receivable in the
 * journal is exactly Σ invoices − Σ credits − Σ applied payments + Σ reversed applications, as
 * the test counts them from what each use case returned; no allocation exceeds its payment or its
 * invoice; open items, and the aging buckets as of any later day, add up to the receivable.
 */
const actor = cliActor('prop');
let deps: TestDeps;
let accountId: string;

beforeAll(async () => {
  deps = await createTestDeps({ now: '2026-11-02T09:00:00Z' });
  accountId = (await makeAccount(deps)).id;
});
afterAll(async () => deps?.dispose());

type Op =
  | { t: 'invoice'; cents: number }
  | { t: 'credit'; pick: number; part: number }
  | { t: 'pay'; cents: number; mode: 'oldest' | 'none' | 'named'; pick: number }
  | { t: 'allocate'; pick: number }
  | { t: 'refund'; pick: number; part: number }
  | { t: 'reverse'; pick: number }
  | { t: 'wait'; days: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('invoice' as const), cents: fc.integer({ min: 1, max: 500_000 }) }),
  fc.record({ t: fc.constant('credit' as const), pick: fc.nat(), part: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ t: fc.constant('pay' as const), cents: fc.integer({ min: 1, max: 600_000 }), mode: fc.constantFrom('oldest' as const, 'none' as const, 'named' as const), pick: fc.nat() }),
  fc.record({ t: fc.constant('allocate' as const), pick: fc.nat() }),
  fc.record({ t: fc.constant('refund' as const), pick: fc.nat(), part: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ t: fc.constant('reverse' as const), pick: fc.nat() }),
  fc.record({ t: fc.constant('wait' as const), days: fc.integer({ min: 1, max: 70 }) }),
);

const eur = (cents: bigint) => moneyToDecimalString({ amount: cents, currency: 'EUR' });

describe('ledger properties', () => {
  it('holds over random histories', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
        const c = await billableCustomer(deps, { accountId });
        const invoices: { id: string; gross: bigint }[] = [];
        const payments: { id: string; applied: bigint }[] = [];
        let sumInvoices = 0n;
        let sumCredits = 0n;
        let applied = 0n;
        let reversed = 0n;
        const refused = (e: unknown) => {
          if (!isAppError(e)) throw e;
        };
        for (const o of ops) {
          try {
            if (o.t === 'invoice') {
              const inv = await issuedInvoice(deps, c, eur(BigInt(o.cents)));
              invoices.push({ id: inv.id, gross: BigInt(o.cents) });
              sumInvoices += BigInt(o.cents);
            } else if (o.t === 'credit' && invoices.length) {
              const inv = invoices[o.pick % invoices.length]!;
              const [line] = await invoiceLines(deps.db, inv.id);
              const left = line!.amount - (line!.credited ?? 0n);
              const amount = (left * BigInt(o.part)) / 100n;
              if (amount <= 0n) continue;
              const cn = await createCreditNote(deps, actor, inv.id, { reason: 'prop', lines: [{ lineId: line!.id, amount: eur(amount) }] });
              sumCredits += cn.gross;
            } else if (o.t === 'pay') {
              const named = o.mode === 'named' && invoices.length ? [{ invoiceId: invoices[o.pick % invoices.length]!.id }] : undefined;
              const p = await recordPayment(deps, actor, { customerId: c, amount: eur(BigInt(o.cents)), currency: 'EUR', receivedOn: '2026-11-02', method: 'bank_transfer', allocate: named ?? (o.mode === 'named' ? 'none' : o.mode) });
              payments.push({ id: p.id, applied: p.allocated });
              applied += p.allocated;
            } else if (o.t === 'allocate' && payments.length) {
              const p = payments[o.pick % payments.length]!;
              const r = await allocatePayment(deps, actor, p.id, 'oldest');
              p.applied += r.allocated;
              applied += r.allocated;
            } else if (o.t === 'refund' && payments.length) {
              const p = payments[o.pick % payments.length]!;
              const left = (await deps.db.selectFrom('payments').select('amount').where('id', '=', p.id).executeTakeFirstOrThrow()).amount - p.applied;
              const amount = (left * BigInt(o.part)) / 100n;
              await refundPayment(deps, actor, p.id, { amount: eur(amount > 0n ? amount : 1n), method: 'bank_transfer', reason: 'prop' });
            } else if (o.t === 'wait') {
              deps.clock.advance({ days: o.days });
            } else if (o.t === 'reverse' && payments.length) {
              const p = payments[o.pick % payments.length]!;
              await reversePayment(deps, actor, p.id, { reason: 'prop' });
              reversed += p.applied;
              p.applied = 0n;
            }
          } catch (e) {
            refused(e);
          }
        }
        const check = await checkLedger(deps.db);
        expect(check).toMatchObject({ ok: true });
        const bal = (await customerBalances(deps.db, c)).get('EUR') ?? { receivable: 0n, unapplied: 0n };
        expect(bal.receivable).toBe(sumInvoices - sumCredits - applied + reversed);
        const items = await openItems(deps.db, { customerId: c });
        expect(items.reduce((s, i) => s + (i.kind === 'invoice' ? i.open : -i.open), 0n)).toBe(bal.receivable);
        expect(items.every((i) => i.open >= 0n && i.open <= i.gross)).toBe(true);
        // aging buckets (as of today, whatever time has passed) add up to the balance
        const [aged] = ageItems(items, today(deps.clock.now()));
        const row = aged?.customers.find((x) => x.customerId === c);
        expect(row ? BUCKETS.reduce((sum, b) => sum + row[b], row.disputed) : 0n).toBe(bal.receivable);
        const over = await sql<{ n: string }>`
          SELECT count(*)::text AS n FROM payments p WHERE p.customer_id = ${c} AND
            coalesce((SELECT sum(a.amount) FROM allocations a WHERE a.payment_id = p.id AND a.released_at IS NULL), 0)
            + coalesce((SELECT sum(r.amount) FROM refunds r WHERE r.payment_id = p.id), 0) > p.amount`.execute(deps.db);
        expect(over.rows[0]!.n).toBe('0');
        const unapplied = await sql<{ s: string }>`SELECT coalesce(sum(CASE WHEN p.status = 'posted' THEN p.amount
            - coalesce((SELECT sum(a.amount) FROM allocations a WHERE a.payment_id = p.id AND a.released_at IS NULL), 0)
            - coalesce((SELECT sum(r.amount) FROM refunds r WHERE r.payment_id = p.id), 0) ELSE 0 END), 0)::text AS s FROM payments p WHERE p.customer_id = ${c}`.execute(deps.db);
        expect(bal.unapplied).toBe(BigInt(unapplied.rows[0]!.s));
      }),
      { numRuns: 40 },
    );
  }, 300_000);
});
