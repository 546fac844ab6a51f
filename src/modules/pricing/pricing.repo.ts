import { sql } from 'kysely';
import { parseDecimal, type Rounding } from '../../core/money.js';
import { newId } from '../../core/ids.js';
import type { Executor } from '../../db/store.js';
import type { PriceRulesTable } from '../../db/types.js';
import { buildPricingBook, type Category, type ExchangeRate, type PecMode, type PriceMethod, type PriceRule, type PricingBook, type PricingCustomer } from './price.js';

/** SQL of price rules and exchange rates; nothing else in the module touches the tables. */

/** A rule as stored: the pure rule plus its decimal text and bookkeeping. */
export interface PriceRuleRecord {
  id: string;
  customerId: string | null;
  customerName: string | null;
  segment: string | null;
  productId: string | null;
  skuId: string | null;
  category: Category | null;
  method: PriceMethod;
  /** numeric(20,6) as text, trailing zeros trimmed ("15", "12.5", "39.99") */
  value: string;
  currency: string | null;
  pec: PecMode;
  rounding: Rounding;
  validFrom: string | null;
  validTo: string | null;
  active: boolean;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ExchangeRateRecord {
  id: string;
  from: string;
  to: string;
  /** numeric(20,10) as text, all ten decimals */
  rate: string;
  effectiveDate: string;
  source: string;
  createdAt: Date;
  updatedAt: Date;
}

/** "15.000000" → "15", "12.500000" → "12.5" */
export function trimDecimal(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

type RuleRow = { [K in keyof PriceRulesTable]: PriceRulesTable[K] extends import('kysely').ColumnType<infer S, unknown, unknown> ? S : PriceRulesTable[K] } & { customer_name?: string | null };

function toRecord(r: RuleRow): PriceRuleRecord {
  return {
    id: r.id,
    customerId: r.customer_id,
    customerName: r.customer_name ?? null,
    segment: r.segment,
    productId: r.product_id,
    skuId: r.sku_id,
    category: r.category,
    method: r.method,
    value: trimDecimal(r.value),
    currency: r.currency,
    pec: r.pec,
    rounding: r.rounding,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    active: r.active,
    note: r.note,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The pure function's view of a stored rule. */
export function toPriceRule(r: Pick<PriceRuleRecord, Exclude<keyof PriceRuleRecord, 'customerName' | 'note' | 'createdAt' | 'updatedAt'>>): PriceRule {
  return {
    id: r.id,
    customerId: r.customerId,
    segment: r.segment,
    productId: r.productId,
    skuId: r.skuId,
    category: r.category,
    method: r.method,
    value: parseDecimal(r.value),
    currency: r.currency,
    pec: r.pec,
    rounding: r.rounding,
    validFrom: r.validFrom,
    validTo: r.validTo,
    active: r.active,
  };
}

function ruleQuery(db: Executor) {
  return db.selectFrom('price_rules as r').leftJoin('customers as c', 'c.id', 'r.customer_id').selectAll('r').select('c.company_name as customer_name');
}

export interface RuleFilter {
  customerId?: string | undefined;
  segment?: string | undefined;
  productId?: string | undefined;
  category?: Category | undefined;
  method?: PriceMethod | undefined;
  active?: boolean | undefined;
  /** only rules valid on this day */
  date?: string | undefined;
  limit: number;
  offset: number;
}

export async function listRules(db: Executor, f: RuleFilter): Promise<{ items: PriceRuleRecord[]; total: number }> {
  let q = ruleQuery(db);
  if (f.customerId) q = q.where('r.customer_id', '=', f.customerId);
  if (f.segment) q = q.where('r.segment', '=', f.segment);
  if (f.productId) q = q.where(sql`upper(r.product_id)`, '=', f.productId.toUpperCase());
  if (f.category) q = q.where('r.category', '=', f.category);
  if (f.method) q = q.where('r.method', '=', f.method);
  if (f.active !== undefined) q = q.where('r.active', '=', f.active);
  if (f.date) {
    const day = f.date;
    q = q.where((eb) => eb.and([eb.or([eb('r.valid_from', 'is', null), eb('r.valid_from', '<=', day)]), eb.or([eb('r.valid_to', 'is', null), eb('r.valid_to', '>=', day)])]));
  }
  const total = await q.clearSelect().select(sql<string>`count(*)::text`.as('n')).executeTakeFirstOrThrow();
  // most specific scope first, as the price function tries them
  const rows = await q
    .orderBy(sql`(r.customer_id IS NULL), (r.segment IS NULL), (r.product_id IS NULL), (r.sku_id IS NULL), (r.category IS NULL)`)
    .orderBy('r.valid_from', (ob) => ob.desc().nullsLast())
    .orderBy('r.id')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return { items: rows.map((r) => toRecord(r as RuleRow)), total: Number(total.n) };
}

export async function findRule(db: Executor, id: string, opts: { forUpdate?: boolean } = {}): Promise<PriceRuleRecord | undefined> {
  let q = ruleQuery(db).where('r.id', '=', id);
  if (opts.forUpdate) q = q.forUpdate('r');
  const row = await q.executeTakeFirst();
  return row ? toRecord(row as RuleRow) : undefined;
}

export type RuleFields = Omit<PriceRuleRecord, 'id' | 'customerName' | 'createdAt' | 'updatedAt'>;

function columns(f: RuleFields) {
  return {
    customer_id: f.customerId,
    segment: f.segment,
    product_id: f.productId,
    sku_id: f.skuId,
    category: f.category,
    method: f.method,
    value: f.value,
    currency: f.currency,
    pec: f.pec,
    rounding: f.rounding,
    valid_from: f.validFrom,
    valid_to: f.validTo,
    active: f.active,
    note: f.note,
  };
}

export async function insertRule(db: Executor, now: Date, f: RuleFields): Promise<string> {
  const id = newId('prr');
  await db
    .insertInto('price_rules')
    .values({ id, ...columns(f), created_at: now, updated_at: now })
    .execute();
  return id;
}

export async function updateRuleRow(db: Executor, id: string, now: Date, f: RuleFields): Promise<void> {
  await db
    .updateTable('price_rules')
    .set({ ...columns(f), updated_at: now })
    .where('id', '=', id)
    .execute();
}

/**
 * Active rules with exactly this scope whose validity overlaps [from, to] (nulls = open), other
 * than `exceptId`: two of them would leave the choice to a tie-break, so the editor refuses.
 */
export async function findOverlapping(db: Executor, f: RuleFields, exceptId?: string): Promise<PriceRuleRecord | undefined> {
  const same = (col: 'r.customer_id' | 'r.segment' | 'r.product_id' | 'r.sku_id' | 'r.category', v: string | null) =>
    v === null ? sql<boolean>`${sql.ref(col)} IS NULL` : col === 'r.product_id' || col === 'r.sku_id' ? sql<boolean>`upper(${sql.ref(col)}) = ${v.toUpperCase()}` : sql<boolean>`${sql.ref(col)} = ${v}`;
  let q = ruleQuery(db)
    .where('r.active', '=', true)
    .where(same('r.customer_id', f.customerId))
    .where(same('r.segment', f.segment))
    .where(same('r.product_id', f.productId))
    .where(same('r.sku_id', f.skuId))
    .where(same('r.category', f.category))
    .where(sql<boolean>`coalesce(r.valid_from, '-infinity'::date) <= coalesce(${f.validTo}::date, 'infinity'::date)`)
    .where(sql<boolean>`coalesce(r.valid_to, 'infinity'::date) >= coalesce(${f.validFrom}::date, '-infinity'::date)`);
  if (exceptId) q = q.where('r.id', '<>', exceptId);
  const row = await q.limit(1).executeTakeFirst();
  return row ? toRecord(row as RuleRow) : undefined;
}

// ───────────────────────────── exchange rates ─────────────────────────────

type RateRow = { id: string; from_currency: string; to_currency: string; rate: string; effective_date: string; source: string; created_at: Date; updated_at: Date };

function toRate(r: RateRow): ExchangeRateRecord {
  return { id: r.id, from: r.from_currency, to: r.to_currency, rate: r.rate, effectiveDate: r.effective_date, source: r.source, createdAt: r.created_at, updatedAt: r.updated_at };
}

export interface RateFilter {
  from?: string | undefined;
  to?: string | undefined;
  /** only the rate in effect on this day per pair */
  date?: string | undefined;
  limit: number;
  offset: number;
}

export async function listRates(db: Executor, f: RateFilter): Promise<{ items: ExchangeRateRecord[]; total: number }> {
  let q = db.selectFrom('exchange_rates as x').selectAll('x');
  if (f.from) q = q.where('x.from_currency', '=', f.from);
  if (f.to) q = q.where('x.to_currency', '=', f.to);
  if (f.date) {
    const day = f.date;
    q = q.where('x.effective_date', '<=', day).where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('exchange_rates as y')
            .select('y.id')
            .whereRef('y.from_currency', '=', 'x.from_currency')
            .whereRef('y.to_currency', '=', 'x.to_currency')
            .whereRef('y.effective_date', '>', 'x.effective_date')
            .where('y.effective_date', '<=', day),
        ),
      ),
    );
  }
  const total = await q.clearSelect().select(sql<string>`count(*)::text`.as('n')).executeTakeFirstOrThrow();
  const rows = await q.orderBy('x.from_currency').orderBy('x.to_currency').orderBy('x.effective_date', 'desc').limit(f.limit).offset(f.offset).execute();
  return { items: rows.map(toRate), total: Number(total.n) };
}

export async function findRate(db: Executor, id: string): Promise<ExchangeRateRecord | undefined> {
  const row = await db.selectFrom('exchange_rates').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRate(row) : undefined;
}

export async function findRateOn(db: Executor, from: string, to: string, effectiveDate: string): Promise<ExchangeRateRecord | undefined> {
  const row = await db.selectFrom('exchange_rates').selectAll().where('from_currency', '=', from).where('to_currency', '=', to).where('effective_date', '=', effectiveDate).executeTakeFirst();
  return row ? toRate(row) : undefined;
}

export interface RateFields {
  from: string;
  to: string;
  rate: string;
  effectiveDate: string;
  source: string;
}

/** Insert, or replace the rate of the same pair and day. */
export async function upsertRateRow(db: Executor, now: Date, f: RateFields): Promise<ExchangeRateRecord> {
  const row = await db
    .insertInto('exchange_rates')
    .values({ id: newId('fxr'), from_currency: f.from, to_currency: f.to, rate: f.rate, effective_date: f.effectiveDate, source: f.source, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['from_currency', 'to_currency', 'effective_date']).doUpdateSet({ rate: f.rate, source: f.source, updated_at: now }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRate(row);
}

export async function deleteRateRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('exchange_rates').where('id', '=', id).execute();
}

// ───────────────────────────── loading for rating ─────────────────────────────

export interface PricingScope {
  /** price only these customers (their own rules plus every segment and general rule); all when absent */
  customerIds?: readonly string[] | undefined;
  /** a single day: shorthand for from = to = date */
  date?: string | undefined;
  /** the days the lines fall in; rules valid at some point in [from, to], rates effective up to `to` */
  from?: string | undefined;
  to?: string | undefined;
}

export interface LoadedPricing {
  rules: PriceRule[];
  rates: ExchangeRate[];
  /** indexed for priceLine */
  book: PricingBook;
  /** id, segment and billing currency of the customers asked for (all customers when none were named) */
  customers: Map<string, PricingCustomer>;
}

/**
 * Everything the pure price function needs for a batch, in three queries, inside the caller's
 * transaction (pass the trx). Rating a million lines then runs without a query per line:
 *
 *   const p = await loadPricing(trx, { customerIds, from: '2026-10-01', to: '2026-10-31' });
 *   const price = priceLine(p.book, p.customers.get(customerId)!, costLine);
 */
export async function loadPricing(db: Executor, scope: PricingScope = {}): Promise<LoadedPricing> {
  const from = scope.from ?? scope.date;
  const to = scope.to ?? scope.date;
  const ids = scope.customerIds ? [...new Set(scope.customerIds)] : undefined;

  let rq = db.selectFrom('price_rules as r').selectAll('r').where('r.active', '=', true);
  if (ids) rq = rq.where((eb) => (ids.length ? eb.or([eb('r.customer_id', 'is', null), eb('r.customer_id', 'in', ids)]) : eb('r.customer_id', 'is', null)));
  if (to) rq = rq.where((eb) => eb.or([eb('r.valid_from', 'is', null), eb('r.valid_from', '<=', to)]));
  if (from) rq = rq.where((eb) => eb.or([eb('r.valid_to', 'is', null), eb('r.valid_to', '>=', from)]));
  const ruleRows = await rq.execute();

  let xq = db.selectFrom('exchange_rates').selectAll();
  if (to) xq = xq.where('effective_date', '<=', to);
  // earlier rates than the latest before `from` are never used
  if (from)
    xq = xq.where(({ not, exists, selectFrom, ref }) =>
      not(
        exists(
          selectFrom('exchange_rates as y')
            .select('y.id')
            .whereRef('y.from_currency', '=', ref('exchange_rates.from_currency'))
            .whereRef('y.to_currency', '=', ref('exchange_rates.to_currency'))
            .whereRef('y.effective_date', '>', ref('exchange_rates.effective_date'))
            .where('y.effective_date', '<=', from),
        ),
      ),
    );
  const rateRows = await xq.execute();

  let cq = db.selectFrom('customers').select(['id', 'segment', 'billing_currency']);
  if (ids) cq = ids.length ? cq.where('id', 'in', ids) : cq.where(sql<boolean>`false`);
  const customerRows = await cq.execute();

  const rules = ruleRows.map((r) => toPriceRule(toRecord(r as RuleRow)));
  const rates: ExchangeRate[] = rateRows.map((r) => ({ from: r.from_currency, to: r.to_currency, rate: parseDecimal(r.rate), effectiveDate: r.effective_date, source: r.source }));
  return {
    rules,
    rates,
    book: buildPricingBook(rules, rates),
    customers: new Map(customerRows.map((c) => [c.id, { id: c.id, segment: c.segment, currency: c.billing_currency }])),
  };
}
