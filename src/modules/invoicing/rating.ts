import { sql, type Insertable } from 'kysely';
import type { ChargesTable } from '../../db/types.js';
import { currencyExponent } from '../../core/currencies.js';
import { isAppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { formatScaled, mulScaled, parseDecimal, type Scaled } from '../../core/money.js';
import type { UseCaseContext } from '../../db/tx.js';
import { categoryOf, divScaled, priceLine, PRICE_SCALE } from '../pricing/price.js';
import { loadPricing } from '../pricing/pricing.repo.js';
import { isLocale } from '../../core/i18n.js';
import { loadI18n } from '../../locales.js';

/**
 * Rating: the provider's billed reconciliation lines become customer charges at the partner's
 * prices (pricing/price.ts), in the customer's currency. Rated are the lines of provider invoices
 * (new commerce and legacy, with an invoice number; unbilled and daily usage are estimates and
 * wait for their invoice) of customers the desk knows, once each (the charge's source_ref is the
 * line's account and key). A line belongs to the billing period of its provider invoice's date,
 * or of its charge start when the invoice itself is not known to the desk. A line that cannot be
 * priced (no rule, no exchange rate for the day) is not charged: its customer is held with that
 * reason, and the rest of the run goes on.
 */
const BILLED_FORMATS = ['nce_invoice', 'legacy_license', 'legacy_usage'];
const BATCH = 1000;
const READ_BATCH = 20_000;

/** What a line's charge type adds to its description on the customer's invoice (refunds and credits stand apart from charges). */
function chargeKind(chargeType: string): string | null {
  if (chargeType === 'refund' || chargeType === 'cancel_immediate' || chargeType === 'offset_line_item') return 'refund';
  if (chargeType === 'credit' || chargeType === 'customer_credit') return 'credit';
  if (chargeType.includes('prorate')) return 'prorated';
  return null;
}

interface LineRow {
  provider_account_id: string;
  line_key: string;
  customer_id: string;
  locale: string;
  subscription_id: string | null;
  billing_period: string;
  day: string;
  format: string;
  subscription_provider_id: string | null;
  product_id: string | null;
  sku_id: string | null;
  sku_name: string | null;
  charge_type: string;
  charge_start: string | null;
  charge_end: string | null;
  billable_quantity: string;
  unit_price: string | null;
  effective_unit_price: string | null;
  exchange_rate: string | null;
  currency: string;
  subtotal: string | null;
}

export interface RatingResult {
  rated: number;
  /** customers with lines that could not be priced, and why (a catalog key under errors., and its parameters) */
  failures: Map<string, { code: string; params: Record<string, string> }>;
}

/** Rate every unrated billed line up to the end of `periodEnd` (inside the caller's transaction). */
export async function rateReconLines(ctx: UseCaseContext, periodEnd: string): Promise<RatingResult> {
  // lines are read in batches in (customer, account, key) order, so a month of a million lines is
  // never held in memory at once; the price book (rules, rates, customers) is loaded once
  const batch = (after: [string, string, string] | null) => sql<LineRow>`
      SELECT l.provider_account_id, l.line_key, c.id AS customer_id, coalesce(c.locale_override, c.locale) AS locale, s.id AS subscription_id,
             to_char(coalesce(pi.invoice_date, l.charge_start, l.charge_end), 'YYYY-MM') AS billing_period,
             to_char(coalesce(l.charge_start, pi.invoice_date, l.charge_end), 'YYYY-MM-DD') AS day,
             l.format, l.subscription_provider_id, l.product_id, l.sku_id, l.sku_name, l.charge_type,
             to_char(l.charge_start, 'YYYY-MM-DD') AS charge_start, to_char(l.charge_end, 'YYYY-MM-DD') AS charge_end,
             l.billable_quantity::text, l.unit_price::text, l.effective_unit_price::text, l.exchange_rate::text, l.currency, l.subtotal::text
      FROM recon_lines l
      JOIN customers c ON c.provider_account_id = l.provider_account_id AND lower(c.tenant_id) = lower(l.customer_tenant_id)
      LEFT JOIN provider_invoices pi ON pi.provider_account_id = l.provider_account_id AND upper(pi.invoice_number) = upper(l.invoice_number)
      LEFT JOIN LATERAL (SELECT x.id FROM subscriptions x WHERE x.customer_id = c.id AND lower(x.provider_subscription_id) = lower(l.subscription_provider_id) LIMIT 1) s ON true
      WHERE l.format IN (${sql.join(BILLED_FORMATS)}) AND l.invoice_number IS NOT NULL
        AND coalesce(pi.invoice_date, l.charge_start, l.charge_end) <= ${periodEnd}::date
        AND NOT EXISTS (SELECT 1 FROM charges ch WHERE ch.source = 'recon' AND ch.source_ref = l.provider_account_id || ':' || l.line_key)
        ${after ? sql`AND (c.id, l.provider_account_id, l.line_key) > (${after[0]}, ${after[1]}, ${after[2]})` : sql``}
      ORDER BY c.id, l.provider_account_id, l.line_key
      LIMIT ${READ_BATCH}`;
  const failures = new Map<string, { code: string; params: Record<string, string> }>();
  let lines = (await batch(null).execute(ctx.trx)).rows;
  if (lines.length === 0) return { rated: 0, failures };
  const i18n = loadI18n();
  const pricing = await loadPricing(ctx.trx, {});

  const rows: Insertable<ChargesTable>[] = [];
  let rated = 0;
  const flush = async () => {
    if (rows.length === 0) return;
    const r = await ctx.trx.insertInto('charges').values(rows.splice(0)).onConflict((oc) => oc.columns(['source', 'source_ref']).doNothing()).executeTakeFirst();
    rated += Number(r.numInsertedOrUpdatedRows ?? 0);
  };
  /** The charge of one line at the customer's price; throws (an AppError or a coded error) when it cannot be priced. */
  const chargeOf = (l: LineRow): Insertable<ChargesTable> => {
    const customer = pricing.customers.get(l.customer_id)!;
    const quantity = parseDecimal(l.billable_quantity);
    // unit prices are in the pricing currency; the line's currency is the billing currency:
    // convert exactly with the line's own PCToBCExchangeRate (1 when absent)
    const fx = l.exchange_rate === null ? null : parseDecimal(l.exchange_rate);
    const inBilling = (p: string | null) => (p === null ? null : fx ? mulScaled(parseDecimal(p), fx) : parseDecimal(p));
    const fromSubtotal = unitFromSubtotal(l.subtotal, l.currency, quantity);
    const effective = inBilling(l.effective_unit_price) ?? inBilling(l.unit_price) ?? (fromSubtotal === null ? null : parseDecimal(fromSubtotal));
    if (effective === null) throw Object.assign(new Error('unpriced'), { code: 'invoicing.hold.unpriced_line' });
    const category = categoryOf({ productId: l.product_id, skuId: l.sku_id, productName: l.sku_name, chargeType: l.charge_type, format: l.format });
    const price = priceLine(pricing.book, customer, {
      productId: l.product_id,
      skuId: l.sku_id,
      category,
      date: l.day,
      quantity,
      unitPrice: inBilling(l.unit_price),
      effectiveUnitPrice: effective,
      currency: l.currency,
    });
    const title = l.sku_name ?? l.product_id ?? '';
    const kind = chargeKind(l.charge_type);
    const description = kind ? `${title} — ${i18n.formatter(isLocale(l.locale) ? l.locale : 'en').t(`invoice_pdf.charge_kind.${kind}`)}` : title;
    return {
      id: newId('chg'),
      customer_id: l.customer_id,
      source: 'recon',
      source_ref: `${l.provider_account_id}:${l.line_key}`,
      billing_period: l.billing_period,
      subscription_id: l.subscription_id,
      group_key: l.subscription_provider_id ? `sub:${l.subscription_provider_id.toLowerCase()}` : `product:${l.product_id ?? ''}:${l.sku_id ?? ''}`,
      group_title: title,
      description,
      category,
      product_id: l.product_id,
      sku_id: l.sku_id,
      period_start: l.charge_start ?? l.charge_end ?? l.day,
      period_end: l.charge_end ?? l.charge_start ?? l.day,
      quantity: l.billable_quantity,
      unit_price: formatScaled(price.unitPrice),
      amount: price.amount,
      currency: price.currency,
      cost: price.cost,
      proration: null,
      price_rule_id: price.ruleId,
      price_method: price.method,
      fx_rate: price.fx ? formatScaled(price.fx.rate) : null,
      invoice_id: null,
      created_by: ctx.actor.label,
      created_at: ctx.now,
    };
  };
  for (; lines.length > 0; ) {
    for (const l of lines) {
      if (failures.has(l.customer_id)) continue;
      try {
        rows.push(chargeOf(l));
        if (rows.length >= BATCH) await flush();
      } catch (e) {
        const code = isAppError(e) ? e.code : (e as { code?: string }).code;
        if (!code) throw e;
        const params = isAppError(e) ? Object.fromEntries(Object.entries(e.params ?? {}).map(([k, v]) => [k, String(v)])) : { product: l.sku_name ?? l.product_id ?? '' };
        failures.set(l.customer_id, { code, params });
      }
    }
    const last = lines[lines.length - 1]!;
    lines = lines.length < READ_BATCH ? [] : (await batch([last.customer_id, last.provider_account_id, last.line_key]).execute(ctx.trx)).rows;
  }
  await flush();
  // a customer with an unpriced line gets none of its lines charged this time: all or nothing per customer
  if (failures.size) {
    const undone = await ctx.trx.deleteFrom('charges').where('source', '=', 'recon').where('invoice_id', 'is', null).where('customer_id', 'in', [...failures.keys()]).where('created_at', '=', ctx.now).executeTakeFirst();
    rated -= Number(undone.numDeletedRows);
  }
  return { rated, failures };
}

/** A unit cost from a line's subtotal when the file gives no unit price (subtotal / quantity). */
function unitFromSubtotal(subtotal: string | null, currency: string, quantity: Scaled): string | null {
  if (subtotal === null || quantity.value === 0n) return null;
  const total: Scaled = { value: BigInt(subtotal), scale: currencyExponent(currency) };
  return formatScaled(divScaled(total, quantity, PRICE_SCALE, 'half_even'));
}
