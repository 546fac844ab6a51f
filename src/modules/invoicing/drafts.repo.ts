import { sql } from 'kysely';
import type { Executor } from '../../db/store.js';

/**
 * The set-based SQL of an invoice run: one pass over the open charges sums every draft (per
 * customer and currency); a draft's lines are grouped from its charges when read and stored only
 * when adjusted or issued. Charges are not touched here: a draft covers a customer's open charges
 * of the period and before with seq ≤ the run's cutoff, and issuing links them (issue.ts).
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

/**
 * Create the drafts: one invoice per customer and currency with its totals, summed from the open
 * charges in one pass. A draft's lines are not written here: until a person adjusts one or the
 * draft is issued, they are grouped from its charges when read (draftLines), so drafting a
 * million charges writes ten thousand rows, not hundreds of thousands.
 */
export async function insertDrafts(db: Executor, s: DraftScope): Promise<number> {
  const onlyCustomer = s.customerId ? sql`AND c.customer_id = ${s.customerId}` : sql``;
  const res = await sql`
    INSERT INTO invoices (id, kind, run_id, customer_id, currency, period, period_start, period_end, status, hold_code, hold_params,
                          net, tax, gross, tax_mode, tax_rate, locale, created_by, created_at, updated_at)
    SELECT 'inv_' || md5(${s.runId} || ':' || c.customer_id || ':' || c.currency), 'invoice', ${s.runId}, c.customer_id, c.currency,
           ${s.period}, ${s.periodStart}::date, ${s.periodEnd}::date, 'draft',
           CASE WHEN rc.hold_code IS NOT NULL THEN rc.hold_code WHEN sum(c.amount) < 0 THEN 'invoicing.hold.negative_total' WHEN sum(c.amount) = 0 THEN 'invoicing.hold.zero_total' END,
           rc.hold_params,
           sum(c.amount), round(sum(c.amount) * rc.tax_rate / 100)::bigint, sum(c.amount) + round(sum(c.amount) * rc.tax_rate / 100)::bigint,
           rc.tax_mode, rc.tax_rate, rc.locale, ${s.actor}, ${s.now}, ${s.now}
    FROM charges c JOIN run_customers rc ON rc.customer_id = c.customer_id
    WHERE c.invoice_id IS NULL AND c.billing_period <= ${s.period} AND c.seq <= ${s.cutoffSeq} AND NOT ${claimedByDraft} ${onlyCustomer}
    GROUP BY c.customer_id, c.currency, rc.customer_id`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/**
 * The lines of a draft, grouped from the charges it covers: per group (subscription, product,
 * fee), description, unit price and service period, numbered in that order. A line's id is its
 * invoice's hashed id and its position, the same every time it is read, so a person can adjust
 * "line 3" and the stored line is that one.
 */
export function draftLinesQuery(invoiceId: string) {
  return sql<{
    id: string;
    invoice_id: string;
    position: number;
    group_key: string;
    group_title: string;
    description: string;
    period_start: string;
    period_end: string;
    quantity: string;
    unit_price: string;
    amount: string;
    proration: { days: number; of: number } | null;
    charges: number;
  }>`
    SELECT 'inl_' || substr(md5(i.run_id || ':' || i.customer_id || ':' || i.currency), 1, 24) || lpad(g.position::text, 8, '0') AS id,
           i.id AS invoice_id, g.position::int AS position, g.group_key, g.group_title, g.description, to_char(g.period_start, 'YYYY-MM-DD') AS period_start,
           to_char(g.period_end, 'YYYY-MM-DD') AS period_end, g.quantity, g.unit_price, g.amount::text AS amount, g.proration, g.n AS charges
    FROM invoices i JOIN invoice_runs r ON r.id = i.run_id
    CROSS JOIN LATERAL (
      SELECT c.group_key, c.group_title, c.description, c.unit_price, c.period_start, c.period_end, c.proration,
             sum(c.quantity) AS quantity, sum(c.amount) AS amount, count(*)::int AS n,
             row_number() OVER (ORDER BY c.group_key, c.period_start, c.description, c.unit_price, c.period_end, c.group_title, c.proration::text) AS position
      FROM charges c
      WHERE c.customer_id = i.customer_id AND c.currency = i.currency AND c.invoice_id IS NULL
        AND c.billing_period <= r.period AND c.seq <= r.cutoff_seq
      GROUP BY c.group_key, c.period_start, c.description, c.unit_price, c.period_end, c.group_title, c.proration
    ) g
    WHERE i.id = ${invoiceId} AND i.status = 'draft'
    ORDER BY g.position`;
}

/** Whether a draft's lines are stored (adjusted, or being issued) rather than read from its charges. */
export async function linesStored(db: Executor, invoiceId: string): Promise<boolean> {
  return (await sql<{ any: boolean }>`SELECT EXISTS (SELECT 1 FROM invoice_lines WHERE invoice_id = ${invoiceId}) AS any`.execute(db)).rows[0]!.any;
}

/**
 * Store a draft's lines from its charges (before a person adjusts one, and when it is issued).
 * Returns the sum of the lines stored now, or null when they were stored already.
 */
export async function storeDraftLines(db: Executor, invoiceId: string): Promise<bigint | null> {
  if (await linesStored(db, invoiceId)) return null;
  const q = draftLinesQuery(invoiceId);
  const r = await sql<{ sum: string | null }>`WITH l AS (
      INSERT INTO invoice_lines (id, invoice_id, position, group_key, group_title, description, period_start, period_end, quantity, unit_price, amount, proration, charges)
      SELECT id, invoice_id, position, group_key, group_title, description, period_start::date, period_end::date, quantity, unit_price, amount::bigint, proration, charges FROM (${q}) d
      RETURNING amount)
    SELECT sum(amount)::text AS sum FROM l`.execute(db);
  return BigInt(r.rows[0]!.sum ?? '0');
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
