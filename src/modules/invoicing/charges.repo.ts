import { moneyToDecimalString } from '../../core/money.js';
import type { Executor } from '../../db/store.js';

/** SQL of charges and recurring fees, read side. */
export interface ChargeFilter {
  customerId?: string | undefined;
  /** only charges not on an issued invoice */
  open?: boolean | undefined;
  billingPeriod?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export async function listCharges(db: Executor, f: ChargeFilter) {
  let q = db.selectFrom('charges').selectAll();
  if (f.customerId) q = q.where('customer_id', '=', f.customerId);
  if (f.open) q = q.where('invoice_id', 'is', null);
  if (f.billingPeriod) q = q.where('billing_period', '=', f.billingPeriod);
  const total = await q.clearSelect().select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await q.orderBy('billing_period', 'desc').orderBy('seq', 'desc').limit(f.limit ?? 100).offset(f.offset ?? 0).execute();
  return {
    total: Number(total.n),
    items: rows.map((c) => ({
      id: c.id,
      customerId: c.customer_id,
      source: c.source,
      billingPeriod: c.billing_period,
      groupTitle: c.group_title,
      description: c.description,
      periodStart: c.period_start,
      periodEnd: c.period_end,
      quantity: c.quantity,
      unitPrice: c.unit_price,
      amount: moneyToDecimalString({ amount: c.amount, currency: c.currency }),
      currency: c.currency,
      cost: c.cost === null ? null : moneyToDecimalString({ amount: c.cost, currency: c.currency }),
      proration: c.proration,
      priceRuleId: c.price_rule_id,
      priceMethod: c.price_method,
      invoiceId: c.invoice_id,
      createdAt: c.created_at.toISOString(),
    })),
  };
}

/** Open charges summed per customer and currency (the "not yet invoiced" list). */
export async function openChargeTotals(db: Executor, customerId?: string) {
  let q = db
    .selectFrom('charges as c')
    .innerJoin('customers as k', 'k.id', 'c.customer_id')
    .select(['c.customer_id', 'k.company_name', 'c.currency'])
    .select((e) => [e.fn.countAll<string>().as('n'), e.fn.sum<string>('c.amount').as('amount')])
    .where('c.invoice_id', 'is', null)
    .groupBy(['c.customer_id', 'k.company_name', 'c.currency'])
    .orderBy('k.company_name');
  if (customerId) q = q.where('c.customer_id', '=', customerId);
  return (await q.execute()).map((r) => ({ customerId: r.customer_id, customerName: r.company_name, currency: r.currency, charges: Number(r.n), amount: moneyToDecimalString({ amount: BigInt(r.amount), currency: r.currency }) }));
}

export async function listFees(db: Executor, customerId?: string) {
  let q = db.selectFrom('recurring_fees').selectAll().orderBy('created_at', 'desc');
  if (customerId) q = q.where('customer_id', '=', customerId);
  return (await q.execute()).map((f) => ({
    id: f.id,
    customerId: f.customer_id,
    name: f.name,
    productCode: f.product_code,
    category: f.category,
    quantity: f.quantity,
    unitPrice: f.unit_price,
    currency: f.currency,
    interval: f.interval,
    startDate: f.start_date,
    endDate: f.end_date,
    billedThrough: f.billed_through,
  }));
}
