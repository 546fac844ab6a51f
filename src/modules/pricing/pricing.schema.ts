import { z } from 'zod';
import { isCurrency } from '../../core/currencies.js';
import { DateTime, MinorUnits, Paging } from '../../http/schemas.js';
import { CATEGORIES, LEVELS, PEC_MODES, PRICE_METHODS, ROUNDINGS } from './price.js';

/** API contract of price rules, exchange rates and the quote. Decimals travel as strings. */

const Currency = z.string().regex(/^[A-Z]{3}$/).refine(isCurrency, 'ISO 4217 code');
const Day = z.iso.date();
/** percent (markup, margin, list) or unit price (fixed): up to 14 integer digits and 6 decimals */
const RuleValue = z.string().trim().regex(/^-?\d{1,14}(\.\d{1,6})?$/, 'a decimal number with at most 6 decimals');
const Quantity = z.string().trim().regex(/^-?\d{1,14}(\.\d{1,10})?$/, 'a decimal number');
const UnitPrice = z.string().trim().regex(/^-?\d{1,14}(\.\d{1,10})?$/, 'a decimal number');
const Rate = z.string().trim().regex(/^\d{1,10}(\.\d{1,10})?$/, 'a positive decimal number with at most 10 decimals');
const Code = z.string().trim().min(1).max(64);
const Segment = z.string().trim().min(1).max(40).regex(/^[a-z0-9_-]+$/);

export const RuleOut = z.object({
  id: z.string(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  segment: z.string().nullable(),
  productId: z.string().nullable(),
  skuId: z.string().nullable(),
  category: z.enum(CATEGORIES).nullable(),
  method: z.enum(PRICE_METHODS),
  value: z.string().describe('percent for markup, margin and list; the unit price for fixed'),
  currency: z.string().nullable(),
  pec: z.enum(PEC_MODES),
  rounding: z.enum(ROUNDINGS),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  active: z.boolean(),
  note: z.string().nullable(),
  level: z.enum(LEVELS).describe('precedence level, most specific first'),
  createdAt: DateTime,
  updatedAt: DateTime,
});

const ruleFields = {
  customerId: z.string().trim().min(1).max(64).nullable().optional(),
  segment: Segment.nullable().optional(),
  productId: Code.nullable().optional(),
  skuId: Code.nullable().optional(),
  category: z.enum(CATEGORIES).nullable().optional(),
  value: RuleValue,
  currency: Currency.nullable().optional(),
  pec: z.enum(PEC_MODES).optional(),
  rounding: z.enum(ROUNDINGS).optional(),
  validFrom: Day.nullable().optional(),
  validTo: Day.nullable().optional(),
  active: z.boolean().optional(),
  note: z.string().trim().max(500).nullable().optional(),
};

export const RuleIn = z.strictObject({ ...ruleFields, method: z.enum(PRICE_METHODS) });
export const RulePatchIn = z.strictObject({ ...ruleFields, method: z.enum(PRICE_METHODS).optional(), value: RuleValue.optional() });

export const RuleQueryIn = Paging.extend({
  customerId: z.string().max(64).optional(),
  segment: z.string().max(40).optional(),
  productId: z.string().max(64).optional(),
  category: z.enum(CATEGORIES).optional(),
  method: z.enum(PRICE_METHODS).optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  date: Day.optional(),
});

export const RateOut = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  rate: z.string().describe('units of `to` per unit of `from`'),
  effectiveDate: z.string(),
  source: z.string(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const RateIn = z.strictObject({
  from: Currency,
  to: Currency,
  rate: Rate,
  effectiveDate: Day,
  source: z.string().trim().min(1).max(100).optional(),
});

export const RateQueryIn = Paging.extend({
  from: z.string().max(3).optional(),
  to: z.string().max(3).optional(),
  date: Day.optional().describe('only the rate in effect on this day, per pair'),
});

export const QuoteIn = z.strictObject({
  customerId: z.string().trim().min(1).max(64),
  productId: Code.nullable().optional(),
  skuId: Code.nullable().optional(),
  productName: z.string().trim().max(200).nullable().optional(),
  chargeType: z.string().trim().max(60).nullable().optional(),
  format: z.string().trim().max(40).nullable().optional(),
  category: z.enum(CATEGORIES).optional().describe('absent: from categoryOf(product, name, format)'),
  date: Day.optional().describe('absent: today'),
  quantity: Quantity.default('1'),
  unitPrice: UnitPrice.nullable().optional().describe('the provider list price before discounts and partner-earned credit'),
  effectiveUnitPrice: UnitPrice.describe('what the partner pays per unit'),
  currency: Currency.describe('currency of the two unit prices'),
  ruleId: z.string().max(64).optional().describe('price with this rule instead of the one precedence picks'),
});

export const FxOut = z.object({ from: z.string(), to: z.string(), rate: z.string(), effectiveDate: z.string() });

export const QuoteOut = z.object({
  customerId: z.string(),
  currency: z.string(),
  category: z.enum(CATEGORIES),
  date: z.string(),
  ruleId: z.string(),
  method: z.enum(PRICE_METHODS),
  level: z.enum(LEVELS),
  pec: z.enum(PEC_MODES),
  rounding: z.enum(ROUNDINGS),
  unitPrice: z.string(),
  amount: MinorUnits,
  cost: MinorUnits,
  margin: MinorUnits.describe('amount − cost'),
  amountDecimal: z.string().describe('amount in major units ("414.00")'),
  costDecimal: z.string(),
  marginDecimal: z.string(),
  fx: FxOut.nullable(),
});
