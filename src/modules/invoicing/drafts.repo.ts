import { sql } from 'kysely';
import type { Executor } from '../../db/store.js';

/**
 * The set-based SQL of an invoice run: one pass over the open charges makes every draft's lines,
 * and the drafts themselves are summed from those lines (one statement; the lines are grouped
 * once and used twice). Charges are not touched here: a draft covers a customer's open charges of
 * the period and before with seq ≤ the run's cutoff, and issuing links them (issue.ts).
 */
export interface RunCustomer {
  customerId: string;
  locale: string;
  taxMode: string;
  taxRate: string;
  holdCode: string | null;
  /** JSON of the hold's parameters */
  holdParams: string | null;
}

/** A charge whose customer and currency have a pending draft (of any run): that draft covers it. */
export const claimedByDraft = sql`EXISTS (SELECT 1 FROM invoices d WHERE d.status = 'draft' AND d.kind = 'invoice' AND d.customer_id = c.customer_id AND d.currency = c.currency)`;

/** The customers a run may draft, with their tax and holds decided in code; a temp table for this transaction. */
export async function loadRunCustomers(db: Executor, rows: RunCustomer[]): Promise<void> {
  await sql`CREATE TEMP TABLE run_customers (customer_id text PRIMARY KEY, locale text, tax_mode text, tax_rate numeric, hold_code text, hold_params jsonb) ON COMMIT DROP`.execute(db);
  const col = <K extends keyof RunCustomer>(k: K) => rows.map((r) => r[k]);
  await sql`INSERT INTO run_customers SELECT * FROM unnest(${col('customerId')}::text[], ${col('locale')}::text[], ${col('taxMode')}::text[],
    ${col('taxRate')}::numeric[], ${col('holdCode')}::text[], ${col('holdParams')}::jsonb[])`.execute(db);
  // a temp table has no statistics until analyzed: with them the drafts read the open charges in
  // customer order (charges_open_idx) and merge-join, instead of hashing and sorting 1M rows on disk
  await sql`ANALYZE run_customers`.execute(db);
}

export interface DraftScope {
  runId: string;
  period: string;
  periodStart: string;
  periodEnd: string;
  cutoffSeq: bigint;
  actor: string;
  now: Date;
  /** only this customer (a redraft) */
  customerId?: string | undefined;
}

/** Create the drafts and their lines. Returns how many drafts were made. */
export async function insertDrafts(db: Executor, s: DraftScope): Promise<number> {
  const onlyCustomer = s.customerId ? sql`AND c.customer_id = ${s.customerId}` : sql``;
  const invoiceId = sql`'inv_' || md5(${s.runId} || ':' || g.customer_id || ':' || g.currency)`;
  const res = await sql`
    WITH g AS (
      SELECT c.customer_id, c.currency, c.group_key, c.group_title, c.description, c.unit_price, c.period_start, c.period_end, c.proration,
             sum(c.quantity) AS quantity, sum(c.amount) AS amount, count(*)::int AS n,
             row_number() OVER (PARTITION BY c.customer_id, c.currency ORDER BY c.group_key, c.period_start, c.description, c.unit_price, c.period_end) AS position
      FROM charges c JOIN run_customers rc ON rc.customer_id = c.customer_id
      WHERE c.invoice_id IS NULL AND c.billing_period <= ${s.period} AND c.seq <= ${s.cutoffSeq} AND NOT ${claimedByDraft} ${onlyCustomer}
      -- grouped in the lines' order, so the one sort that groups also numbers the lines (no second sort)
      GROUP BY c.customer_id, c.currency, c.group_key, c.period_start, c.description, c.unit_price, c.period_end, c.group_title, c.proration
    ), inv AS (
      INSERT INTO invoices (id, kind, run_id, customer_id, currency, period, period_start, period_end, status, hold_code, hold_params,
                            net, tax, gross, tax_mode, tax_rate, locale, created_by, created_at, updated_at)
      SELECT ${invoiceId}, 'invoice', ${s.runId}, g.customer_id, g.currency, ${s.period}, ${s.periodStart}::date, ${s.periodEnd}::date, 'draft',
             CASE WHEN rc.hold_code IS NOT NULL THEN rc.hold_code WHEN sum(g.amount) < 0 THEN 'invoicing.hold.negative_total' WHEN sum(g.amount) = 0 THEN 'invoicing.hold.zero_total' END,
             rc.hold_params,
             sum(g.amount), round(sum(g.amount) * rc.tax_rate / 100)::bigint, sum(g.amount) + round(sum(g.amount) * rc.tax_rate / 100)::bigint,
             rc.tax_mode, rc.tax_rate, rc.locale, ${s.actor}, ${s.now}, ${s.now}
      FROM g JOIN run_customers rc ON rc.customer_id = g.customer_id
      GROUP BY g.customer_id, g.currency, rc.customer_id
      RETURNING 1
    ), lines AS (
      INSERT INTO invoice_lines (id, invoice_id, position, group_key, group_title, description, period_start, period_end, quantity, unit_price, amount, proration, charges)
      -- a line's id is its invoice's (hashed) id and its position: an invoice's lines sit side by
      -- side in the primary key instead of at 370,000 random places
      SELECT 'inl_' || substr(md5(${s.runId} || ':' || g.customer_id || ':' || g.currency), 1, 24) || lpad(g.position::text, 8, '0'), ${invoiceId}, g.position, g.group_key, g.group_title,
             g.description, g.period_start, g.period_end, g.quantity, g.unit_price, g.amount, g.proration, g.n
      FROM g
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM inv)::int AS drafts`.execute(db);
  return (res.rows[0] as { drafts: number }).drafts;
}

/**
 * An empty held draft for each customer that has no draft in the run but must be listed as held
 * (its provider lines could not be priced, so it has no charges yet): held with the reason, never
 * silently left out.
 */
export async function insertHeldPlaceholders(db: Executor, s: DraftScope, customerIds: string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await sql`
    INSERT INTO invoices (id, kind, run_id, customer_id, currency, period, period_start, period_end, status, hold_code, hold_params,
                          net, tax, gross, tax_mode, tax_rate, locale, created_by, created_at, updated_at)
    SELECT 'inv_' || md5(${s.runId} || ':' || rc.customer_id || ':' || c.billing_currency), 'invoice', ${s.runId}, rc.customer_id, c.billing_currency,
           ${s.period}, ${s.periodStart}::date, ${s.periodEnd}::date, 'draft', rc.hold_code, rc.hold_params, 0, 0, 0, rc.tax_mode, rc.tax_rate, rc.locale,
           ${s.actor}, ${s.now}, ${s.now}
    FROM run_customers rc JOIN customers c ON c.id = rc.customer_id
    WHERE rc.customer_id IN (${sql.join(customerIds)})
      AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.status = 'draft' AND i.kind = 'invoice' AND i.customer_id = rc.customer_id AND i.currency = c.billing_currency)`.execute(db);
}
