import { z } from 'zod';
import { AppError, notFound } from '../../core/errors.js';
import { runUseCase, type Actor, type UseCaseContext } from '../../db/tx.js';
import type { BankMatchStatus } from '../../db/types.js';
import { CsvMappingSchema, postMatched, type BankDeps } from './bank-import.js';
import { isReturn, type NamedAllocation, type Suggestion } from './bank-match.js';
import { invoicesById, learnPayer } from './bank.repo.js';
import { lockLedger } from './ledger.js';
import { billedCurrencies, type PaymentsDeps } from './payments.js';

/**
 * A person decides what the matcher would not: take one of its suggestions, name the customer
 * (and invoices) instead, or set the entry aside. Each decision is one use case under the ledger
 * lock, so a double click or two people at once post once: the second finds it decided.
 */
export const ConfirmIn = z.union([
  z.strictObject({ suggestion: z.number().int().min(0).max(99) }),
  z.strictObject({ customerId: z.string().min(1).max(64), invoiceIds: z.array(z.string().min(1).max(64)).max(100).optional() }),
  /** a return: the payment it gives back */
  z.strictObject({ paymentId: z.string().min(1).max(64) }),
]);
export type ConfirmInput = z.input<typeof ConfirmIn>;
export const IgnoreIn = z.strictObject({ reason: z.string().trim().min(1).max(500) });

/** Entries still waiting for a person. */
const OPEN: readonly BankMatchStatus[] = ['suggested', 'unmatched', 'error'];

async function lockedEntry(ctx: UseCaseContext, entryId: string) {
  const e = await ctx.trx.selectFrom('bank_entries').selectAll().where('id', '=', entryId).forUpdate().executeTakeFirst();
  if (!e) throw notFound('bank_entry', entryId);
  if (!OPEN.includes(e.match_status)) throw new AppError('conflict', 'bank.already_decided', { status: e.match_status });
  return e;
}

export interface ConfirmResult {
  entryId: string;
  customerId: string;
  paymentId: string | null;
  reversedPaymentId: string | null;
  invoiceIds: string[];
}

export async function confirmEntry(deps: BankDeps, actor: Actor, entryId: string, input: ConfirmInput): Promise<ConfirmResult> {
  const body = ConfirmIn.parse(input);
  const tz = deps.config.businessTimeZone;
  return runUseCase(deps, actor, async (ctx) => {
    await lockLedger(ctx.trx);
    const e = await lockedEntry(ctx, entryId);
    const returned = isReturn({ direction: e.direction, reversal: e.reversal, returnReason: e.return_reason });
    if (e.direction === 'debit' && !returned) throw new AppError('conflict', 'bank.not_incoming');
    let customerId: string;
    let invoiceIds: string[] = [];
    let paymentId: string | undefined;
    if ('suggestion' in body) {
      const s = (e.suggestions as Suggestion[])[body.suggestion];
      if (!s) throw new AppError('bad_request', 'bank.no_such_suggestion', { index: body.suggestion }, { field: 'suggestion' });
      customerId = s.customerId;
      invoiceIds = s.invoiceIds;
      paymentId = s.paymentId;
    } else if ('paymentId' in body) {
      paymentId = body.paymentId;
      const p = await ctx.trx.selectFrom('payments').select(['customer_id', 'currency']).where('id', '=', body.paymentId).executeTakeFirst();
      if (!p) throw new AppError('bad_request', 'bank.unknown_payment', { id: body.paymentId }, { field: 'paymentId' });
      if (p.currency !== e.currency) throw new AppError('bad_request', 'bank.payment_other_currency', { currency: p.currency }, { field: 'paymentId' });
      customerId = p.customer_id;
    } else {
      customerId = body.customerId;
      invoiceIds = body.invoiceIds ?? [];
    }
    const entry = {
      amount: e.amount,
      currency: e.currency,
      bookingDate: e.booking_date,
      valueDate: e.value_date,
      transactionCode: e.transaction_code,
      endToEndId: e.end_to_end_id,
      bankReference: e.bank_reference,
      payer: { name: e.payer_name, iban: e.payer_iban },
      returnReason: e.return_reason,
      direction: e.direction,
      reversal: e.reversal,
    };
    if (returned) {
      if (!paymentId) throw new AppError('bad_request', 'bank.return_needs_payment', {}, { field: 'paymentId' });
      await postMatched(ctx, tz, e.id, entry, { customerId, reversePaymentId: paymentId, reason: 'confirmed' });
    } else {
      const customer = await ctx.trx.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst();
      if (!customer) throw new AppError('bad_request', 'bank.unknown_customer', { id: customerId }, { field: 'customerId' });
      if (!(await billedCurrencies(ctx.trx, customerId)).has(e.currency)) throw new AppError('bad_request', 'bank.customer_not_billed', { currency: e.currency }, { field: 'customerId' });
      const allocate = await namedAllocation(ctx, customerId, e.currency, e.amount, invoiceIds);
      const posted = await postMatched(ctx, tz, e.id, entry, { customerId, allocate, reason: 'confirmed' });
      paymentId = undefined;
      invoiceIds = posted.invoiceIds;
      await learnPayer(ctx.trx, e.payer_iban, customerId, ctx.now, true);
    }
    await ctx.trx
      .updateTable('bank_entries')
      .set({ match_status: 'confirmed', customer_id: customerId, error_code: null, error_params: null, decided_by: ctx.actor.label, decided_at: ctx.now })
      .where('id', '=', e.id)
      .execute();
    const after = await ctx.trx.selectFrom('bank_entries').select(['payment_id', 'reversed_payment_id']).where('id', '=', e.id).executeTakeFirstOrThrow();
    await ctx.audit({
      action: 'bank.entry.confirm',
      entityType: 'bank_entry',
      entityId: e.id,
      before: { status: e.match_status, reason: e.match_reason },
      after: { status: 'confirmed', customerId, paymentId: after.payment_id, reversedPaymentId: after.reversed_payment_id, invoiceIds, chosen: body },
    });
    return { entryId: e.id, customerId, paymentId: after.payment_id, reversedPaymentId: after.reversed_payment_id, invoiceIds };
  });
}

/** Named invoices must be the customer's; each is paid up to what it has open, in the order given. No names: oldest due first. */
async function namedAllocation(ctx: UseCaseContext, customerId: string, currency: string, amount: bigint, invoiceIds: string[]): Promise<'oldest' | 'none' | NamedAllocation[]> {
  if (invoiceIds.length === 0) return 'oldest';
  const found = new Map((await invoicesById(ctx.trx, invoiceIds)).map((i) => [i.id, i]));
  const kinds = new Map((await ctx.trx.selectFrom('invoices').select(['id', 'kind', 'status']).where('id', 'in', invoiceIds).execute()).map((i) => [i.id, i]));
  const out: NamedAllocation[] = [];
  let left = amount;
  for (const [n, id] of invoiceIds.entries()) {
    const inv = found.get(id);
    const k = kinds.get(id);
    if (!inv || !k || k.kind !== 'invoice' || k.status !== 'issued') throw new AppError('bad_request', 'payments.unknown_invoice', { id }, { field: `invoiceIds.${n}` });
    if (inv.customerId !== customerId) throw new AppError('bad_request', 'payments.invoice_other_customer', { number: inv.number }, { field: `invoiceIds.${n}` });
    if (inv.currency !== currency) throw new AppError('bad_request', 'payments.invoice_other_currency', { number: inv.number, currency: inv.currency }, { field: `invoiceIds.${n}` });
    if (out.some((a) => a.invoiceId === id)) throw new AppError('bad_request', 'payments.invoice_twice', { number: inv.number }, { field: `invoiceIds.${n}` });
    const a = inv.open < left ? inv.open : left;
    if (a > 0n) out.push({ invoiceId: id, amount: a });
    left -= a;
  }
  return out.length ? out : 'none';
}

export async function ignoreEntry(deps: PaymentsDeps, actor: Actor, entryId: string, input: z.input<typeof IgnoreIn>): Promise<void> {
  const { reason } = IgnoreIn.parse(input);
  await runUseCase(deps, actor, async (ctx) => {
    await lockLedger(ctx.trx);
    const e = await lockedEntry(ctx, entryId);
    await ctx.trx.updateTable('bank_entries').set({ match_status: 'ignored', match_reason: reason, decided_by: ctx.actor.label, decided_at: ctx.now }).where('id', '=', e.id).execute();
    await ctx.audit({ action: 'bank.entry.ignore', entityType: 'bank_entry', entityId: e.id, before: { status: e.match_status, reason: e.match_reason }, after: { status: 'ignored', reason } });
  });
}

export const MappingName = z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N} ._-]+$/u);

/** Save (create or replace) a bank's CSV layout under a name. */
export async function saveMapping(deps: PaymentsDeps, actor: Actor, name: string, mapping: unknown): Promise<{ name: string; created: boolean }> {
  const n = MappingName.safeParse(name);
  if (!n.success) throw new AppError('bad_request', 'bank.bad_mapping_name', { name }, { field: 'name' });
  const m = CsvMappingSchema.safeParse(mapping);
  if (!m.success) {
    const issue = m.error.issues[0]!;
    const field = issue.path.join('.');
    throw new AppError('bad_request', 'bank.csv_bad_mapping', { field, value: n.data }, { field, errors: m.error.issues.map((i) => ({ field: i.path.join('.'), code: i.code, message: i.message })) });
  }
  return runUseCase(deps, actor, async (ctx) => {
    const before = await ctx.trx.selectFrom('bank_csv_mappings').selectAll().where('name', '=', n.data).forUpdate().executeTakeFirst();
    await ctx.trx
      .insertInto('bank_csv_mappings')
      .values({ name: n.data, mapping: JSON.stringify(m.data), created_at: ctx.now, updated_at: ctx.now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ mapping: JSON.stringify(m.data), updated_at: ctx.now }))
      .execute();
    await ctx.audit({ action: 'bank.mapping.save', entityType: 'bank_csv_mapping', entityId: n.data, before: before ? { mapping: before.mapping } : null, after: { mapping: m.data } });
    return { name: n.data, created: !before };
  });
}

export async function deleteMapping(deps: PaymentsDeps, actor: Actor, name: string): Promise<void> {
  await runUseCase(deps, actor, async (ctx) => {
    const row = await ctx.trx.deleteFrom('bank_csv_mappings').where('name', '=', name).returningAll().executeTakeFirst();
    if (!row) throw notFound('bank_csv_mapping', name);
    await ctx.audit({ action: 'bank.mapping.delete', entityType: 'bank_csv_mapping', entityId: name, before: { mapping: row.mapping }, after: null });
  });
}
