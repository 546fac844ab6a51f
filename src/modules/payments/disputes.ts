import { z } from 'zod';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Executor } from '../../db/store.js';
import { runUseCase, type Actor } from '../../db/tx.js';
import { emitEvent } from '../../jobs/events.js';
import { today } from '../provider-billing/provider-invoices.js';
import { lockLedger } from './ledger.js';
import { amountIn, type PaymentsDeps } from './payments.js';
import { documentOpen } from './receivables.repo.js';

/**
 * Disputes: a customer contests (part of) an issued invoice. While a dispute is open its amount
 * is shown apart in the aging (not aged) and the collections engine leaves it alone. Never more
 * than is open on the invoice is disputed at a time (open disputes of the same invoice count).
 * Closing says how it ended: won (the customer was right: a credit note follows), lost (the
 * amount is due again) or withdrawn. Each is one use case with an audit row and an event.
 */
export const DISPUTE_OUTCOMES = ['won', 'lost', 'withdrawn'] as const;
export type DisputeStatus = 'open' | (typeof DISPUTE_OUTCOMES)[number];

export const OpenDisputeIn = z.strictObject({
  /** decimal in the invoice currency; default: all that is open and not yet disputed */
  amount: z.string().trim().min(1).max(40).optional(),
  reason: z.string().trim().min(1).max(1000),
  /** the support ticket it came from */
  ticketId: z.string().trim().min(1).max(64).optional(),
});
export const CloseDisputeIn = z.strictObject({
  outcome: z.enum(DISPUTE_OUTCOMES),
  resolution: z.string().trim().min(1).max(1000),
});

export interface Dispute {
  id: string;
  invoiceId: string;
  invoiceNumber: string | null;
  customerId: string;
  customerName: string;
  currency: string;
  amount: bigint;
  reason: string;
  status: DisputeStatus;
  openedOn: string;
  closedOn: string | null;
  resolution: string | null;
  ticketId: string | null;
  createdBy: string;
  createdAt: Date;
}

export async function listDisputes(db: Executor, q: { id?: string | undefined; status?: DisputeStatus | undefined; customerId?: string | undefined; invoiceId?: string | undefined; limit?: number } = {}): Promise<Dispute[]> {
  const rows = await db
    .selectFrom('disputes as d')
    .innerJoin('invoices as i', 'i.id', 'd.invoice_id')
    .innerJoin('customers as c', 'c.id', 'd.customer_id')
    .select(['d.id', 'd.invoice_id', 'i.number', 'd.customer_id', 'c.company_name', 'd.currency', 'd.amount', 'd.reason', 'd.status', 'd.opened_on', 'd.closed_on', 'd.resolution', 'd.ticket_id', 'd.created_by', 'd.created_at'])
    .$if(!!q.id, (qb) => qb.where('d.id', '=', q.id!))
    .$if(!!q.status, (qb) => qb.where('d.status', '=', q.status!))
    .$if(!!q.customerId, (qb) => qb.where('d.customer_id', '=', q.customerId!))
    .$if(!!q.invoiceId, (qb) => qb.where('d.invoice_id', '=', q.invoiceId!))
    .orderBy('d.opened_on', 'desc')
    .orderBy('d.created_at', 'desc')
    .limit(q.limit ?? 500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    invoiceId: r.invoice_id,
    invoiceNumber: r.number,
    customerId: r.customer_id,
    customerName: r.company_name,
    currency: r.currency,
    amount: BigInt(r.amount),
    reason: r.reason,
    status: r.status,
    openedOn: r.opened_on,
    closedOn: r.closed_on,
    resolution: r.resolution,
    ticketId: r.ticket_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }));
}

async function disputedOpen(db: Executor, invoiceId: string): Promise<bigint> {
  const r = await db.selectFrom('disputes').select((eb) => eb.fn.sum<string | null>('amount').as('s')).where('invoice_id', '=', invoiceId).where('status', '=', 'open').executeTakeFirst();
  return BigInt(r?.s ?? '0');
}

export async function openDispute(deps: PaymentsDeps, actor: Actor, invoiceId: string, input: z.input<typeof OpenDisputeIn>): Promise<Dispute> {
  const i = OpenDisputeIn.parse(input);
  const id = await runUseCase(deps, actor, async (ctx) => {
    // postings change what is open: take their lock first, then the invoice's
    await lockLedger(ctx.trx);
    const inv = await ctx.trx.selectFrom('invoices').select(['id', 'kind', 'status', 'number', 'customer_id', 'currency']).where('id', '=', invoiceId).forUpdate().executeTakeFirst();
    if (!inv) throw notFound('invoice', invoiceId);
    if (inv.kind !== 'invoice') throw new AppError('bad_request', 'payments.dispute_not_invoice', { number: inv.number ?? inv.id });
    if (inv.status !== 'issued') throw new AppError('conflict', 'payments.dispute_not_issued', { number: inv.number ?? inv.id });
    const left = (await documentOpen(ctx.trx, inv.id)) - (await disputedOpen(ctx.trx, inv.id));
    if (left <= 0n) throw new AppError('conflict', 'payments.dispute_nothing_open', { number: inv.number! });
    const amount = i.amount === undefined ? left : amountIn(i.amount, inv.currency, 'amount');
    if (amount > left) throw new AppError('bad_request', 'payments.dispute_exceeds_open', { number: inv.number! }, { field: 'amount' });
    const id = newId('dsp');
    const openedOn = today(ctx.now, deps.config.businessTimeZone);
    await ctx.trx
      .insertInto('disputes')
      .values({ id, invoice_id: inv.id, customer_id: inv.customer_id, currency: inv.currency, amount, reason: i.reason, status: 'open', opened_on: openedOn, ticket_id: i.ticketId ?? null, created_by: ctx.actor.label, created_at: ctx.now, updated_at: ctx.now })
      .execute();
    await ctx.audit({ action: 'dispute.open', entityType: 'dispute', entityId: id, after: { invoiceId: inv.id, number: inv.number, amount: amount.toString(), currency: inv.currency, reason: i.reason, ticketId: i.ticketId ?? null } });
    await emitEvent(ctx, 'dispute.opened', inv.customer_id, { disputeId: id, invoiceId: inv.id, currency: inv.currency, amount: amount.toString() });
    return id;
  });
  return (await listDisputes(deps.db, { id }))[0]!;
}

export async function closeDispute(deps: PaymentsDeps, actor: Actor, disputeId: string, input: z.input<typeof CloseDisputeIn>): Promise<Dispute> {
  const i = CloseDisputeIn.parse(input);
  await runUseCase(deps, actor, async (ctx) => {
    const d = await ctx.trx.selectFrom('disputes').selectAll().where('id', '=', disputeId).forUpdate().executeTakeFirst();
    if (!d) throw notFound('dispute', disputeId);
    if (d.status !== 'open') throw new AppError('conflict', 'payments.dispute_closed', { status: d.status });
    const closedOn = today(ctx.now, deps.config.businessTimeZone);
    await ctx.trx.updateTable('disputes').set({ status: i.outcome, closed_on: closedOn, resolution: i.resolution, updated_at: ctx.now }).where('id', '=', d.id).execute();
    await ctx.audit({ action: 'dispute.close', entityType: 'dispute', entityId: d.id, before: { status: 'open' }, after: { status: i.outcome, closedOn, resolution: i.resolution } });
    await emitEvent(ctx, 'dispute.closed', d.customer_id, { disputeId: d.id, invoiceId: d.invoice_id, currency: d.currency, amount: BigInt(d.amount).toString(), outcome: i.outcome });
  });
  return (await listDisputes(deps.db, { id: disputeId }))[0]!;
}
