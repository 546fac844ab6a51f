import { z } from 'zod';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { parseMoney } from '../../core/money.js';
import { runUseCase, type Actor, type UseCaseContext } from '../../db/tx.js';
import type { AllocationsTable } from '../../db/types.js';
import type { Selectable } from 'kysely';
import { emitEvent } from '../../jobs/events.js';
import { today } from '../provider-billing/provider-invoices.js';
import { lockLedger } from './ledger.js';
import type { PaymentsDeps } from './payments.js';
import { postAllocation } from './postings.js';
import { documentOpen, openInvoicesOldestFirst } from './receivables.repo.js';

/**
 * Allocation: what pays which invoice. The source is a payment (its journal entry moves the
 * amount from the customer's unapplied cash to their receivable) or a credit note (both sides
 * are receivables: no entry). No allocation is larger than what its source has left, or than
 * what its invoice has open; an invoice of another customer or currency is refused by name.
 */
export const AllocationSpec = z.union([
  z.enum(['oldest', 'none']),
  z.array(z.strictObject({ invoiceId: z.string().min(1).max(64), amount: z.string().trim().max(40).optional() })).min(1).max(500),
]);
export type AllocationSpecInput = z.input<typeof AllocationSpec>;

export interface Source {
  /** payment id, or credit note id when `creditNote` */
  id: string;
  creditNote?: boolean;
  customerId: string;
  currency: string;
  left: bigint;
  /** the earliest date an allocation can count from (the payment's date) */
  date: string;
}

export interface MadeAllocation {
  id: string;
  invoiceId: string;
  amount: bigint;
}

/** Allocate from a source inside a use case that holds the ledger lock. `field` names the request field in errors. */
export async function allocateIn(ctx: UseCaseContext, tz: string, src: Source, spec: z.output<typeof AllocationSpec>, field: string): Promise<MadeAllocation[]> {
  if (spec === 'none' || src.left <= 0n) {
    if (Array.isArray(spec) && src.left <= 0n) throw new AppError('bad_request', 'payments.allocation_exceeds_payment', {}, { field });
    return [];
  }
  const plan: { invoiceId: string; number: string | null; issueDate: string; amount: bigint }[] = [];
  let left = src.left;
  if (spec === 'oldest') {
    for (const inv of await openInvoicesOldestFirst(ctx.trx, src.customerId, src.currency)) {
      if (left === 0n) break;
      const amount = inv.open < left ? inv.open : left;
      plan.push({ invoiceId: inv.id, number: inv.number, issueDate: inv.issueDate, amount });
      left -= amount;
    }
  } else {
    const seen = new Set<string>();
    for (const [n, w] of spec.entries()) {
      const f = `${field}.${n}`;
      const inv = await ctx.trx.selectFrom('invoices').select(['id', 'kind', 'status', 'customer_id', 'currency', 'number', 'issue_date']).where('id', '=', w.invoiceId).forUpdate().executeTakeFirst();
      if (!inv || inv.kind !== 'invoice' || inv.status === 'draft') throw new AppError('bad_request', 'payments.unknown_invoice', { id: w.invoiceId }, { field: `${f}.invoiceId` });
      if (inv.customer_id !== src.customerId) throw new AppError('bad_request', 'payments.invoice_other_customer', { number: inv.number ?? inv.id }, { field: `${f}.invoiceId` });
      if (inv.currency !== src.currency) throw new AppError('bad_request', 'payments.invoice_other_currency', { number: inv.number ?? inv.id, currency: inv.currency }, { field: `${f}.invoiceId` });
      if (seen.has(inv.id)) throw new AppError('bad_request', 'payments.invoice_twice', { number: inv.number ?? inv.id }, { field: `${f}.invoiceId` });
      seen.add(inv.id);
      const open = await documentOpen(ctx.trx, inv.id);
      let amount = open < left ? open : left;
      if (w.amount !== undefined) {
        try {
          amount = parseMoney(w.amount, src.currency).amount;
        } catch {
          throw new AppError('bad_request', 'payments.bad_amount', { value: w.amount, currency: src.currency }, { field: `${f}.amount` });
        }
        if (amount <= 0n) throw new AppError('bad_request', 'payments.amount_not_positive', { value: w.amount }, { field: `${f}.amount` });
        if (amount > open) throw new AppError('bad_request', 'payments.allocation_exceeds_invoice', { number: inv.number ?? inv.id }, { field: `${f}.amount` });
        if (amount > left) throw new AppError('bad_request', 'payments.allocation_exceeds_payment', {}, { field: `${f}.amount` });
      }
      if (open <= 0n) throw new AppError('bad_request', 'payments.invoice_settled', { number: inv.number ?? inv.id }, { field: `${f}.invoiceId` });
      if (amount <= 0n) throw new AppError('bad_request', 'payments.allocation_exceeds_payment', {}, { field: `${f}.amount` });
      plan.push({ invoiceId: inv.id, number: inv.number, issueDate: inv.issue_date!, amount });
      left -= amount;
    }
  }
  const made: MadeAllocation[] = [];
  for (const p of plan) {
    // counts from when both the money and the invoice existed
    const later = [src.date, p.issueDate].sort()[1]!;
    const appliedOn = later > today(ctx.now, tz) ? today(ctx.now, tz) : later;
    const id = newId('alc');
    await ctx.trx
      .insertInto('allocations')
      .values({
        id,
        customer_id: src.customerId,
        currency: src.currency,
        payment_id: src.creditNote ? null : src.id,
        credit_note_id: src.creditNote ? src.id : null,
        invoice_id: p.invoiceId,
        amount: p.amount,
        applied_on: appliedOn,
        created_by: ctx.actor.label,
        created_at: ctx.now,
      })
      .execute();
    if (!src.creditNote) await postAllocation(ctx.trx, ctx.now, { id, customerId: src.customerId, currency: src.currency, amount: p.amount, date: appliedOn, invoiceNumber: p.number });
    made.push({ id, invoiceId: p.invoiceId, amount: p.amount });
  }
  return made;
}

/** Release an allocation (the invoice is open again by its amount); payment allocations post the reverse entry. */
export async function releaseAllocation(ctx: UseCaseContext, a: Selectable<AllocationsTable>, on: string, reason: 'reversal' | 'undone'): Promise<void> {
  await ctx.trx.updateTable('allocations').set({ released_on: on, released_at: ctx.now, release_reason: reason }).where('id', '=', a.id).where('released_at', 'is', null).execute();
  if (a.payment_id) {
    const inv = await ctx.trx.selectFrom('invoices').select('number').where('id', '=', a.invoice_id).executeTakeFirst();
    await postAllocation(ctx.trx, ctx.now, { id: a.id, customerId: a.customer_id, currency: a.currency, amount: a.amount, date: on, invoiceNumber: inv?.number ?? null }, true);
  }
}

/** Undo an allocation a person made by mistake: the invoice is open again, the money unapplied again. */
export async function undoAllocation(deps: PaymentsDeps, actor: Actor, allocationId: string): Promise<void> {
  await runUseCase(deps, actor, async (ctx) => {
    await lockLedger(ctx.trx);
    const a = await ctx.trx.selectFrom('allocations').selectAll().where('id', '=', allocationId).forUpdate().executeTakeFirst();
    if (!a) throw notFound('allocation', allocationId);
    if (a.released_at) throw new AppError('conflict', 'payments.allocation_released');
    const on = today(ctx.now, deps.config.businessTimeZone);
    await releaseAllocation(ctx, a, on > a.applied_on ? on : a.applied_on, 'undone');
    await ctx.audit({ action: 'allocation.undo', entityType: 'allocation', entityId: a.id, after: { invoiceId: a.invoice_id, amount: a.amount.toString(), paymentId: a.payment_id, creditNoteId: a.credit_note_id } });
    await emitEvent(ctx, 'allocation.released', a.customer_id, { allocationId: a.id, invoiceIds: [a.invoice_id], currency: a.currency });
  });
}

/**
 * A new credit note pays its own invoice first, as far as that invoice is open. What is left
 * (the invoice was already paid) stays an open credit for the customer's next invoices.
 */
export async function applyCreditNoteToOwnInvoice(ctx: UseCaseContext, tz: string, cn: { id: string; customerId: string; currency: string; gross: bigint; invoiceId: string; issueDate: string }): Promise<bigint> {
  const open = await documentOpen(ctx.trx, cn.invoiceId);
  if (open <= 0n) return 0n;
  const made = await allocateIn(ctx, tz, { id: cn.id, creditNote: true, customerId: cn.customerId, currency: cn.currency, left: cn.gross, date: cn.issueDate }, [{ invoiceId: cn.invoiceId, amount: undefined }], 'invoiceId');
  return made.reduce((s, a) => s + a.amount, 0n);
}

/** Apply an open credit note to other invoices of its customer (named, or oldest due first). */
export async function applyCreditNote(deps: PaymentsDeps, actor: Actor, creditNoteId: string, spec: AllocationSpecInput): Promise<{ applied: bigint; left: bigint }> {
  const s = AllocationSpec.parse(spec);
  return runUseCase(deps, actor, async (ctx) => {
    await lockLedger(ctx.trx);
    const cn = await ctx.trx.selectFrom('invoices').select(['id', 'kind', 'status', 'customer_id', 'currency']).where('id', '=', creditNoteId).forUpdate().executeTakeFirst();
    if (!cn || cn.kind !== 'credit_note') throw notFound('credit_note', creditNoteId);
    const left = await documentOpen(ctx.trx, cn.id);
    if (left <= 0n) throw new AppError('conflict', 'payments.credit_used');
    const tz = deps.config.businessTimeZone;
    const made = await allocateIn(ctx, tz, { id: cn.id, creditNote: true, customerId: cn.customer_id, currency: cn.currency, left, date: today(ctx.now, tz) }, s, 'allocate');
    if (made.length === 0) throw new AppError('conflict', 'payments.nothing_to_allocate');
    const applied = made.reduce((x, a) => x + a.amount, 0n);
    await ctx.audit({ action: 'credit_note.apply', entityType: 'invoice', entityId: cn.id, after: { allocations: made.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount.toString() })) } });
    await emitEvent(ctx, 'allocation.posted', cn.customer_id, { creditNoteId: cn.id, currency: cn.currency, invoiceIds: made.map((a) => a.invoiceId) });
    return { applied, left: left - applied };
  });
}
