import { sql } from 'kysely';
import { currencyExponent } from '../../core/currencies.js';
import { parseDecimal, rescale } from '../../core/money.js';
import type { Executor } from '../../db/store.js';
import { payableOf, type Payable } from './payable-status.js';
import type { LineSums } from './tie-out.js';

/** SQL of provider invoices, payables, tie-out facts, unmatched lines and seat comparison. */
export interface ProviderInvoice {
  id: string;
  providerAccountId: string;
  accountName: string;
  invoiceNumber: string;
  payee: 'microsoft' | '21vianet';
  source: 'api' | 'manual';
  invoiceType: string | null;
  documentType: string | null;
  invoiceDate: string;
  periodStart: string | null;
  periodEnd: string | null;
  currency: string;
  total: bigint;
  providerPaid: bigint;
  paid: bigint;
  dueDate: string;
  scheduledFor: string | null;
  lineItemCounts: Record<string, number>;
  linesImportedAt: Date | null;
  reminderDays: number;
  createdAt: Date;
  updatedAt: Date;
}

export type ProviderInvoiceWithPayable = ProviderInvoice & { payable: Payable };

function baseQuery(db: Executor) {
  return db
    .selectFrom('provider_invoices as i')
    .innerJoin('provider_accounts as a', 'a.id', 'i.provider_account_id')
    .selectAll('i')
    .select(['a.name as account_name', 'a.payable_reminder_days'])
    .select((eb) =>
      eb
        .selectFrom('provider_payments as p')
        .whereRef('p.provider_invoice_id', '=', 'i.id')
        .select(sql<string>`coalesce(sum(p.amount), 0)::text`.as('s'))
        .as('paid_sum'),
    );
}

/** Something may still be owed: not a credit, and neither the desk's nor the provider's payments cover it. */
function whereUnpaid(query: ReturnType<typeof baseQuery>) {
  return query
    .where('i.total', '>', 0n)
    .whereRef('i.provider_paid', '<', 'i.total')
    .where((eb) => eb(eb.selectFrom('provider_payments as p').whereRef('p.provider_invoice_id', '=', 'i.id').select(sql<bigint>`coalesce(sum(p.amount), 0)`.as('s')), '<', eb.ref('i.total')));
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

function toInvoice(r: Row): ProviderInvoice {
  return {
    id: r.id,
    providerAccountId: r.provider_account_id,
    accountName: r.account_name,
    invoiceNumber: r.invoice_number,
    payee: r.payee,
    source: r.source,
    invoiceType: r.invoice_type,
    documentType: r.document_type,
    invoiceDate: r.invoice_date,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    currency: r.currency,
    total: r.total,
    providerPaid: r.provider_paid,
    paid: BigInt(r.paid_sum ?? '0'),
    dueDate: r.due_date,
    scheduledFor: r.scheduled_for,
    lineItemCounts: r.line_item_counts,
    linesImportedAt: r.lines_imported_at,
    reminderDays: r.payable_reminder_days,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export const withPayable = (inv: ProviderInvoice, today: string): ProviderInvoiceWithPayable => ({
  ...inv,
  payable: payableOf({ total: inv.total, paid: inv.paid, providerPaid: inv.providerPaid, dueDate: inv.dueDate, scheduledFor: inv.scheduledFor }, today),
});

export async function findProviderInvoice(db: Executor, id: string): Promise<ProviderInvoice | undefined> {
  const r = await baseQuery(db).where('i.id', '=', id).executeTakeFirst();
  return r ? toInvoice(r) : undefined;
}

/** Invoice numbers compare trimmed and upper-case ("g012345678" typed by hand is the API's G012345678). */
export const normalizeInvoiceNumber = (n: string) => n.trim().toUpperCase();

export async function findByNumber(db: Executor, accountId: string, invoiceNumber: string): Promise<ProviderInvoice | undefined> {
  const r = await baseQuery(db).where('i.provider_account_id', '=', accountId).where('i.invoice_number', '=', normalizeInvoiceNumber(invoiceNumber)).executeTakeFirst();
  return r ? toInvoice(r) : undefined;
}

export async function listProviderInvoices(
  db: Executor,
  q: { accountId?: string | undefined; from?: string | undefined; to?: string | undefined; unpaidOnly?: boolean; limit: number },
): Promise<ProviderInvoice[]> {
  let query = baseQuery(db);
  if (q.unpaidOnly) query = whereUnpaid(query);
  if (q.accountId) query = query.where('i.provider_account_id', '=', q.accountId);
  if (q.from) query = query.where('i.invoice_date', '>=', q.from);
  if (q.to) query = query.where('i.invoice_date', '<=', q.to);
  const rows = await query.orderBy('i.invoice_date', 'desc').orderBy('i.invoice_number').limit(q.limit).execute();
  return rows.map(toInvoice);
}

/** Invoices with something possibly still owed (not fully paid, not a credit), by due date. */
export async function listUnpaid(db: Executor): Promise<ProviderInvoice[]> {
  const rows = await whereUnpaid(baseQuery(db)).orderBy('i.due_date').execute();
  return rows.map(toInvoice);
}

export async function listPayments(db: Executor, invoiceId: string) {
  return db.selectFrom('provider_payments').selectAll().where('provider_invoice_id', '=', invoiceId).orderBy('paid_on').orderBy('recorded_at').execute();
}

/** A desk subscription matches a line's subscription id directly, or as one of its Azure plan's Azure subscriptions. */
const subscriptionMatches = (lineSub: ReturnType<typeof sql>) =>
  sql`(lower(s.provider_subscription_id) = lower(${lineSub}) OR s.azure_entitlements @> jsonb_build_array(jsonb_build_object('id', lower(${lineSub}))))`;

/**
 * Lines that belong to an invoice: same account, same invoice number (upper-case), billed formats
 * only — daily rated usage repeats what the invoice's usage lines already bill.
 */
const linesOf = (accountId: string, invoiceNumber: string) =>
  sql`provider_account_id = ${accountId} AND upper(invoice_number) = ${normalizeInvoiceNumber(invoiceNumber)} AND format <> 'nce_daily_usage'`;

/** Σ lines per currency, with credits and in-line price adjustments (partner-earned credit, discounts). */
export async function lineSums(db: Executor, accountId: string, invoiceNumber: string): Promise<LineSums[]> {
  const rows = (
    await sql<{ currency: string; lines: number; subtotal: string; tax: string; total: string; credits: string; adjustments: string }>`
      SELECT currency, count(*)::int AS lines,
        coalesce(sum(subtotal), 0)::text AS subtotal, coalesce(sum(tax), 0)::text AS tax, coalesce(sum(total), 0)::text AS total,
        coalesce(sum(total) FILTER (WHERE total < 0), 0)::text AS credits,
        coalesce(sum((unit_price - effective_unit_price) * billable_quantity * coalesce(exchange_rate, 1))
          FILTER (WHERE effective_unit_price < unit_price AND billable_quantity > 0), 0)::text AS adjustments
      FROM recon_lines WHERE ${linesOf(accountId, invoiceNumber)}
      GROUP BY currency ORDER BY currency`.execute(db)
  ).rows;
  return rows.map((r) => ({
    currency: r.currency,
    lines: r.lines,
    subtotal: BigInt(r.subtotal),
    tax: BigInt(r.tax),
    total: BigInt(r.total),
    credits: BigInt(r.credits),
    // ROUNDDOWN to the currency's minor unit, as Microsoft rounds
    priceAdjustments: rescale(parseDecimal(r.adjustments), currencyExponent(r.currency), 'down').value,
  }));
}

/** What the lines of an invoice are made of, per charge type (in each line currency). */
export async function chargeBreakdown(db: Executor, accountId: string, invoiceNumber: string) {
  return (
    await sql<{ chargeType: string; currency: string; lines: number; total: string }>`
      SELECT charge_type AS "chargeType", currency, count(*)::int AS lines, coalesce(sum(total), 0)::text AS total
      FROM recon_lines WHERE ${linesOf(accountId, invoiceNumber)}
      GROUP BY charge_type, currency ORDER BY currency, charge_type`.execute(db)
  ).rows.map((r) => ({ ...r, total: BigInt(r.total) }));
}

/** Seat-bearing charge types: their quantities add up to the seats charged in a period. */
const SEAT_CHARGES = ['new', 'renew', 'cycle_charge', 'add_quantity', 'remove_quantity', 'cancel_immediate', 'cycle_fee', 'new_purchase_cycle_fee'];

/**
 * Seats the provider charged per subscription in the invoice's latest charge period (license lines
 * only) against the seats the desk expects (the subscription's quantity). Only differences and
 * subscriptions the desk doesn't know are returned.
 */
export async function seatDifferences(db: Executor, accountId: string, invoiceNumber: string) {
  return (
    await sql<{ subscriptionId: string; customerTenantId: string | null; customerName: string | null; product: string | null; billed: string; expected: number | null; deskSubscriptionId: string | null; customerId: string | null; chargeStart: string | null }>`
      WITH billed AS (
        -- the seats on the latest charge of each subscription (a seat change bills a refund of the
        -- old quantity and a charge for the new one: the new one is the count)
        SELECT DISTINCT ON (lower(subscription_provider_id))
               lower(subscription_provider_id) AS sub, customer_tenant_id, customer_name, coalesce(sku_name, product_id) AS product,
               charge_start::text AS charge_start, billable_quantity AS billed
        FROM recon_lines
        WHERE ${linesOf(accountId, invoiceNumber)} AND subscription_provider_id IS NOT NULL AND billable_quantity > 0
          AND format IN ('nce_invoice', 'legacy_license') AND charge_type IN (${sql.join(SEAT_CHARGES)})
        ORDER BY lower(subscription_provider_id), charge_start DESC NULLS LAST, billable_quantity DESC
      )
      SELECT b.sub AS "subscriptionId", b.customer_tenant_id AS "customerTenantId", b.customer_name AS "customerName", b.product,
             b.billed::text AS billed, s.quantity AS expected, s.id AS "deskSubscriptionId", c.id AS "customerId", b.charge_start AS "chargeStart"
      FROM billed b
      LEFT JOIN customers c ON c.provider_account_id = ${accountId} AND lower(c.tenant_id) = lower(b.customer_tenant_id)
      LEFT JOIN subscriptions s ON s.customer_id = c.id AND lower(s.provider_subscription_id) = b.sub
      WHERE s.id IS NULL OR s.quantity::numeric <> b.billed
      ORDER BY b.customer_name, b.sub`.execute(db)
  ).rows;
}

/**
 * Lines whose customer or subscription the desk doesn't know, grouped per customer tenant and
 * subscription, never dropped: they stay listed until a sync brings the customer in.
 */
export async function unmatchedGroups(db: Executor, q: { accountId?: string | undefined; invoiceNumber?: string | undefined; limit: number }) {
  return (
    await sql<{ providerAccountId: string; customerTenantId: string | null; customerName: string | null; subscriptionId: string | null; reason: 'customer' | 'subscription'; currency: string; lines: number; total: string; invoices: string[] }>`
      SELECT l.provider_account_id AS "providerAccountId", l.customer_tenant_id AS "customerTenantId", min(l.customer_name) AS "customerName",
             l.subscription_provider_id AS "subscriptionId",
             CASE WHEN c.id IS NULL THEN 'customer' ELSE 'subscription' END AS reason,
             l.currency, count(*)::int AS lines, coalesce(sum(l.total), 0)::text AS total,
             array_agg(DISTINCT coalesce(l.invoice_number, '')) AS invoices
      FROM recon_lines l
      LEFT JOIN customers c ON c.provider_account_id = l.provider_account_id AND lower(c.tenant_id) = lower(l.customer_tenant_id)
      LEFT JOIN subscriptions s ON s.customer_id = c.id AND ${subscriptionMatches(sql`l.subscription_provider_id`)}
      WHERE (c.id IS NULL OR (l.subscription_provider_id IS NOT NULL AND s.id IS NULL))
        ${q.accountId ? sql`AND l.provider_account_id = ${q.accountId}` : sql``}
        ${q.invoiceNumber ? sql`AND upper(l.invoice_number) = ${normalizeInvoiceNumber(q.invoiceNumber)}` : sql``}
      GROUP BY l.provider_account_id, l.customer_tenant_id, l.subscription_provider_id, c.id, l.currency
      ORDER BY min(l.customer_name), l.customer_tenant_id, l.subscription_provider_id
      LIMIT ${q.limit}`.execute(db)
  ).rows.map((r) => ({ ...r, total: BigInt(r.total), invoices: r.invoices.filter(Boolean) }));
}

/** Invoice numbers that lines mention but no provider invoice carries yet (a file ahead of its invoice). */
export async function linesWithoutInvoice(db: Executor, accountId?: string) {
  return (
    await sql<{ providerAccountId: string; invoiceNumber: string; currency: string; lines: number; total: string }>`
      SELECT l.provider_account_id AS "providerAccountId", l.invoice_number AS "invoiceNumber", l.currency, count(*)::int AS lines, coalesce(sum(l.total), 0)::text AS total
      FROM recon_lines l
      WHERE l.invoice_number IS NOT NULL ${accountId ? sql`AND l.provider_account_id = ${accountId}` : sql``}
        AND NOT EXISTS (SELECT 1 FROM provider_invoices i WHERE i.provider_account_id = l.provider_account_id AND i.invoice_number = upper(l.invoice_number))
      GROUP BY l.provider_account_id, l.invoice_number, l.currency ORDER BY l.invoice_number`.execute(db)
  ).rows.map((r) => ({ ...r, total: BigInt(r.total) }));
}
