import { currencyExponent } from '../../core/currencies.js';
import { AppError, notFound } from '../../core/errors.js';
import { formatScaled, parseDecimal } from '../../core/money.js';
import type { Executor } from '../../db/store.js';
import { categoryOf, priceLine, priceWith, type Category, type CostLine, type Price } from './price.js';
import { findRule, loadPricing, toPriceRule } from './pricing.repo.js';

/** "Try a price": price a hypothetical provider cost line for a customer, with the stored rules and rates. Reads only. */

export interface QuoteInput {
  customerId: string;
  productId?: string | null | undefined;
  skuId?: string | null | undefined;
  productName?: string | null | undefined;
  chargeType?: string | null | undefined;
  format?: string | null | undefined;
  category?: Category | undefined;
  date: string;
  quantity: string;
  unitPrice?: string | null | undefined;
  effectiveUnitPrice: string;
  currency: string;
  ruleId?: string | undefined;
}

export interface Quote extends Omit<Price, 'unitPrice' | 'fx'> {
  customerId: string;
  category: Category;
  date: string;
  unitPrice: string;
  margin: bigint;
  amountDecimal: string;
  costDecimal: string;
  marginDecimal: string;
  fx: { from: string; to: string; rate: string; effectiveDate: string } | null;
}

export async function quote(db: Executor, input: QuoteInput): Promise<Quote> {
  const pricing = await loadPricing(db, { customerIds: [input.customerId], date: input.date });
  const customer = pricing.customers.get(input.customerId);
  if (!customer) throw new AppError('not_found', 'not_found', { entity: 'customer', id: input.customerId }, { field: '/customerId' });
  const category = input.category ?? categoryOf({ productId: input.productId ?? null, skuId: input.skuId ?? null, productName: input.productName ?? null, chargeType: input.chargeType ?? null, format: input.format ?? null });
  const line: CostLine = {
    productId: input.productId ?? null,
    skuId: input.skuId ?? null,
    category,
    date: input.date,
    quantity: parseDecimal(input.quantity),
    unitPrice: input.unitPrice ? parseDecimal(input.unitPrice) : null,
    effectiveUnitPrice: parseDecimal(input.effectiveUnitPrice),
    currency: input.currency,
  };
  let price: Price;
  if (input.ruleId) {
    const rule = await findRule(db, input.ruleId);
    if (!rule) throw notFound('price_rule', input.ruleId);
    price = priceWith(toPriceRule(rule), pricing.book, customer, line);
  } else price = priceLine(pricing.book, customer, line);
  const exp = currencyExponent(price.currency);
  return {
    ...price,
    customerId: customer.id,
    category,
    date: input.date,
    unitPrice: formatScaled(price.unitPrice),
    margin: price.amount - price.cost,
    amountDecimal: formatScaled({ value: price.amount, scale: exp }),
    costDecimal: formatScaled({ value: price.cost, scale: exp }),
    marginDecimal: formatScaled({ value: price.amount - price.cost, scale: exp }),
    fx: price.fx && { from: price.fx.from, to: price.fx.to, rate: formatScaled(price.fx.rate), effectiveDate: price.fx.effectiveDate },
  };
}
