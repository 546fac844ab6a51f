import { AppError } from '../../core/errors.js';
import { currencyExponent } from '../../core/currencies.js';
import { divRound, mulScaled, pow10, rescale, type Rounding, type Scaled } from '../../core/money.js';

/**
 * The price of a customer charge, as a pure function: no I/O, no clock, no JS number near an
 * amount. A provider cost line (list price and effective price, quantity, currency) plus the
 * customer (id, segment, billing currency) plus a PricingBook (rules and exchange rates loaded
 * once, see pricing.repo.ts loadPricing) give the customer unit price, the line amount and the
 * cost, both in minor units of the customer's currency, and the rule that priced it.
 *
 * Formulas (all exact until the named rounding R of the rule; S = PRICE_SCALE = 6 decimals;
 * E = ISO 4217 exponent of the customer currency; fx = the date-effective rate, 1 when the
 * currencies are equal):
 *
 *   base      = unitPrice (pec 'keep': before discounts and partner-earned credit, falling back
 *               to effectiveUnitPrice when the line has no list price)
 *             | effectiveUnitPrice (pec 'pass_on')
 *   markup    u = base × fx × (1 + v/100)              v ≥ −100 (below: a price under zero)
 *   margin    u = base × fx / (1 − v/100)              0 ≤ v < 100
 *   fixed     u = v × fx(rule currency → customer)    v ≥ 0; PEC plays no part
 *   list      u = unitPrice × fx × (1 + v/100)         v ≥ −100; the rule is passed over for a
 *                                                       line without a list price
 *   unitPrice = R(u, S)
 *   amount    = R(unitPrice × quantity, E)             (minor units; what the invoice line shows)
 *   cost      = R(effectiveUnitPrice × fx × quantity, E)  (what the partner pays, for margins)
 *
 * Rounding is symmetric for negative lines (credits, refunds) in the modes 'down', 'up',
 * 'half_up' and 'half_even' (by magnitude); 'floor' and 'ceiling' round toward −∞ / +∞.
 */

export const PRICE_SCALE = 6;

export const PRICE_METHODS = ['markup', 'margin', 'fixed', 'list'] as const;
export type PriceMethod = (typeof PRICE_METHODS)[number];

export const PEC_MODES = ['keep', 'pass_on'] as const;
export type PecMode = (typeof PEC_MODES)[number];

export const ROUNDINGS = ['half_even', 'half_up', 'down', 'up', 'floor', 'ceiling'] as const satisfies readonly Rounding[];

export const CATEGORIES = ['m365', 'dynamics', 'power_platform', 'azure', 'software', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * Precedence levels, most specific first. "sku" = a rule naming a product (product_id, and
 * optionally sku_id: a rule with the sku_id beats one without on the same level); "category" =
 * a rule naming a category; "all" = neither. The five levels (customer + SKU, customer +
 * category, segment + SKU, segment + category, default) keep their order; the levels between
 * them (a customer-wide or segment-wide rule, a SKU rule for everyone) slot in where their
 * specificity puts them.
 */
export const LEVELS = [
  'customer_sku',
  'customer_category',
  'customer_all',
  'segment_sku',
  'segment_category',
  'segment_all',
  'all_sku',
  'all_category',
  'default',
] as const;
export type Level = (typeof LEVELS)[number];

export interface PriceRule {
  id: string;
  customerId: string | null;
  segment: string | null;
  productId: string | null;
  skuId: string | null;
  category: Category | null;
  method: PriceMethod;
  /** percent for markup, margin and list; a unit price (in `currency`) for fixed */
  value: Scaled;
  /** fixed only: the currency of `value` */
  currency: string | null;
  pec: PecMode;
  rounding: Rounding;
  /** inclusive 'YYYY-MM-DD' bounds; null = open */
  validFrom: string | null;
  validTo: string | null;
  active: boolean;
}

export interface ExchangeRate {
  from: string;
  to: string;
  /** units of `to` per unit of `from` */
  rate: Scaled;
  effectiveDate: string;
  source?: string | null;
}

export interface PricingCustomer {
  id: string;
  segment: string;
  /** the customer's billing currency: what the charge is priced in */
  currency: string;
}

export interface CostLine {
  productId: string | null;
  skuId: string | null;
  /** from categoryOf(); the caller decides (and may override) it */
  category: Category;
  /** 'YYYY-MM-DD': which rules are valid and which exchange rate applies (e.g. the charge start) */
  date: string;
  /** billable quantity; may be negative (refunds) and fractional (usage) */
  quantity: Scaled;
  /** the provider's list (ERP) unit price before discounts and partner-earned credit; null when unknown */
  unitPrice: Scaled | null;
  /** what the partner pays per unit, after discounts and partner-earned credit */
  effectiveUnitPrice: Scaled;
  /** currency of unitPrice and effectiveUnitPrice (the provider's billing currency) */
  currency: string;
}

export interface FxUsed {
  from: string;
  to: string;
  rate: Scaled;
  effectiveDate: string;
}

export interface Price {
  ruleId: string;
  method: PriceMethod;
  level: Level;
  pec: PecMode;
  rounding: Rounding;
  /** the customer's currency */
  currency: string;
  /** customer unit price, scale PRICE_SCALE */
  unitPrice: Scaled;
  /** R(unitPrice × quantity) in minor units of `currency` */
  amount: bigint;
  /** the partner's cost R(effectiveUnitPrice × fx × quantity), minor units of `currency` */
  cost: bigint;
  /** the conversion used (provider → customer currency, or rule → customer currency for fixed); null when none */
  fx: FxUsed | null;
}

// ───────────────────────────── category ─────────────────────────────

export interface CategoryInput {
  productId?: string | null;
  skuId?: string | null;
  productName?: string | null;
  chargeType?: string | null;
  /** reconciliation format: nce_invoice, nce_daily_usage, legacy_license, legacy_usage */
  format?: string | null;
}

/** Product ids (or `productId:skuId`) → category; wins over the name heuristics. Upper-case keys. */
export type CategoryMap = ReadonlyMap<string, Category> | Readonly<Record<string, Category>>;

/** Known product ids (Partner Center catalog). Extend per partner through the overrides argument. */
export const DEFAULT_CATEGORY_MAP: Readonly<Record<string, Category>> = {
  DZH318Z0BPS6: 'azure', // Azure plan
  DZH318Z0BXWC: 'azure',
  MS_AZR_0145P: 'azure', // legacy Azure (MS-AZR-0145P)
  CFQ7TTC0LH18: 'm365', // Microsoft 365 E3
  CFQ7TTC0LFLX: 'm365', // Microsoft 365 E5
  CFQ7TTC0LDPB: 'm365', // Microsoft 365 Business Basic
  CFQ7TTC0LCHC: 'm365', // Microsoft 365 Business Standard
  CFQ7TTC0LH0R: 'm365', // Phone System - Virtual User
  CFQ7TTC0HL8W: 'power_platform', // Power BI Premium Per User
  CFQ7TTC0LHSV: 'power_platform', // Power BI Pro (dated name)
  CFQ7TTC0LH3N: 'power_platform', // Power Apps per user
  CFQ7TTC0LHWP: 'dynamics', // Dynamics 365 Sales Enterprise
  CFQ7TTC0LH16: 'dynamics', // Dynamics 365 Business Central Essentials
};

const NAME_RULES: readonly [RegExp, Category][] = [
  [/\bdynamics\b|\bd365\b|business central/i, 'dynamics'],
  [/\bpower ?(bi|apps|automate|pages|virtual agents)\b|\bcopilot studio\b/i, 'power_platform'],
  [/\bazure\b|\breserved (vm )?instances?\b|\bsavings plan\b/i, 'azure'],
  [/\bmicrosoft 365\b|\boffice 365\b|\bm365\b|\bo365\b|\bexchange\b|\bteams\b|\bsharepoint\b|\bonedrive\b|\bintune\b|\bentra\b|\benterprise mobility\b|\bproject\b|\bvisio\b|\bdefender\b|\bcopilot\b|\bwindows 365\b/i, 'm365'],
  [/\bwindows server\b|\bsql server\b|\bperpetual\b|\bsoftware\b|\bvisual studio\b/i, 'software'],
];

function lookup(map: CategoryMap, key: string): Category | undefined {
  return map instanceof Map ? map.get(key) : (map as Readonly<Record<string, Category>>)[key];
}

/**
 * The product category of a cost line, for category-scoped rules. Order: the overrides by
 * `productId:skuId`, then by productId; the built-in product table; usage formats (daily rated
 * usage, legacy usage) and Azure charge types are Azure; then the product name; else 'other'.
 */
export function categoryOf(input: CategoryInput, overrides?: CategoryMap): Category {
  const pid = input.productId?.trim().toUpperCase().replaceAll('-', '_') || null;
  const sid = input.skuId?.trim().toUpperCase() || null;
  if (pid) {
    if (overrides) {
      const hit = (sid && lookup(overrides, `${pid}:${sid}`)) || lookup(overrides, pid);
      if (hit) return hit;
    }
    const known = DEFAULT_CATEGORY_MAP[pid];
    if (known) return known;
  }
  if (input.format === 'nce_daily_usage' || input.format === 'legacy_usage') return 'azure';
  const name = input.productName ?? '';
  for (const [re, cat] of NAME_RULES) if (re.test(name)) return cat;
  if (pid?.startsWith('DZH318Z0')) return 'azure';
  if (pid?.startsWith('DG7GMGF0')) return 'software'; // perpetual software
  return 'other';
}

// ───────────────────────────── rule validation ─────────────────────────────

const HUNDRED: Scaled = { value: 100n, scale: 0 };

function cmp(a: Scaled, b: Scaled): -1 | 0 | 1 {
  const s = Math.max(a.scale, b.scale);
  const x = a.value * pow10(s - a.scale);
  const y = b.value * pow10(s - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Refuse rules that cannot price: a markup below −100 % (a price under zero), a margin of 100 %
 * or more (division by zero or a negative price) or below 0, a negative fixed price, a fixed
 * price without a currency (or a currency on another method), mixed scopes, bad dates.
 * Throws AppError('bad_request', 'pricing.…', params, { field }).
 */
export function validateRule(r: Omit<PriceRule, 'id' | 'active'>): void {
  const bad = (code: string, field: string, params: Record<string, string | number> = {}) => new AppError('bad_request', code, params, { field });
  if (r.customerId && r.segment) throw bad('pricing.customer_and_segment', '/segment');
  if (r.productId && r.category) throw bad('pricing.product_and_category', '/category');
  if (r.skuId && !r.productId) throw bad('pricing.sku_without_product', '/productId');
  if (r.category && !(CATEGORIES as readonly string[]).includes(r.category)) throw bad('pricing.bad_category', '/category', { category: r.category });
  if (!(ROUNDINGS as readonly string[]).includes(r.rounding)) throw bad('pricing.bad_rounding', '/rounding', { rounding: r.rounding });
  if (r.validFrom && !DATE.test(r.validFrom)) throw bad('pricing.bad_date', '/validFrom');
  if (r.validTo && !DATE.test(r.validTo)) throw bad('pricing.bad_date', '/validTo');
  if (r.validFrom && r.validTo && r.validTo < r.validFrom) throw bad('pricing.valid_to_before_from', '/validTo', { from: r.validFrom, to: r.validTo });
  const v = formatPercent(r.value);
  switch (r.method) {
    case 'markup':
    case 'list':
      if (cmp(r.value, { value: -100n, scale: 0 }) < 0) throw bad('pricing.markup_below_cost', '/value', { value: v });
      break;
    case 'margin':
      if (cmp(r.value, HUNDRED) >= 0) throw bad('pricing.margin_too_high', '/value', { value: v });
      if (r.value.value < 0n) throw bad('pricing.margin_negative', '/value', { value: v });
      break;
    case 'fixed':
      if (r.value.value < 0n) throw bad('pricing.fixed_negative', '/value', { value: v });
      if (!r.currency) throw bad('pricing.fixed_needs_currency', '/currency');
      break;
  }
  if (r.method !== 'fixed' && r.currency) throw bad('pricing.currency_only_fixed', '/currency');
  if (r.currency) {
    try {
      currencyExponent(r.currency);
    } catch {
      throw bad('pricing.bad_currency', '/currency', { currency: r.currency });
    }
  }
}

function formatPercent(x: Scaled): string {
  const neg = x.value < 0n;
  const digits = (neg ? -x.value : x.value).toString().padStart(x.scale + 1, '0');
  const s = x.scale === 0 ? digits : `${digits.slice(0, -x.scale)}.${digits.slice(-x.scale)}`.replace(/\.?0+$/, '');
  return (neg ? '-' : '') + s;
}

// ───────────────────────────── pricing book ─────────────────────────────

/** Rules and rates indexed once, so that a million lines do not scan or query per line. */
export interface PricingBook {
  readonly byCustomer: ReadonlyMap<string, PriceRule[]>;
  readonly bySegment: ReadonlyMap<string, PriceRule[]>;
  readonly general: readonly PriceRule[];
  /** "FROM>TO" → rates by effective date, ascending */
  readonly rates: ReadonlyMap<string, ExchangeRate[]>;
}

export function buildPricingBook(rules: readonly PriceRule[], rates: readonly ExchangeRate[]): PricingBook {
  const byCustomer = new Map<string, PriceRule[]>();
  const bySegment = new Map<string, PriceRule[]>();
  const general: PriceRule[] = [];
  for (const r of rules) {
    if (!r.active) continue;
    if (r.customerId) push(byCustomer, r.customerId, r);
    else if (r.segment) push(bySegment, r.segment, r);
    else general.push(r);
  }
  const sorted = (list: PriceRule[]) => list.sort(ruleOrder);
  for (const l of byCustomer.values()) sorted(l);
  for (const l of bySegment.values()) sorted(l);
  sorted(general);
  const rateMap = new Map<string, ExchangeRate[]>();
  for (const x of rates) push(rateMap, `${x.from}>${x.to}`, x);
  for (const l of rateMap.values()) l.sort((a, b) => (a.effectiveDate < b.effectiveDate ? -1 : a.effectiveDate > b.effectiveDate ? 1 : 0));
  return { byCustomer, bySegment, general, rates: rateMap };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Product rank within a scope: product+sku 0, product 1, category 2, all 3. */
function productRank(r: PriceRule): number {
  return r.productId ? (r.skuId ? 0 : 1) : r.category ? 2 : 3;
}

/** Within one scope: more specific product first; then the later valid_from; then the id (deterministic). */
function ruleOrder(a: PriceRule, b: PriceRule): number {
  const d = productRank(a) - productRank(b);
  if (d !== 0) return d;
  const fa = a.validFrom ?? '';
  const fb = b.validFrom ?? '';
  if (fa !== fb) return fa > fb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function matches(r: PriceRule, line: CostLine): boolean {
  if (r.validFrom && line.date < r.validFrom) return false;
  if (r.validTo && line.date > r.validTo) return false;
  if (r.productId) {
    if (!line.productId || r.productId.toUpperCase() !== line.productId.toUpperCase()) return false;
    if (r.skuId && (!line.skuId || r.skuId.toUpperCase() !== line.skuId.toUpperCase())) return false;
    return true;
  }
  if (r.category) return r.category === line.category;
  return true;
}

/** The precedence level of a rule's scope. */
export function levelOf(r: Pick<PriceRule, 'customerId' | 'segment' | 'productId' | 'category'>): Level {
  const who = r.customerId ? 'customer' : r.segment ? 'segment' : 'all';
  const what = r.productId ? 'sku' : r.category ? 'category' : 'all';
  if (who === 'all' && what === 'all') return 'default';
  return `${who}_${what}` as Level;
}

/** The rules that apply to a line, most specific first (the first usable one prices it). */
export function candidateRules(book: PricingBook, customer: PricingCustomer, line: CostLine): PriceRule[] {
  const out: PriceRule[] = [];
  for (const list of [book.byCustomer.get(customer.id), book.bySegment.get(customer.segment), book.general]) {
    if (!list) continue;
    for (const r of list) if (matches(r, line)) out.push(r);
  }
  return out;
}

/** The rate in effect on `date`: the latest with effectiveDate ≤ date; 1 for the same currency. */
export function rateFor(book: PricingBook, from: string, to: string, date: string): FxUsed | null {
  if (from === to) return null;
  const list = book.rates.get(`${from}>${to}`);
  let hit: ExchangeRate | undefined;
  if (list) {
    // binary search: last index with effectiveDate <= date
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.effectiveDate <= date) {
        hit = list[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
  }
  if (!hit) throw new AppError('unprocessable', 'pricing.no_rate', { from, to, date });
  return { from, to, rate: hit.rate, effectiveDate: hit.effectiveDate };
}

// ───────────────────────────── the price ─────────────────────────────

const ONE: Scaled = { value: 1n, scale: 0 };

/** (100 + v) / 100 as an exact Scaled factor. */
function percentFactor(v: Scaled): Scaled {
  return { value: 100n * pow10(v.scale) + v.value, scale: v.scale + 2 };
}

/** num / den rounded to `scale` decimals with `mode`. */
export function divScaled(num: Scaled, den: Scaled, scale: number, mode: Rounding): Scaled {
  return { value: divRound(num.value * pow10(scale + den.scale), den.value * pow10(num.scale), mode), scale };
}

/**
 * Price one cost line for one customer. Throws AppError:
 * - 'pricing.no_rule' (422) when no active rule applies (there is no default rule);
 * - 'pricing.no_rate' (422) when the conversion has no rate on or before the date;
 * - 'pricing.*' (400) for a rule that validateRule refuses (rules from the repo are valid).
 */
export function priceLine(book: PricingBook, customer: PricingCustomer, line: CostLine): Price {
  const candidates = candidateRules(book, customer, line);
  for (const rule of candidates) {
    if (rule.method === 'list' && line.unitPrice === null) continue; // no list price known: the next rule
    return priceWith(rule, book, customer, line);
  }
  throw new AppError('unprocessable', 'pricing.no_rule', { customer: customer.id, product: line.productId ?? line.category, date: line.date });
}

/** Price a line with one given rule (the editor's "try a price", tests). */
export function priceWith(rule: PriceRule, book: PricingBook, customer: PricingCustomer, line: CostLine): Price {
  validateRule(rule);
  const to = customer.currency;
  const exp = currencyExponent(to);
  currencyExponent(line.currency);
  const mode = rule.rounding;

  // cost: the partner's, always from the effective price, in the customer's currency
  const lineFx = rateFor(book, line.currency, to, line.date);
  const lineRate = lineFx?.rate ?? ONE;
  const cost = rescale(mulScaled(mulScaled(line.effectiveUnitPrice, lineRate), line.quantity), exp, mode).value;

  let exact: Scaled;
  let fx: FxUsed | null = lineFx;
  switch (rule.method) {
    case 'markup':
    case 'margin': {
      const base = rule.pec === 'keep' ? (line.unitPrice ?? line.effectiveUnitPrice) : line.effectiveUnitPrice;
      const converted = mulScaled(base, lineRate);
      exact =
        rule.method === 'markup'
          ? mulScaled(converted, percentFactor(rule.value))
          : // base / (1 − v/100) = base × 100 / (100 − v); rounded straight to the price scale
            divScaled(mulScaled(converted, HUNDRED), { value: 100n * pow10(rule.value.scale) - rule.value.value, scale: rule.value.scale }, PRICE_SCALE, mode);
      break;
    }
    case 'list':
      if (line.unitPrice === null) throw new AppError('unprocessable', 'pricing.no_list_price', { product: line.productId ?? line.category });
      exact = mulScaled(mulScaled(line.unitPrice, lineRate), percentFactor(rule.value));
      break;
    case 'fixed': {
      fx = rateFor(book, rule.currency!, to, line.date);
      exact = mulScaled(rule.value, fx?.rate ?? ONE);
      break;
    }
  }
  const unitPrice = rescale(exact, PRICE_SCALE, mode);
  const amount = rescale(mulScaled(unitPrice, line.quantity), exp, mode).value;
  return { ruleId: rule.id, method: rule.method, level: levelOf(rule), pec: rule.pec, rounding: mode, currency: to, unitPrice, amount, cost, fx };
}
