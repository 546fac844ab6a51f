import { z } from 'zod';
import { sql } from 'kysely';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { formatScaled, parseMoney } from '../../core/money.js';
import { currencyExponent } from '../../core/currencies.js';
import { runUseCase, type Actor } from '../../db/tx.js';
import { today } from '../provider-billing/provider-invoices.js';
import { invoiceLines } from './invoices.repo.js';
import { assignNumber, queueDelivery, type InvoicingDeps } from './issue.js';
import { getPartnerProfile } from './partner-profile.js';
import { taxOn } from './tax.js';
import { lockLedger } from '../payments/ledger.js';
import { postInvoiceDoc } from '../payments/postings.js';
import { applyCreditNoteToOwnInvoice } from '../payments/allocate.js';
import { emitEvent } from '../../jobs/events.js';

/**
 * Credit notes: a document of its own series (CN-2026-000001) that credits lines of one issued
 * invoice, in full or in part, never more than a line has left. Its tax is the invoice's rate on
 * the credited net; a credit note that takes what is left of the invoice takes exactly the tax
 * left too, so an invoice credited in full nets to zero to the cent. Voiding an invoice issues a
 * full credit note for what is left and marks the invoice void; the charges may be released to
 * be invoiced again (a correction). Amounts on a credit note are positive; its kind says they
 * reduce what the customer owes.
 */
export const CreditNoteIn = z.object({
  reason: z.string().trim().min(1).max(500),
  /** lines to credit and how much (in the currency's units); a line without amount is credited in full */
  lines: z.array(z.object({ lineId: z.string().min(1), amount: z.string().trim().optional() })).min(1).optional(),
});
export type CreditNoteInput = z.input<typeof CreditNoteIn>;

export interface CreditNoteResult {
  id: string;
  number: string;
  net: bigint;
  tax: bigint;
  gross: bigint;
}

export async function createCreditNote(deps: InvoicingDeps, actor: Actor, invoiceId: string, input: CreditNoteInput, opts: { void?: boolean; releaseCharges?: boolean } = {}): Promise<CreditNoteResult> {
  const i = CreditNoteIn.parse(input);
  return runUseCase(deps, actor, async (ctx) => {
    await lockLedger(ctx.trx);
    const inv = await ctx.trx.selectFrom('invoices').selectAll().where('id', '=', invoiceId).forUpdate().executeTakeFirst();
    if (!inv || inv.kind !== 'invoice') throw notFound('invoice', invoiceId);
    if (inv.status === 'draft') throw new AppError('conflict', 'invoicing.credit_draft');
    if (inv.status === 'void') throw new AppError('conflict', 'invoicing.already_void', { number: inv.number! });
    const lines = await invoiceLines(ctx.trx, invoiceId);
    const byId = new Map(lines.map((l) => [l.id, l]));
    const left = (l: (typeof lines)[number]) => l.amount - (l.credited ?? 0n);

    // what to credit: the named lines (whole or partial), or everything left
    const wanted = opts.void || !i.lines ? lines.filter((l) => left(l) !== 0n).map((l) => ({ line: l, amount: left(l) })) : [];
    if (!opts.void && i.lines) {
      const seen = new Set<string>();
      i.lines.forEach((w, n) => {
        const line = byId.get(w.lineId);
        if (!line) throw new AppError('bad_request', 'invoicing.credit_unknown_line', { lineId: w.lineId }, { field: `lines.${n}.lineId` });
        if (seen.has(w.lineId)) throw new AppError('bad_request', 'invoicing.credit_line_twice', { lineId: w.lineId }, { field: `lines.${n}.lineId` });
        seen.add(w.lineId);
        let amount = left(line);
        if (w.amount !== undefined) {
          try {
            amount = parseMoney(w.amount, inv.currency).amount;
          } catch {
            throw new AppError('bad_request', 'invoicing.bad_amount', { value: w.amount, currency: inv.currency }, { field: `lines.${n}.amount` });
          }
        }
        // a credit has the sign of its line, and never more than the line has left
        const room = left(line);
        const same = room >= 0n ? amount > 0n && amount <= room : amount < 0n && amount >= room;
        if (!same) throw new AppError('bad_request', 'invoicing.credit_too_much', { lineId: w.lineId }, { field: `lines.${n}.amount` });
        wanted.push({ line, amount });
      });
    }
    if (wanted.length === 0) throw new AppError('conflict', 'invoicing.nothing_to_credit');

    const net = wanted.reduce((s, w) => s + w.amount, 0n);
    const prior = await sql<{ net: string; tax: string }>`SELECT coalesce(sum(net), 0)::text AS net, coalesce(sum(tax), 0)::text AS tax FROM invoices
      WHERE credits_invoice_id = ${invoiceId} AND status <> 'draft'`.execute(ctx.trx);
    const priorNet = BigInt(prior.rows[0]!.net);
    const priorTax = BigInt(prior.rows[0]!.tax);
    // a credit note reduces what is owed (its net is positive) and, with the earlier ones, never
    // credits more than the invoice's net, whatever the signs of the lines it names
    if (net <= 0n || priorNet + net > inv.net) throw new AppError('bad_request', 'invoicing.credit_exceeds_invoice', {}, { field: 'lines' });
    if (opts.releaseCharges && priorNet > 0n) throw new AppError('conflict', 'invoicing.release_after_credit');
    // the last credit takes exactly the tax left; others the rate on their net, never more than is left
    const taxLeft = inv.tax - priorTax;
    const ownTax = taxOn(net, inv.tax_rate);
    const tax = priorNet + net === inv.net ? taxLeft : ownTax > taxLeft ? taxLeft : ownTax < 0n ? 0n : ownTax;

    const profile = await getPartnerProfile(ctx.trx);
    const issueDate = today(ctx.now, deps.config.businessTimeZone);
    const n = await assignNumber(ctx, profile.creditNotePrefix, issueDate);
    const id = newId('inv');
    await ctx.trx
      .insertInto('invoices')
      .values({
        id,
        kind: 'credit_note',
        run_id: null,
        customer_id: inv.customer_id,
        currency: inv.currency,
        period: inv.period,
        period_start: inv.period_start,
        period_end: inv.period_end,
        status: 'issued',
        hold_reason: null,
        hold_code: null,
        note: null,
        series: n.series,
        seq: n.seq,
        number: n.number,
        issue_date: issueDate,
        due_date: null,
        net,
        tax,
        gross: net + tax,
        tax_mode: inv.tax_mode,
        tax_rate: inv.tax_rate,
        locale: inv.locale,
        customer_snapshot: JSON.stringify(inv.customer_snapshot),
        issuer_snapshot: JSON.stringify(inv.issuer_snapshot),
        credits_invoice_id: invoiceId,
        reason: i.reason,
        issued_at: ctx.now,
        created_by: actor.label,
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .execute();
    await ctx.trx
      .insertInto('invoice_lines')
      .values(
        wanted.map((w, k) => ({
          id: newId('inl'),
          invoice_id: id,
          position: k + 1,
          group_key: w.line.groupKey,
          group_title: w.line.groupTitle,
          description: w.line.description,
          period_start: w.line.periodStart,
          period_end: w.line.periodEnd,
          // a part of a line is printed as one unit of the credited amount
          quantity: w.amount === w.line.amount ? w.line.quantity : '1',
          unit_price: w.amount === w.line.amount ? w.line.unitPrice : formatScaled({ value: w.amount, scale: currencyExponent(inv.currency) }),
          amount: w.amount,
          proration: w.line.proration ? JSON.stringify(w.line.proration) : null,
          charges: 0,
          credits_line_id: w.line.id,
        })),
      )
      .execute();
    if (opts.void) {
      await ctx.trx.updateTable('invoices').set({ status: 'void', voided_at: ctx.now, updated_at: ctx.now }).where('id', '=', invoiceId).execute();
      if (opts.releaseCharges) {
        // released charges would fall under a pending draft of the same customer and make it stale
        const pending = await ctx.trx.selectFrom('invoices').select('id').where('status', '=', 'draft').where('kind', '=', 'invoice').where('customer_id', '=', inv.customer_id).where('currency', '=', inv.currency).executeTakeFirst();
        if (pending) throw new AppError('conflict', 'invoicing.release_pending_draft');
        await ctx.trx.updateTable('charges').set({ invoice_id: null }).where('invoice_id', '=', invoiceId).execute();
      }
    }
    await postInvoiceDoc(ctx.trx, ctx.now, { id, kind: 'credit_note', customerId: inv.customer_id, currency: inv.currency, net, tax, gross: net + tax, issueDate, number: n.number });
    const applied = await applyCreditNoteToOwnInvoice(ctx, deps.config.businessTimeZone, { id, customerId: inv.customer_id, currency: inv.currency, gross: net + tax, invoiceId, issueDate });
    await emitEvent(ctx, 'credit.posted', inv.customer_id, { creditNoteId: id, invoiceId, currency: inv.currency, gross: (net + tax).toString(), applied: applied.toString() });
    const email = (inv.customer_snapshot as { email?: string | null } | null)?.email ?? null;
    await queueDelivery(ctx, id, email);
    await ctx.audit({
      action: opts.void ? 'invoice.void' : 'credit_note.issue',
      entityType: 'invoice',
      entityId: invoiceId,
      after: { creditNote: n.number, creditNoteId: id, reason: i.reason, net: net.toString(), tax: tax.toString(), lines: wanted.map((w) => ({ lineId: w.line.id, amount: w.amount.toString() })), ...(opts.void && { releasedCharges: !!opts.releaseCharges }) },
    });
    return { id, number: n.number, net, tax, gross: net + tax };
  });
}

export function voidInvoice(deps: InvoicingDeps, actor: Actor, invoiceId: string, reason: string, releaseCharges = false): Promise<CreditNoteResult> {
  return createCreditNote(deps, actor, invoiceId, { reason }, { void: true, releaseCharges });
}
