import { sql } from 'kysely';
import type { Config } from '../../core/config.js';
import { AppError, notFound } from '../../core/errors.js';
import { runUseCase, type Actor, type UseCaseContext, type UseCaseDeps } from '../../db/tx.js';
import type { Executor } from '../../db/store.js';
import { today } from '../provider-billing/provider-invoices.js';
import { addDays } from './fee-schedule.js';
import { eligibility } from './eligibility.js';
import { customersForBilling, nextInSeries, recomputeTotals, type CustomerBilling } from './invoices.repo.js';
import { parseDecimal, rescale } from '../../core/money.js';
import { getPartnerProfile, type PartnerProfile } from './partner-profile.js';
import { storeDraftLines } from './drafts.repo.js';
import { refreshRunCounts } from './runs.js';
import { lockLedger } from '../payments/ledger.js';
import { postInvoiceDoc } from '../payments/postings.js';
import { emitEvent } from '../../jobs/events.js';

/**
 * Issuing: a draft becomes an invoice with a gapless number of its series (prefix and year of the
 * issue date, e.g. INV-2026-000042), an issue date (today in the partner's time zone), a due date
 * (the customer's payment terms), and copies of the customer's and the partner's details as
 * printed. Its charges are linked to it in the same transaction, and their sum must still be
 * what the draft's lines say (before review adjustments), or the draft is stale and nothing
 * changes. Delivery is queued through the outbox (delivery.ts). An issued invoice never changes
 * again: corrections are credit notes (credit-notes.ts).
 */
export type InvoicingDeps = UseCaseDeps & { config: Pick<Config, 'businessTimeZone'> };

export const DELIVER_EFFECT = 'invoice.deliver';

/** Two percentage rates as text are the same number ("19" and "19.0000"). */
const sameRate = (a: string, b: string) => rescale(parseDecimal(a), 6, 'half_up').value === rescale(parseDecimal(b), 6, 'half_up').value;

export function formatNumber(series: string, seq: number): string {
  return `${series}-${String(seq).padStart(6, '0')}`;
}

export function customerSnapshot(c: CustomerBilling) {
  return {
    name: c.companyName,
    contactName: c.billingContactName,
    email: c.billingEmail,
    addressLines: [...(c.billingAddress?.lines ?? []), [c.billingAddress?.postalCode, c.billingAddress?.city].filter(Boolean).join(' '), c.billingAddress?.region ?? '']
      .map((l) => l.trim())
      .filter(Boolean),
    country: c.billingAddress?.country ?? c.country,
    vatId: c.taxSettings.vatId ?? null,
    customerNumber: c.tenantId,
  };
}
export type CustomerSnapshot = ReturnType<typeof customerSnapshot>;

export function issuerSnapshot(p: PartnerProfile) {
  // the logo is not copied (it would be stored once per invoice); the PDF uses the current one
  const { logoBase64: _logo, ...rest } = p;
  return rest;
}

/** Number the document and queue its delivery; shared by invoices and credit notes. */
export async function assignNumber(ctx: UseCaseContext, prefix: string, issueDate: string): Promise<{ series: string; seq: number; number: string }> {
  const series = `${prefix}-${issueDate.slice(0, 4)}`;
  const seq = await nextInSeries(ctx.trx, series);
  return { series, seq, number: formatNumber(series, seq) };
}

export async function queueDelivery(ctx: UseCaseContext, invoiceId: string, email: string | null): Promise<void> {
  if (!email) return;
  await ctx.enqueue({ effect: DELIVER_EFFECT, payload: { invoiceId }, idempotencyKey: `${DELIVER_EFFECT}:${invoiceId}`, maxAttempts: 8 });
  await appendDelivery(ctx.trx, invoiceId, { at: ctx.now.toISOString(), status: 'queued', to: email }, 'queued');
}

export async function appendDelivery(db: Executor, invoiceId: string, event: Record<string, unknown>, status: string): Promise<void> {
  await sql`UPDATE invoices SET delivery = delivery || ${JSON.stringify([event])}::jsonb, delivery_status = ${status} WHERE id = ${invoiceId}`.execute(db);
}

/** `refreshRun: false` when a whole run is being issued (its counts are refreshed once at the end). */
export async function issueInvoice(deps: InvoicingDeps, actor: Actor, invoiceId: string, opts: { refreshRun?: boolean } = {}): Promise<{ number: string }> {
  return runUseCase(deps, actor, async (ctx) => {
    await lockLedger(ctx.trx);
    let inv = await ctx.trx.selectFrom('invoices').selectAll().where('id', '=', invoiceId).forUpdate().executeTakeFirst();
    if (!inv || inv.kind !== 'invoice') throw notFound('invoice', invoiceId);
    if (inv.status !== 'draft') throw new AppError('conflict', 'invoicing.already_issued', { number: inv.number ?? inv.id });
    if (inv.hold_code) throw new AppError('conflict', 'invoicing.held', { reason: inv.hold_reason ?? '' });
    const [customer] = await customersForBilling(ctx.trx, [inv.customer_id]);
    const e = eligibility(customer!, inv.period_end ?? today(ctx.now, deps.config.businessTimeZone));
    if (e.holdCode) throw new AppError('conflict', e.holdCode);
    if (inv.net <= 0n) throw new AppError('conflict', inv.net < 0n ? 'invoicing.negative_total' : 'invoicing.hold.zero_total');
    // the customer's tax may have changed since drafting (a VAT id, a rate): the invoice takes it now
    if (e.tax.mode !== inv.tax_mode || !sameRate(e.tax.rate, inv.tax_rate)) {
      await ctx.trx.updateTable('invoices').set({ tax_mode: e.tax.mode, tax_rate: e.tax.rate }).where('id', '=', invoiceId).execute();
      await recomputeTotals(ctx.trx, invoiceId, ctx.now);
      inv = (await ctx.trx.selectFrom('invoices').selectAll().where('id', '=', invoiceId).executeTakeFirst())!;
    }

    // link the charges the draft covers, and check they still add up to its lines
    const run = inv.run_id ? await ctx.trx.selectFrom('invoice_runs').select(['period', 'cutoff_seq']).where('id', '=', inv.run_id).executeTakeFirst() : undefined;
    if (run) {
      // the lines are stored from the charges now (unless a review stored them): they must still
      // add up to what the draft was made of
      const stored = await storeDraftLines(ctx.trx, invoiceId);
      if (stored !== null && stored !== inv.net) throw new AppError('conflict', 'invoicing.draft_stale');
      const linked = await sql<{ sum: string | null }>`WITH u AS (
          UPDATE charges SET invoice_id = ${invoiceId}
          WHERE customer_id = ${inv.customer_id} AND currency = ${inv.currency} AND invoice_id IS NULL AND billing_period <= ${run.period} AND seq <= ${run.cutoff_seq}
          RETURNING amount)
        SELECT sum(amount)::text AS sum FROM u`.execute(ctx.trx);
      const drafted = await sql<{ sum: string | null }>`SELECT sum(coalesce(adjusted_from, amount))::text AS sum FROM invoice_lines WHERE invoice_id = ${invoiceId}`.execute(ctx.trx);
      if (BigInt(linked.rows[0]!.sum ?? '0') !== BigInt(drafted.rows[0]!.sum ?? '0')) throw new AppError('conflict', 'invoicing.draft_stale');
    }

    const profile = await getPartnerProfile(ctx.trx);
    const issueDate = today(ctx.now, deps.config.businessTimeZone);
    const dueDate = addDays(issueDate, customer!.paymentTermsDays);
    const n = await assignNumber(ctx, profile.invoicePrefix, issueDate);
    await ctx.trx
      .updateTable('invoices')
      .set({
        status: 'issued',
        series: n.series,
        seq: n.seq,
        number: n.number,
        issue_date: issueDate,
        due_date: dueDate,
        locale: customer!.locale,
        customer_snapshot: JSON.stringify(customerSnapshot(customer!)),
        issuer_snapshot: JSON.stringify(issuerSnapshot(profile)),
        issued_at: ctx.now,
        updated_at: ctx.now,
      })
      .where('id', '=', invoiceId)
      .execute();
    await postInvoiceDoc(ctx.trx, ctx.now, { id: invoiceId, kind: 'invoice', customerId: inv.customer_id, currency: inv.currency, net: inv.net, tax: inv.tax, gross: inv.gross, issueDate, number: n.number });
    await emitEvent(ctx, 'invoice.issued', inv.customer_id, { invoiceId, currency: inv.currency, gross: inv.gross.toString(), dueDate });
    await queueDelivery(ctx, invoiceId, customer!.billingEmail);
    if (inv.run_id && opts.refreshRun !== false) await refreshRunCounts(ctx.trx, inv.run_id, ctx.now);
    await ctx.audit({
      action: 'invoice.issue',
      entityType: 'invoice',
      entityId: invoiceId,
      after: { number: n.number, issueDate, dueDate, currency: inv.currency, net: inv.net.toString(), tax: inv.tax.toString(), gross: inv.gross.toString() },
    });
    return { number: n.number };
  });
}

/** Send an issued document again (after a bounce, or on request), to the billing contact it was issued to or a new one. */
export async function resendInvoice(deps: InvoicingDeps, actor: Actor, invoiceId: string): Promise<void> {
  await runUseCase(deps, actor, async (ctx) => {
    const inv = await ctx.trx.selectFrom('invoices').selectAll().where('id', '=', invoiceId).forUpdate().executeTakeFirst();
    if (!inv) throw notFound('invoice', invoiceId);
    if (inv.status === 'draft') throw new AppError('conflict', 'invoicing.not_issued');
    const [customer] = await customersForBilling(ctx.trx, [inv.customer_id]);
    const email = customer?.billingEmail ?? null;
    if (!email) throw new AppError('conflict', 'invoicing.hold.no_billing_contact');
    // the snapshot keeps where it went; a changed billing contact gets the resend
    const snapshot = { ...(inv.customer_snapshot as Record<string, unknown>), email };
    await ctx.trx.updateTable('invoices').set({ customer_snapshot: JSON.stringify(snapshot), updated_at: ctx.now }).where('id', '=', invoiceId).execute();
    const n = inv.delivery.length;
    await ctx.enqueue({ effect: DELIVER_EFFECT, payload: { invoiceId }, idempotencyKey: `${DELIVER_EFFECT}:${invoiceId}:${n}`, maxAttempts: 8 });
    await appendDelivery(ctx.trx, invoiceId, { at: ctx.now.toISOString(), status: 'queued', to: email }, 'queued');
    await ctx.audit({ action: 'invoice.resend', entityType: 'invoice', entityId: invoiceId, after: { to: email } });
  });
}
