import { z } from 'zod';
import type { Config } from '../../core/config.js';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { parseMoney } from '../../core/money.js';
import { runUseCase, type Actor, type UseCaseContext, type UseCaseDeps } from '../../db/tx.js';
import type { Executor } from '../../db/store.js';
import type { PaymentMethod } from '../../db/types.js';
import { emitEvent } from '../../jobs/events.js';
import { today } from '../provider-billing/provider-invoices.js';
import { allocateIn, AllocationSpec, releaseAllocation } from './allocate.js';
import { lockLedger } from './ledger.js';
import { postPaymentReceived, postPaymentReversed, postRefund } from './postings.js';
import { paymentUnapplied } from './receivables.repo.js';

/**
 * Customer payments: money received (recorded by a clerk or matched from a bank statement),
 * allocated to invoices (named, or oldest due first), the rest kept as unapplied credit that
 * can be allocated later or refunded. A reversal (a returned direct debit, a bounced transfer)
 * releases what the payment paid, so those invoices are open again, and flags the payment.
 * Each is one use case: the rows, their journal entries, an audit row and an event for the
 * collections engine commit together.
 */
export type PaymentsDeps = UseCaseDeps & { config: Pick<Config, 'businessTimeZone'> };

export const PAYMENT_METHODS = ['bank_transfer', 'direct_debit', 'card', 'cash', 'check', 'other'] as const;
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a date');

export const PaymentIn = z.strictObject({
  customerId: z.string().min(1).max(64),
  /** decimal in the currency's units, e.g. "1250.00" */
  amount: z.string().trim().min(1).max(40),
  currency: z.string().regex(/^[A-Z]{3}$/),
  receivedOn: IsoDate,
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().trim().max(200).optional(),
  payerName: z.string().trim().max(200).optional(),
  payerIban: z.string().trim().max(50).optional(),
  note: z.string().trim().max(1000).optional(),
  /** "oldest" (default): oldest due first; "none": keep it all unapplied; or named invoices */
  allocate: AllocationSpec.default('oldest'),
});
export type PaymentInput = z.input<typeof PaymentIn>;

/** Payments larger than this (minor units) are refused as a typing error. */
const MAX_MINOR = 10n ** 14n;

export function amountIn(text: string, currency: string, field: string): bigint {
  let amount: bigint;
  try {
    amount = parseMoney(text, currency).amount;
  } catch {
    throw new AppError('bad_request', 'payments.bad_amount', { value: text, currency }, { field });
  }
  if (amount <= 0n) throw new AppError('bad_request', 'payments.amount_not_positive', { value: text }, { field });
  if (amount > MAX_MINOR) throw new AppError('bad_request', 'payments.bad_amount', { value: text, currency }, { field });
  return amount;
}

/** The currencies a customer is billed in: its billing currency and those of its invoices. */
export async function billedCurrencies(db: Executor, customerId: string): Promise<Set<string>> {
  const c = await db.selectFrom('customers').select('billing_currency').where('id', '=', customerId).executeTakeFirst();
  const inv = await db.selectFrom('invoices').select('currency').distinct().where('customer_id', '=', customerId).where('status', '<>', 'draft').execute();
  return new Set([...(c ? [c.billing_currency] : []), ...inv.map((i) => i.currency)]);
}

export interface RecordedPayment {
  id: string;
  allocated: bigint;
  unapplied: bigint;
  invoiceIds: string[];
}

/** Inside a use case that holds the ledger lock: the payment, its posting, its allocations and its event. */
export async function recordPaymentIn(
  ctx: UseCaseContext,
  tz: string,
  input: z.output<typeof PaymentIn>,
  src: { source: 'manual' | 'bank'; bankEntryId?: string } = { source: 'manual' },
): Promise<RecordedPayment> {
  const customer = await ctx.trx.selectFrom('customers').select(['id', 'company_name']).where('id', '=', input.customerId).executeTakeFirst();
  if (!customer) throw new AppError('bad_request', 'payments.unknown_customer', { id: input.customerId }, { field: 'customerId' });
  const amount = amountIn(input.amount, input.currency, 'amount');
  if (!(await billedCurrencies(ctx.trx, customer.id)).has(input.currency)) {
    throw new AppError('bad_request', 'payments.currency_not_billed', { currency: input.currency }, { field: 'currency' });
  }
  if (input.receivedOn > today(ctx.now, tz)) throw new AppError('bad_request', 'payments.date_in_future', { date: input.receivedOn }, { field: 'receivedOn' });
  const id = newId('pay');
  await ctx.trx
    .insertInto('payments')
    .values({
      id,
      customer_id: customer.id,
      amount,
      currency: input.currency,
      received_on: input.receivedOn,
      method: input.method as PaymentMethod,
      reference: input.reference || null,
      payer_name: input.payerName || null,
      payer_iban: input.payerIban ? input.payerIban.replace(/\s+/g, '').toUpperCase() : null,
      note: input.note || null,
      source: src.source,
      bank_entry_id: src.bankEntryId ?? null,
      recorded_by: ctx.actor.label,
      recorded_at: ctx.now,
    })
    .execute();
  await postPaymentReceived(ctx.trx, ctx.now, { id, customerId: customer.id, currency: input.currency, amount, date: input.receivedOn });
  const allocations = await allocateIn(ctx, tz, { id, customerId: customer.id, currency: input.currency, left: amount, date: input.receivedOn }, input.allocate, 'allocate');
  const allocated = allocations.reduce((s, a) => s + a.amount, 0n);
  await ctx.audit({
    action: 'payment.record',
    entityType: 'payment',
    entityId: id,
    after: { customerId: customer.id, amount: amount.toString(), currency: input.currency, receivedOn: input.receivedOn, method: input.method, reference: input.reference ?? null, source: src.source, allocations: allocations.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount.toString() })) },
  });
  const invoiceIds = allocations.map((a) => a.invoiceId);
  await emitEvent(ctx, 'payment.posted', customer.id, { paymentId: id, currency: input.currency, amount: amount.toString(), invoiceIds });
  return { id, allocated, unapplied: amount - allocated, invoiceIds };
}

export async function recordPayment(deps: PaymentsDeps, actor: Actor, input: PaymentInput): Promise<RecordedPayment> {
  const i = PaymentIn.parse(input);
  return runUseCase(deps, actor, async (ctx) => {
    await lockLedger(ctx.trx);
    return recordPaymentIn(ctx, deps.config.businessTimeZone, i);
  });
}

async function lockedPayment(ctx: UseCaseContext, paymentId: string) {
  const p = await ctx.trx.selectFrom('payments').selectAll().where('id', '=', paymentId).forUpdate().executeTakeFirst();
  if (!p) throw notFound('payment', paymentId);
  return p;
}

/** Allocate what is left of a payment: to named invoices, or oldest due first. */
export async function allocatePayment(deps: PaymentsDeps, actor: Actor, paymentId: string, spec: z.input<typeof AllocationSpec>): Promise<{ allocated: bigint; unapplied: bigint }> {
  const s = AllocationSpec.parse(spec);
  return runUseCase(deps, actor, async (ctx) => {
    await lockLedger(ctx.trx);
    const p = await lockedPayment(ctx, paymentId);
    if (p.status !== 'posted') throw new AppError('conflict', 'payments.reversed', { id: paymentId });
    const left = await paymentUnapplied(ctx.trx, paymentId);
    if (left <= 0n) throw new AppError('conflict', 'payments.nothing_unapplied');
    const tz = deps.config.businessTimeZone;
    const allocations = await allocateIn(ctx, tz, { id: p.id, customerId: p.customer_id, currency: p.currency, left, date: today(ctx.now, tz) }, s, 'allocate');
    if (allocations.length === 0) throw new AppError('conflict', 'payments.nothing_to_allocate');
    const allocated = allocations.reduce((x, a) => x + a.amount, 0n);
    await ctx.audit({ action: 'payment.allocate', entityType: 'payment', entityId: p.id, after: { allocations: allocations.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount.toString() })) } });
    await emitEvent(ctx, 'allocation.posted', p.customer_id, { paymentId: p.id, currency: p.currency, invoiceIds: allocations.map((a) => a.invoiceId) });
    return { allocated, unapplied: left - allocated };
  });
}

export const ReverseIn = z.strictObject({ reason: z.string().trim().min(1).max(500), reversedOn: IsoDate.optional(), returnCode: z.string().trim().max(10).optional() });

/** Inside a use case holding the ledger lock (a bank return entry does this too). */
export async function reversePaymentIn(ctx: UseCaseContext, tz: string, paymentId: string, input: z.output<typeof ReverseIn>): Promise<{ reopened: string[] }> {
  const p = await lockedPayment(ctx, paymentId);
  if (p.status === 'reversed') throw new AppError('conflict', 'payments.already_reversed', { id: paymentId });
  const refunded = await ctx.trx.selectFrom('refunds').select('id').where('payment_id', '=', paymentId).executeTakeFirst();
  if (refunded) throw new AppError('conflict', 'payments.reverse_refunded');
  const on = input.reversedOn ?? today(ctx.now, tz);
  if (on < p.received_on) throw new AppError('bad_request', 'payments.reversal_before_payment', { date: p.received_on }, { field: 'reversedOn' });
  const active = await ctx.trx.selectFrom('allocations').selectAll().where('payment_id', '=', paymentId).where('released_at', 'is', null).orderBy('created_at').execute();
  for (const a of active) await releaseAllocation(ctx, a, on > a.applied_on ? on : a.applied_on, 'reversal');
  await postPaymentReversed(ctx.trx, ctx.now, { id: p.id, customerId: p.customer_id, currency: p.currency, amount: p.amount, date: on }, input.reason);
  const reason = input.returnCode ? `${input.returnCode}: ${input.reason}` : input.reason;
  await ctx.trx.updateTable('payments').set({ status: 'reversed', reversed_on: on, reversed_at: ctx.now, reversal_reason: reason, flagged: true }).where('id', '=', paymentId).execute();
  const reopened = [...new Set(active.map((a) => a.invoice_id))];
  await ctx.audit({ action: 'payment.reverse', entityType: 'payment', entityId: paymentId, before: { status: 'posted' }, after: { status: 'reversed', reversedOn: on, reason, reopened } });
  await emitEvent(ctx, 'payment.reversed', p.customer_id, { paymentId, currency: p.currency, amount: p.amount.toString(), invoiceIds: reopened });
  return { reopened };
}

export async function reversePayment(deps: PaymentsDeps, actor: Actor, paymentId: string, input: z.input<typeof ReverseIn>): Promise<{ reopened: string[] }> {
  const i = ReverseIn.parse(input);
  return runUseCase(deps, actor, async (ctx) => {
    await lockLedger(ctx.trx);
    return reversePaymentIn(ctx, deps.config.businessTimeZone, paymentId, i);
  });
}

export const RefundIn = z.strictObject({
  /** default: all that is unapplied */
  amount: z.string().trim().max(40).optional(),
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().trim().max(200).optional(),
  reason: z.string().trim().min(1).max(500),
  refundedOn: IsoDate.optional(),
});

/** Pay back unapplied credit of a payment. */
export async function refundPayment(deps: PaymentsDeps, actor: Actor, paymentId: string, input: z.input<typeof RefundIn>): Promise<{ id: string; amount: bigint }> {
  const i = RefundIn.parse(input);
  return runUseCase(deps, actor, async (ctx) => {
    await lockLedger(ctx.trx);
    const p = await lockedPayment(ctx, paymentId);
    if (p.status !== 'posted') throw new AppError('conflict', 'payments.reversed', { id: paymentId });
    const left = await paymentUnapplied(ctx.trx, paymentId);
    const amount = i.amount === undefined ? left : amountIn(i.amount, p.currency, 'amount');
    if (left <= 0n) throw new AppError('conflict', 'payments.nothing_unapplied');
    if (amount > left) throw new AppError('bad_request', 'payments.refund_exceeds_unapplied', {}, { field: 'amount' });
    const tz = deps.config.businessTimeZone;
    const on = i.refundedOn ?? today(ctx.now, tz);
    if (on > today(ctx.now, tz)) throw new AppError('bad_request', 'payments.date_in_future', { date: on }, { field: 'refundedOn' });
    if (on < p.received_on) throw new AppError('bad_request', 'payments.refund_before_payment', { date: p.received_on }, { field: 'refundedOn' });
    const id = newId('rfd');
    await ctx.trx
      .insertInto('refunds')
      .values({ id, payment_id: p.id, customer_id: p.customer_id, amount, currency: p.currency, refunded_on: on, method: i.method, reference: i.reference ?? null, reason: i.reason, created_by: ctx.actor.label, created_at: ctx.now })
      .execute();
    await postRefund(ctx.trx, ctx.now, { id, customerId: p.customer_id, currency: p.currency, amount, date: on });
    await ctx.audit({ action: 'payment.refund', entityType: 'payment', entityId: p.id, after: { refundId: id, amount: amount.toString(), method: i.method, reason: i.reason } });
    await emitEvent(ctx, 'refund.posted', p.customer_id, { paymentId: p.id, refundId: id, currency: p.currency, amount: amount.toString() });
    return { id, amount };
  });
}
