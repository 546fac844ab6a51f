import type { Config } from '../../core/config.js';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { parseMoney, type Money } from '../../core/money.js';
import { runUseCase, type Actor, type UseCaseContext, type UseCaseDeps } from '../../db/tx.js';
import type { ProviderAccount } from '../providers/accounts.repo.js';
import { findAccount } from '../providers/accounts.repo.js';
import type { PcInvoice } from '../providers/connector.js';
import { findByNumber, findProviderInvoice, normalizeInvoiceNumber, withPayable, type ProviderInvoice, type ProviderInvoiceWithPayable } from './invoices.repo.js';
import { addDays } from './payable-status.js';
import { lockLedger } from '../payments/ledger.js';
import { postProviderInvoice, postProviderPayment } from '../payments/postings.js';

/**
 * Provider invoices become payables: created from the provider API (sync) or entered by hand
 * (21Vianet and some Microsoft invoices arrive as PDFs), paid by recording payments, planned by
 * scheduling a payment date. Each is one use case: state, audit row, and no partial writes.
 */
/** The calendar date of an instant in the partner's business time zone (YYYY-MM-DD). */
export function today(now: Date, timeZone = 'UTC'): string {
  const parts = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export type PayablesDeps = UseCaseDeps & { config: Pick<Config, 'businessTimeZone'> };

/** Amounts above this (in minor units) are refused: no provider invoice comes near it, and bigint columns end at 9.2e18. */
const MAX_MINOR = 10n ** 15n;

function amountOf(text: string, currency: string, field: string): Money {
  let m: Money;
  try {
    m = parseMoney(text, currency);
  } catch {
    throw new AppError('bad_request', 'provider_invoices.bad_amount', { value: text, currency }, { field });
  }
  if (m.amount > MAX_MINOR || m.amount < -MAX_MINOR) throw new AppError('bad_request', 'provider_invoices.bad_amount', { value: text, currency }, { field });
  return m;
}

const isoDate = (v: string | null | undefined): string | null => (v && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null);

function auditView(i: Pick<ProviderInvoice, 'invoiceNumber' | 'invoiceDate' | 'dueDate' | 'currency' | 'total' | 'scheduledFor'>) {
  return { invoiceNumber: i.invoiceNumber, invoiceDate: i.invoiceDate, dueDate: i.dueDate, currency: i.currency, total: i.total.toString(), scheduledFor: i.scheduledFor };
}

/** The provider's line-item groups of an invoice ("office/billing_line_items": n …) from its raw JSON. */
export function lineItemGroups(raw: Record<string, unknown>): { provider: 'office' | 'azure' | 'onetime'; type: 'billinglineitems' | 'usagelineitems' }[] {
  const details = Array.isArray(raw.invoiceDetails) ? (raw.invoiceDetails as Record<string, unknown>[]) : [];
  const out: { provider: 'office' | 'azure' | 'onetime'; type: 'billinglineitems' | 'usagelineitems' }[] = [];
  for (const d of details) {
    const provider = String(d.billingProvider ?? '').toLowerCase().replace(/_/g, '');
    const type = String(d.invoiceLineItemType ?? '').toLowerCase().replace(/_/g, '');
    if ((provider === 'office' || provider === 'azure' || provider === 'onetime') && (type === 'billinglineitems' || type === 'usagelineitems')) out.push({ provider, type });
  }
  return out;
}

export interface UpsertResult {
  invoice: ProviderInvoice;
  change: 'created' | 'updated' | 'unchanged';
  /** the total changed (a re-issued invoice): its lines are fetched again */
  totalChanged: boolean;
}

/** Create or update the desk's copy of one provider invoice, inside the caller's use case. */
export async function upsertProviderInvoice(ctx: UseCaseContext, account: ProviderAccount, pc: PcInvoice): Promise<UpsertResult> {
  const currency = (pc.currencyCode ?? account.currency).toUpperCase();
  const total = amountOf(pc.totalCharges ?? '0', currency, 'totalCharges').amount;
  const providerPaid = amountOf(pc.paidAmount ?? '0', currency, 'paidAmount').amount;
  const invoiceDate = isoDate(pc.invoiceDate) ?? today(ctx.now);
  const number = normalizeInvoiceNumber(pc.id);
  const prior = await findByNumber(ctx.trx, account.id, number);
  if (!prior) {
    const id = newId('pin');
    await ctx.trx
      .insertInto('provider_invoices')
      .values({
        id,
        provider_account_id: account.id,
        invoice_number: number,
        payee: account.payee,
        source: 'api',
        invoice_type: pc.invoiceType,
        document_type: pc.documentType,
        invoice_date: invoiceDate,
        period_start: isoDate(pc.billingPeriodStartDate),
        period_end: isoDate(pc.billingPeriodEndDate),
        currency,
        total,
        provider_paid: providerPaid,
        due_date: addDays(invoiceDate, account.paymentTermsDays),
        raw: JSON.stringify(pc.raw),
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .execute();
    const invoice = (await findProviderInvoice(ctx.trx, id))!;
    await postProviderInvoice(ctx.trx, ctx.now, { id, accountId: account.id, currency, total, invoiceDate, number });
    await ctx.audit({ action: 'provider_invoice.create', entityType: 'provider_invoice', entityId: id, after: { ...auditView(invoice), source: 'api', payee: account.payee } });
    return { invoice, change: 'created', totalChanged: false };
  }
  if (prior.total === total && prior.providerPaid === providerPaid && prior.currency === currency) return { invoice: prior, change: 'unchanged', totalChanged: false };
  if (prior.currency !== currency && prior.paid > 0n) {
    // payments were recorded in the old currency: a person has to look at it
    throw new AppError('conflict', 'provider_invoices.currency_changed', { number, from: prior.currency, to: currency });
  }
  await ctx.trx.updateTable('provider_invoices').set({ total, provider_paid: providerPaid, currency, raw: JSON.stringify(pc.raw), updated_at: ctx.now }).where('id', '=', prior.id).execute();
  const invoice = (await findProviderInvoice(ctx.trx, prior.id))!;
  // a re-issued invoice (new total or currency) posts the difference to cost and payables
  await postProviderInvoice(ctx.trx, ctx.now, { id: prior.id, accountId: account.id, currency, total, invoiceDate: invoice.invoiceDate, number });
  await ctx.audit({ action: 'provider_invoice.update', entityType: 'provider_invoice', entityId: prior.id, before: { ...auditView(prior), providerPaid: prior.providerPaid.toString() }, after: { ...auditView(invoice), providerPaid: providerPaid.toString() } });
  return { invoice, change: 'updated', totalChanged: prior.total !== total || prior.currency !== currency };
}

export interface ManualInvoiceInput {
  providerAccountId: string;
  invoiceNumber: string;
  invoiceDate: string;
  dueDate?: string | undefined;
  periodStart?: string | undefined;
  periodEnd?: string | undefined;
  currency: string;
  /** decimal text in major units, e.g. "12345.67"; negative for a credit note */
  total: string;
}

/** A provider invoice entered by hand (from the PDF). The same number twice is a conflict. */
export async function createManualInvoice(deps: PayablesDeps, actor: Actor, input: ManualInvoiceInput): Promise<ProviderInvoiceWithPayable> {
  const total = amountOf(input.total, input.currency, '/total').amount;
  const number = normalizeInvoiceNumber(input.invoiceNumber);
  return runUseCase(deps, actor, async (ctx) => {
    await lockLedger(ctx.trx);
    const account = await findAccount(ctx.trx, input.providerAccountId);
    if (!account) throw new AppError('not_found', 'not_found', { entity: 'provider_account', id: input.providerAccountId }, { field: '/providerAccountId' });
    const exists = () => new AppError('conflict', 'provider_invoices.exists', { number }, { field: '/invoiceNumber' });
    if (await findByNumber(ctx.trx, account.id, number)) throw exists();
    const dueDate = input.dueDate ?? addDays(input.invoiceDate, account.paymentTermsDays);
    if (dueDate < input.invoiceDate) throw new AppError('bad_request', 'provider_invoices.due_before_invoice', {}, { field: '/dueDate' });
    const id = newId('pin');
    const inserted = await ctx.trx
      .insertInto('provider_invoices')
      .values({
        id,
        provider_account_id: account.id,
        invoice_number: number,
        payee: account.payee,
        source: 'manual',
        invoice_type: null,
        document_type: total < 0n ? 'CreditNote' : 'Invoice',
        invoice_date: input.invoiceDate,
        period_start: input.periodStart ?? null,
        period_end: input.periodEnd ?? null,
        currency: input.currency,
        total,
        due_date: dueDate,
        raw: null,
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      // the same number entered at the same moment elsewhere (or by a sync): a conflict, not a 500
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw exists();
    const invoice = (await findProviderInvoice(ctx.trx, id))!;
    await postProviderInvoice(ctx.trx, ctx.now, { id, accountId: account.id, currency: input.currency, total, invoiceDate: input.invoiceDate, number });
    await ctx.audit({ action: 'provider_invoice.create', entityType: 'provider_invoice', entityId: id, after: { ...auditView(invoice), source: 'manual', payee: account.payee } });
    return withPayable(invoice, today(ctx.now, deps.config.businessTimeZone));
  });
}

export interface PaymentInput {
  /** decimal text in major units, > 0 */
  amount: string;
  currency: string;
  paidOn: string;
  method: 'bank_transfer' | 'direct_debit' | 'card' | 'other';
  reference?: string | undefined;
  note?: string | undefined;
}

/** Record a payment to the provider. It may be partial; it may not exceed what is still owed. */
export async function recordProviderPayment(deps: PayablesDeps, actor: Actor, invoiceId: string, input: PaymentInput): Promise<ProviderInvoiceWithPayable> {
  return runUseCase(deps, actor, async (ctx) => {
    await lockLedger(ctx.trx);
    // lock the invoice row: two clerks recording the same payment at once must not both pass the check
    const locked = await ctx.trx.selectFrom('provider_invoices').select('id').where('id', '=', invoiceId).forUpdate().executeTakeFirst();
    if (!locked) throw notFound('provider_invoice', invoiceId);
    const inv = withPayable((await findProviderInvoice(ctx.trx, invoiceId))!, today(ctx.now, deps.config.businessTimeZone));
    if (input.currency !== inv.currency) throw new AppError('bad_request', 'provider_invoices.currency_mismatch', { expected: inv.currency, given: input.currency }, { field: '/currency' });
    const amount = amountOf(input.amount, inv.currency, '/amount').amount;
    if (amount <= 0n) throw new AppError('bad_request', 'provider_invoices.amount_not_positive', {}, { field: '/amount' });
    if (amount > inv.payable.balance) {
      throw new AppError('conflict', 'provider_invoices.overpayment', { balance: inv.payable.balance.toString(), currency: inv.currency }, { field: '/amount' });
    }
    if (input.paidOn > today(ctx.now, deps.config.businessTimeZone)) throw new AppError('bad_request', 'provider_invoices.paid_in_future', {}, { field: '/paidOn' });
    if (input.reference) {
      // the same bank reference twice on one invoice is the same payment entered twice
      const dup = await ctx.trx.selectFrom('provider_payments').select('id').where('provider_invoice_id', '=', inv.id).where('reference', '=', input.reference).executeTakeFirst();
      if (dup) throw new AppError('conflict', 'provider_invoices.duplicate_payment', { reference: input.reference }, { field: '/reference' });
    }
    const id = newId('ppy');
    await ctx.trx
      .insertInto('provider_payments')
      .values({ id, provider_invoice_id: inv.id, amount, currency: inv.currency, paid_on: input.paidOn, method: input.method, reference: input.reference ?? null, note: input.note ?? null, recorded_by: ctx.actor.label, recorded_at: ctx.now })
      .execute();
    await postProviderPayment(ctx.trx, ctx.now, { id, accountId: inv.providerAccountId, currency: inv.currency, amount, paidOn: input.paidOn, invoiceNumber: inv.invoiceNumber });
    const after = withPayable((await findProviderInvoice(ctx.trx, invoiceId))!, today(ctx.now, deps.config.businessTimeZone));
    await ctx.audit({
      action: 'provider_invoice.payment',
      entityType: 'provider_invoice',
      entityId: inv.id,
      before: { status: inv.payable.status, balance: inv.payable.balance.toString() },
      after: { paymentId: id, amount: amount.toString(), currency: inv.currency, paidOn: input.paidOn, method: input.method, reference: input.reference ?? null, status: after.payable.status, balance: after.payable.balance.toString() },
    });
    return after;
  });
}

/** Plan (or with null, un-plan) the date the partner will pay the provider. */
export async function schedulePayment(deps: PayablesDeps, actor: Actor, invoiceId: string, date: string | null): Promise<ProviderInvoiceWithPayable> {
  return runUseCase(deps, actor, async (ctx) => {
    const inv = await findProviderInvoice(ctx.trx, invoiceId);
    if (!inv) throw notFound('provider_invoice', invoiceId);
    const p = withPayable(inv, today(ctx.now, deps.config.businessTimeZone)).payable;
    if (date !== null && (p.status === 'paid' || p.status === 'credit')) throw new AppError('conflict', 'provider_invoices.nothing_to_pay', { status: p.status });
    if (date !== null && date < today(ctx.now, deps.config.businessTimeZone)) throw new AppError('bad_request', 'provider_invoices.schedule_in_past', {}, { field: '/date' });
    if (date !== null && date > inv.dueDate) throw new AppError('bad_request', 'provider_invoices.schedule_after_due', { dueDate: inv.dueDate }, { field: '/date' });
    await ctx.trx.updateTable('provider_invoices').set({ scheduled_for: date, updated_at: ctx.now }).where('id', '=', inv.id).execute();
    await ctx.audit({ action: 'provider_invoice.schedule', entityType: 'provider_invoice', entityId: inv.id, before: { scheduledFor: inv.scheduledFor }, after: { scheduledFor: date } });
    return withPayable((await findProviderInvoice(ctx.trx, inv.id))!, today(ctx.now, deps.config.businessTimeZone));
  });
}
