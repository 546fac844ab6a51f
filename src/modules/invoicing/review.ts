import { AppError, notFound } from '../../core/errors.js';
import { parseMoney } from '../../core/money.js';
import { runUseCase, type Actor, type UseCaseContext } from '../../db/tx.js';
import { eligibility } from './eligibility.js';
import { customersForBilling, recomputeTotals } from './invoices.repo.js';
import { storeDraftLines } from './drafts.repo.js';
import type { InvoicingDeps } from './issue.js';
import { refreshRunCounts } from './runs.js';

/**
 * Review of draft invoices before issuing: hold with a reason or release, adjust a line's amount
 * (the amount the charges gave is kept beside it, with the note), and a note printed on the
 * invoice. Only drafts change; each change is audited with before and after.
 */
const NEEDS_REDRAFT = (code: string) => code.startsWith('pricing.') || code === 'invoicing.hold.unpriced_line' || code === 'invoicing.hold.issue_failed';

export async function draftForChange(ctx: UseCaseContext, invoiceId: string) {
  const inv = await ctx.trx.selectFrom('invoices').selectAll().where('id', '=', invoiceId).forUpdate().executeTakeFirst();
  if (!inv) throw notFound('invoice', invoiceId);
  if (inv.status !== 'draft') throw new AppError('conflict', 'invoicing.not_draft', { number: inv.number ?? inv.id });
  return inv;
}

/** Hold a draft (it is skipped when the run is issued) with a reason, or release it. */
export async function holdInvoice(deps: InvoicingDeps, actor: Actor, invoiceId: string, reason: string): Promise<void> {
  const text = reason.trim();
  if (!text) throw new AppError('bad_request', 'invoicing.hold_reason_required', {}, { field: 'reason' });
  await runUseCase(deps, actor, async (ctx) => {
    const inv = await draftForChange(ctx, invoiceId);
    await ctx.trx.updateTable('invoices').set({ hold_code: 'invoicing.hold.manual', hold_reason: text.slice(0, 500), updated_at: ctx.now }).where('id', '=', invoiceId).execute();
    if (inv.run_id) await refreshRunCounts(ctx.trx, inv.run_id, ctx.now);
    await ctx.audit({ action: 'invoice.hold', entityType: 'invoice', entityId: invoiceId, before: { holdCode: inv.hold_code, holdReason: inv.hold_reason }, after: { holdCode: 'invoicing.hold.manual', holdReason: text } });
  });
}

/** Release a hold. A hold the desk found is released only once its cause is gone (checked again now). */
export async function releaseInvoice(deps: InvoicingDeps, actor: Actor, invoiceId: string): Promise<void> {
  await runUseCase(deps, actor, async (ctx) => {
    const inv = await draftForChange(ctx, invoiceId);
    if (!inv.hold_code) return;
    // a draft held for unpriced lines or a failed issue lacks charges or has stale ones: it is
    // discarded and the period run again, never released as it is
    if (NEEDS_REDRAFT(inv.hold_code)) throw new AppError('conflict', 'invoicing.release_needs_redraft');
    if (inv.hold_code === 'invoicing.hold.zero_total') throw new AppError('conflict', 'invoicing.hold.zero_total');
    const [c] = await customersForBilling(ctx.trx, [inv.customer_id]);
    const e = eligibility(c!, inv.period_end ?? inv.created_at.toISOString().slice(0, 10));
    // the error is the hold's own reason
    if (e.holdCode) throw new AppError('conflict', e.holdCode);
    if (inv.net < 0n) throw new AppError('conflict', 'invoicing.negative_total');
    // the cause is gone: the tax may have changed with it (a VAT id, a rate)
    await ctx.trx
      .updateTable('invoices')
      .set({ hold_code: null, hold_reason: null, tax_mode: e.tax.mode, tax_rate: e.tax.rate, updated_at: ctx.now })
      .where('id', '=', invoiceId)
      .execute();
    await recomputeTotals(ctx.trx, invoiceId, ctx.now);
    if (inv.run_id) await refreshRunCounts(ctx.trx, inv.run_id, ctx.now);
    await ctx.audit({ action: 'invoice.release', entityType: 'invoice', entityId: invoiceId, before: { holdCode: inv.hold_code, holdReason: inv.hold_reason }, after: { holdCode: null } });
  });
}


/** Change a draft line's amount, with a note saying why; totals follow. */
export async function adjustLine(deps: InvoicingDeps, actor: Actor, invoiceId: string, lineId: string, amountText: string, note: string): Promise<void> {
  const why = note.trim();
  if (!why) throw new AppError('bad_request', 'invoicing.adjust_note_required', {}, { field: 'note' });
  await runUseCase(deps, actor, async (ctx) => {
    const inv = await draftForChange(ctx, invoiceId);
    let amount: bigint;
    try {
      amount = parseMoney(amountText, inv.currency).amount;
    } catch {
      throw new AppError('bad_request', 'invoicing.bad_amount', { value: amountText, currency: inv.currency }, { field: 'amount' });
    }
    if (amount > 10n ** 15n || amount < -(10n ** 15n)) throw new AppError('bad_request', 'invoicing.bad_amount', { value: amountText, currency: inv.currency }, { field: 'amount' });
    // the draft's lines are stored from its charges before the first adjustment
    await storeDraftLines(ctx.trx, invoiceId);
    const line = await ctx.trx.selectFrom('invoice_lines').selectAll().where('id', '=', lineId).where('invoice_id', '=', invoiceId).forUpdate().executeTakeFirst();
    if (!line) throw notFound('invoice_line', lineId);
    await ctx.trx
      .updateTable('invoice_lines')
      .set({ amount, adjusted_from: line.adjusted_from ?? line.amount, adjust_note: why.slice(0, 500) })
      .where('id', '=', lineId)
      .execute();
    await recomputeTotals(ctx.trx, invoiceId, ctx.now);
    if (inv.run_id) await refreshRunCounts(ctx.trx, inv.run_id, ctx.now);
    await ctx.audit({
      action: 'invoice.adjust_line',
      entityType: 'invoice',
      entityId: invoiceId,
      before: { lineId, amount: line.amount.toString() },
      after: { lineId, amount: amount.toString(), note: why },
    });
  });
}

/** The note printed on a draft (empty: none). */
export async function setInvoiceNote(deps: InvoicingDeps, actor: Actor, invoiceId: string, note: string): Promise<void> {
  await runUseCase(deps, actor, async (ctx) => {
    const inv = await draftForChange(ctx, invoiceId);
    const next = note.trim().slice(0, 2000) || null;
    await ctx.trx.updateTable('invoices').set({ note: next, updated_at: ctx.now }).where('id', '=', invoiceId).execute();
    await ctx.audit({ action: 'invoice.note', entityType: 'invoice', entityId: invoiceId, before: { note: inv.note }, after: { note: next } });
  });
}

/**
 * Discard a draft: its charges are open again for the next run of the period (e.g. after adding
 * the exchange rate a held customer lacked). Drafts only; nothing was numbered.
 */
export async function discardDraft(deps: InvoicingDeps, actor: Actor, invoiceId: string): Promise<void> {
  await runUseCase(deps, actor, async (ctx) => {
    const inv = await draftForChange(ctx, invoiceId);
    await ctx.trx.deleteFrom('invoices').where('id', '=', invoiceId).execute();
    if (inv.run_id) await refreshRunCounts(ctx.trx, inv.run_id, ctx.now);
    await ctx.audit({ action: 'invoice.discard', entityType: 'invoice', entityId: invoiceId, before: { customerId: inv.customer_id, currency: inv.currency, net: inv.net.toString(), holdCode: inv.hold_code } });
  });
}
