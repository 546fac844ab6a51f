import type { Deps } from '../deps.js';
import { systemActor } from '../db/tx.js';
import { upsertRate } from '../modules/pricing/manage-rates.js';
import { createRule, type RuleInput } from '../modules/pricing/manage-rules.js';

/**
 * Demo price rules and exchange rates, made through the same use cases as real ones (audited).
 * Deterministic: fixed values and fixed dates, whatever the clock says. Seeded once: a store with
 * any price rule is left alone.
 */
export const DEMO_RULES: RuleInput[] = [
  { method: 'markup', value: '15', pec: 'keep', rounding: 'half_even', note: 'Default: 15 % on the list price; the partner keeps partner-earned credit' },
  { category: 'azure', method: 'markup', value: '8', pec: 'pass_on', rounding: 'half_up', note: 'Azure consumption: 8 % on what the partner pays (credit passed on)' },
  { segment: 'standard', category: 'dynamics', method: 'margin', value: '20', pec: 'keep', rounding: 'up', note: 'Dynamics 365 for standard customers: 20 % target margin' },
  { productId: 'CFQ7TTC0LDPB', method: 'fixed', value: '7.20', currency: 'USD', rounding: 'half_even', note: 'Microsoft 365 Business Basic at a fixed USD price (converted for other currencies)' },
];

/** [from, to, rate, effective date]: rates for the demo customers' currencies (USD, EUR, CNY) and RUB. */
export const DEMO_RATES: [string, string, string, string][] = [
  ['USD', 'EUR', '0.9200', '2025-01-01'],
  ['USD', 'EUR', '0.9350', '2026-07-01'],
  ['EUR', 'USD', '1.0870', '2025-01-01'],
  ['EUR', 'USD', '1.0695', '2026-07-01'],
  ['USD', 'CNY', '7.1800', '2025-01-01'],
  ['USD', 'CNY', '7.2400', '2026-07-01'],
  ['CNY', 'USD', '0.1393', '2025-01-01'],
  ['CNY', 'USD', '0.1381', '2026-07-01'],
  ['EUR', 'CNY', '7.8050', '2025-01-01'],
  ['USD', 'RUB', '92.5000', '2025-01-01'],
  ['USD', 'RUB', '88.0000', '2026-07-01'],
  ['EUR', 'RUB', '100.5500', '2025-01-01'],
  ['EUR', 'RUB', '94.1200', '2026-07-01'],
];

export async function seedDemoPricing(deps: Deps): Promise<{ rules: number; rates: number }> {
  const any = await deps.db.selectFrom('price_rules').select('id').limit(1).executeTakeFirst();
  if (any) return { rules: 0, rates: 0 };
  for (const r of DEMO_RULES) await createRule(deps, systemActor, r);
  for (const [from, to, rate, effectiveDate] of DEMO_RATES) await upsertRate(deps, systemActor, { from, to, rate, effectiveDate, source: 'demo' });
  return { rules: DEMO_RULES.length, rates: DEMO_RATES.length };
}

/**
 * After the first sync brought customers: one per-customer override (10 % on Microsoft 365 for the
 * first customer by name), unless a customer-scoped rule exists already.
 */
export async function seedDemoCustomerOverride(deps: Deps): Promise<string | undefined> {
  const existing = await deps.db.selectFrom('price_rules').select('id').where('customer_id', 'is not', null).limit(1).executeTakeFirst();
  if (existing) return undefined;
  const customer = await deps.db.selectFrom('customers').select(['id']).where('status', '=', 'active').orderBy('company_name').orderBy('id').limit(1).executeTakeFirst();
  if (!customer) return undefined;
  const rule = await createRule(deps, systemActor, { customerId: customer.id, category: 'm365', method: 'markup', value: '10', pec: 'keep', rounding: 'half_even', note: 'Negotiated: 10 % on Microsoft 365' });
  return rule.id;
}
