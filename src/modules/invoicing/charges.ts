import { z } from 'zod';
import { sql } from 'kysely';
import { AppError, notFound } from '../../core/errors.js';
import { isCurrency, currencyExponent } from '../../core/currencies.js';
import { newId } from '../../core/ids.js';
import { parseMoney } from '../../core/money.js';
import type { Executor } from '../../db/store.js';
import { runUseCase, type Actor, type UseCaseContext, type UseCaseDeps } from '../../db/tx.js';
import { feeSchedule } from './fee-schedule.js';
import { periodOf } from './period.js';

/**
 * Charges that are not rated provider lines: recurring fees (support plans, managed services)
 * and manual one-off charges or credits. Each use case is one transaction with its audit row.
 * A charge already on an issued invoice is never changed; an open one may be removed.
 */
const DECIMAL = /^-?\d{1,14}(\.\d{1,6})?$/;
/** A real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
const DAY = { test: (v: string) => z.iso.date().safeParse(v).success };
const decimal = (positive: boolean) =>
  z.string().trim().regex(DECIMAL).refine((v) => !positive || !v.startsWith('-'), { message: 'must not be negative' });

export const ManualChargeIn = z.object({
  customerId: z.string().min(1),
  description: z.string().trim().min(1).max(300),
  group: z.string().trim().max(200).optional(),
  quantity: decimal(false).default('1'),
  /** the amount of the charge (negative: a credit), in the currency's units, e.g. "150.00" */
  amount: z.string().trim().regex(/^-?\d{1,13}(\.\d{1,4})?$/),
  currency: z.string().trim().regex(/^[A-Z]{3}$/),
  periodStart: z.iso.date(),
  periodEnd: z.iso.date(),
  billingPeriod: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional(),
});
export type ManualChargeInput = z.input<typeof ManualChargeIn>;

async function customerExists(db: Executor, id: string, field = 'customerId') {
  const c = await db.selectFrom('customers').select(['id', 'billing_currency']).where('id', '=', id).executeTakeFirst();
  if (!c) throw new AppError('not_found', 'not_found', { entity: 'customer', id }, { field });
  return c;
}

function currencyOk(code: string, field = 'currency') {
  if (!isCurrency(code)) throw new AppError('bad_request', 'invoicing.bad_currency', { currency: code }, { field });
}

export async function addManualCharge(deps: UseCaseDeps, actor: Actor, input: ManualChargeInput): Promise<{ id: string }> {
  const i = ManualChargeIn.parse(input);
  currencyOk(i.currency);
  if (i.periodEnd < i.periodStart) throw new AppError('bad_request', 'invoicing.bad_service_period', {}, { field: 'periodEnd' });
  if (/^-?0*(\.0*)?$/.test(i.quantity)) throw new AppError('bad_request', 'invoicing.bad_quantity', {}, { field: 'quantity' });
  let amount: bigint;
  try {
    amount = parseMoney(i.amount, i.currency).amount;
  } catch {
    throw new AppError('bad_request', 'invoicing.bad_amount', { value: i.amount, currency: i.currency }, { field: 'amount' });
  }
  return runUseCase(deps, actor, async (ctx) => {
    await customerExists(ctx.trx, i.customerId);
    const id = newId('chg');
    // the unit price shown is the amount per unit, to 6 decimals
    const unit = await sql<{ u: string }>`SELECT round(${amount}::numeric / ${10n ** BigInt(currencyExponent(i.currency))} / ${i.quantity}::numeric, 6)::text AS u`.execute(ctx.trx);
    await ctx.trx
      .insertInto('charges')
      .values({
        id,
        customer_id: i.customerId,
        source: 'manual',
        source_ref: null,
        billing_period: i.billingPeriod ?? periodOf(i.periodEnd),
        subscription_id: null,
        group_key: `manual:${i.group ?? ''}`,
        group_title: i.group ?? '',
        description: i.description,
        category: null,
        product_id: null,
        sku_id: null,
        period_start: i.periodStart,
        period_end: i.periodEnd,
        quantity: i.quantity,
        unit_price: unit.rows[0]!.u,
        amount,
        currency: i.currency,
        cost: null,
        proration: null,
        price_rule_id: null,
        price_method: 'manual',
        fx_rate: null,
        invoice_id: null,
        created_by: actor.label,
        created_at: ctx.now,
      })
      .execute();
    await ctx.audit({ action: 'charge.create', entityType: 'charge', entityId: id, after: { ...i, amount: amount.toString() } });
    return { id };
  });
}

/** Remove an open charge (not on an issued invoice, not in a pending draft). */
export async function removeCharge(deps: UseCaseDeps, actor: Actor, id: string): Promise<void> {
  await runUseCase(deps, actor, async (ctx) => {
    const c = await ctx.trx.selectFrom('charges').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!c) throw notFound('charge', id);
    if (c.invoice_id) throw new AppError('conflict', 'invoicing.charge_invoiced', { id });
    // rated provider lines would be rated again, fee periods billed again: only manual charges go
    if (c.source === 'recurring') throw new AppError('conflict', 'invoicing.charge_from_fee', { id });
    if (c.source !== 'manual') throw new AppError('conflict', 'invoicing.charge_not_manual', { id });
    // a pending draft of the customer and currency covers it (held ones of issued runs too)
    const inDraft = await sql<{ run: string }>`SELECT coalesce(i.run_id, i.id) AS run FROM invoices i
      WHERE i.status = 'draft' AND i.kind = 'invoice' AND i.customer_id = ${c.customer_id} AND i.currency = ${c.currency} LIMIT 1`.execute(ctx.trx);
    if (inDraft.rows.length) throw new AppError('conflict', 'invoicing.charge_in_draft', { id, run: inDraft.rows[0]!.run });
    await ctx.trx.deleteFrom('charges').where('id', '=', id).execute();
    await ctx.audit({ action: 'charge.delete', entityType: 'charge', entityId: id, before: { ...c, amount: c.amount.toString(), seq: c.seq.toString() } });
  });
}

export const FeeIn = z.object({
  customerId: z.string().min(1),
  name: z.string().trim().min(1).max(200),
  productCode: z.string().trim().max(60).optional(),
  category: z.string().trim().max(40).default('service'),
  quantity: decimal(true).default('1'),
  unitPrice: decimal(true),
  currency: z.string().trim().regex(/^[A-Z]{3}$/).optional(),
  interval: z.enum(['month', 'year']),
  startDate: z.iso.date(),
  endDate: z.iso.date().nullable().optional(),
});
export type FeeInput = z.input<typeof FeeIn>;

export async function createFee(deps: UseCaseDeps, actor: Actor, input: FeeInput): Promise<{ id: string }> {
  const i = FeeIn.parse(input);
  if (i.endDate && i.endDate < i.startDate) throw new AppError('bad_request', 'invoicing.bad_service_period', {}, { field: 'endDate' });
  if (/^0*(\.0*)?$/.test(i.quantity)) throw new AppError('bad_request', 'invoicing.bad_quantity', {}, { field: 'quantity' });
  return runUseCase(deps, actor, async (ctx) => {
    const c = await customerExists(ctx.trx, i.customerId);
    const currency = i.currency ?? c.billing_currency;
    currencyOk(currency);
    const id = newId('fee');
    await ctx.trx
      .insertInto('recurring_fees')
      .values({
        id,
        customer_id: i.customerId,
        name: i.name,
        product_code: i.productCode ?? null,
        category: i.category,
        quantity: i.quantity,
        unit_price: i.unitPrice,
        currency,
        interval: i.interval,
        start_date: i.startDate,
        end_date: i.endDate ?? null,
        billed_through: null,
        created_by: actor.label,
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .execute();
    await ctx.audit({ action: 'recurring_fee.create', entityType: 'recurring_fee', entityId: id, after: { ...i, currency } });
    return { id };
  });
}

/** Stop a fee after `endDate` (its last day of service). Days already billed beyond it are credited at the next run. */
export async function stopFee(deps: UseCaseDeps, actor: Actor, id: string, endDate: string): Promise<void> {
  if (!DAY.test(endDate)) throw new AppError('bad_request', 'invoicing.bad_date', { value: endDate }, { field: 'endDate' });
  await runUseCase(deps, actor, async (ctx) => {
    const f = await ctx.trx.selectFrom('recurring_fees').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!f) throw notFound('recurring_fee', id);
    if (endDate < f.start_date) throw new AppError('bad_request', 'invoicing.bad_service_period', {}, { field: 'endDate' });
    if (f.end_date && f.end_date <= endDate) throw new AppError('conflict', 'invoicing.fee_already_ends', { endDate: f.end_date });
    await ctx.trx.updateTable('recurring_fees').set({ end_date: endDate, updated_at: ctx.now }).where('id', '=', id).execute();
    await ctx.audit({ action: 'recurring_fee.stop', entityType: 'recurring_fee', entityId: id, before: { endDate: f.end_date }, after: { endDate } });
  });
}

/**
 * Charge every fee for its service up to `through` (inside the caller's transaction; idempotent:
 * each interval's charge has a source_ref, and billed_through moves with it). Returns the number
 * of charges made.
 */
export async function chargeFeesThrough(ctx: UseCaseContext, through: string): Promise<number> {
  const fees = await ctx.trx
    .selectFrom('recurring_fees')
    .selectAll()
    .where((e) => e.or([e('billed_through', 'is', null), e('billed_through', '<', through), e.and([e('end_date', 'is not', null), e('end_date', '<', e.ref('billed_through'))])]))
    .where('start_date', '<=', through)
    .forUpdate()
    .execute();
  let made = 0;
  for (const f of fees) {
    const s = feeSchedule(
      { id: f.id, quantity: f.quantity, unitPrice: f.unit_price, currency: f.currency, interval: f.interval, startDate: f.start_date, endDate: f.end_date, billedThrough: f.billed_through },
      through,
    );
    if (s.charges.length === 0) continue;
    const res = await ctx.trx
      .insertInto('charges')
      .values(
        s.charges.map((c) => ({
          id: newId('chg'),
          customer_id: f.customer_id,
          source: 'recurring' as const,
          source_ref: c.sourceRef,
          // a charge billed in advance belongs to the period its service starts in; a credit to the period it is found in
          billing_period: c.kind === 'credit' ? periodOf(through) : periodOf(c.periodStart),
          subscription_id: null,
          group_key: `fee:${f.id}`,
          group_title: f.name,
          description: f.name,
          category: f.category,
          product_id: f.product_code,
          sku_id: null,
          period_start: c.periodStart,
          period_end: c.periodEnd,
          quantity: f.quantity,
          unit_price: f.unit_price,
          amount: c.amount,
          currency: f.currency,
          cost: null,
          proration: c.proration ? JSON.stringify(c.proration) : null,
          price_rule_id: null,
          price_method: c.kind === 'credit' ? 'fee_credit' : 'fee',
          fx_rate: null,
          invoice_id: null,
          created_by: ctx.actor.label,
          created_at: ctx.now,
        })),
      )
      .onConflict((oc) => oc.columns(['source', 'source_ref']).doNothing())
      .executeTakeFirst();
    made += Number(res.numInsertedOrUpdatedRows ?? 0);
    await ctx.trx.updateTable('recurring_fees').set({ billed_through: s.billedThrough, updated_at: ctx.now }).where('id', '=', f.id).execute();
  }
  return made;
}
