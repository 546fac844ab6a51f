import { sql } from 'kysely';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { currencyExponent } from '../../core/currencies.js';
import { formatScaled } from '../../core/money.js';
import { csvField, openCopy, withConnection, type Connection, type CopyWriter } from '../../db/bulk.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { Actor } from '../../db/tx.js';
import type { Deps } from '../../deps.js';
import type { ReconFormat } from './formats/columns.js';
import { detectFormat, detectFormatAs, isDetectError, type DetectResult } from './formats/detect.js';
import { RowNormalizer, type LineText, type NormalizeError } from './formats/normalize.js';
import { openFileSource, recordsSource, type ReconSource, type SourceKind } from './formats/sources.js';

/**
 * Import reconciliation lines: all or nothing, idempotent.
 *
 * The source (formats/sources.ts: a CSV, a Graph export, or records from the provider API) streams
 * rows through the normalizer straight into ONE COPY into a temporary staging table, so parsing,
 * validation and loading overlap on a server (there, all of it is one transaction on one
 * connection; on PGlite the staging table is loaded outside a transaction and only the merge is
 * one). Any bad row: the COPY is abandoned, the transaction rolled back, and the summary lists the
 * bad rows (the first 1,000) — nothing is stored. Otherwise one INSERT … SELECT merges the staging table into
 * recon_lines in line-key order (so the unique index is filled left to right): repeats of one key
 * within the file get "#2", "#3"… in file order (row_number over the key), a key already stored
 * is replaced only when something in the line changed (counted as `replaced`, audited), an
 * identical one is a duplicate. The same content twice is recognised by its hash.
 */
export interface ImportError {
  line: number;
  column: string | null;
  value: string | null;
  code: string;
  message: string;
  /** the file inside a Graph export the line is in */
  blob?: string;
}

export interface ImportSummary {
  importId: string | null;
  format: ReconFormat | null;
  source: SourceKind;
  rows: number;
  imported: number;
  replaced: number;
  duplicates: number;
  /** rows rejected (0 when the file was accepted; any > 0 means nothing was imported) */
  rejected: number;
  /** the same content was imported before, as this import */
  duplicateOf: string | null;
  errors: ImportError[];
  totals: { currency: string; subtotal: string; tax: string; total: string }[];
  unmatched: { customers: number; subscriptions: number };
}

export interface ImportProgress {
  bytes: number;
  totalBytes: number | null;
  rows: number;
}

interface CommonOptions {
  providerAccountId?: string | undefined;
  format?: ReconFormat | undefined;
  /** the provider invoice (provider_invoices.id) the lines were fetched for */
  providerInvoiceId?: string | undefined;
  /**
   * this import is the complete, re-issued set of lines of one provider invoice (its number): lines
   * of that invoice and format that it no longer contains are removed, in the same transaction, and
   * audited (the provider dropped them from the invoice)
   */
  supersedesInvoice?: string | undefined;
  onProgress?: ((p: ImportProgress) => void) | undefined;
}

export type ImportOptions = CommonOptions &
  (
    | { path: string; fileName?: string | undefined }
    | { records: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>; sourceName: string }
  );

export const MAX_LISTED_ERRORS = 1000;

/** recon_lines columns filled from a line, in staging order (after seq and line_key). */
const DATA_COLUMNS = [
  'format',
  'invoice_number',
  'customer_tenant_id',
  'customer_name',
  'subscription_provider_id',
  'order_id',
  'product_id',
  'sku_id',
  'sku_name',
  'charge_type',
  'charge_type_raw',
  'charge_start',
  'charge_end',
  'quantity',
  'billable_quantity',
  'unit_price',
  'effective_unit_price',
  'exchange_rate',
  'currency',
  'subtotal',
  'tax',
  'total',
] as const;
const STAGE_COLUMNS = ['seq', 'line_key', ...DATA_COLUMNS];

const q = (v: string | null) => (v === null ? '' : csvField(v));
const n = (v: string | null) => v ?? '';

/** One CSV line for the staging table. Numbers, dates and keys never need quoting. */
function stageLine(t: LineText, seq: number): string {
  return `${seq},${t.lineKey},${t.format},${q(t.invoiceNumber)},${q(t.customerTenantId)},${q(t.customerName)},${q(t.subscriptionId)},${q(t.orderId)},${q(t.productId)},${q(t.skuId)},${q(t.skuName ?? t.productName)},${t.chargeType},${q(t.chargeTypeRaw)},${t.chargeStart},${t.chargeEnd},${t.quantity},${t.billableQuantity},${n(t.unitPrice)},${n(t.effectiveUnitPrice)},${n(t.pcToBcExchangeRate)},${t.currency},${n(t.subtotal)},${n(t.tax)},${n(t.total)}\n`;
}

async function resolveAccount(deps: Deps, id: string | undefined): Promise<string> {
  if (id) {
    const a = await deps.db.selectFrom('provider_accounts').select('id').where('id', '=', id).executeTakeFirst();
    if (!a) throw new AppError('not_found', 'not_found', { entity: 'provider_account', id }, { field: '--provider-account' });
    return a.id;
  }
  const all = await deps.db.selectFrom('provider_accounts').select('id').where('status', '=', 'active').execute();
  if (all.length !== 1) throw new AppError('bad_request', 'recon.account_required', { count: all.length }, { field: '--provider-account' });
  return all[0]!.id;
}

/** Check the account before any work (the API answers 202 only for a request that can start). */
export const checkImportAccount = resolveAccount;

export function openSource(opts: ImportOptions): ReconSource {
  return 'records' in opts ? recordsSource(opts.records, opts.sourceName) : openFileSource(opts.path, opts.fileName);
}

const emptySummary = (source: SourceKind, format: ReconFormat | null): ImportSummary => ({
  importId: null,
  format,
  source,
  rows: 0,
  imported: 0,
  replaced: 0,
  duplicates: 0,
  rejected: 0,
  duplicateOf: null,
  errors: [],
  totals: [],
  unmatched: { customers: 0, subscriptions: 0 },
});

const STAGE_DDL = `(
  seq integer, line_key text, format text, invoice_number text, customer_tenant_id text, customer_name text,
  subscription_provider_id text, order_id text, product_id text, sku_id text, sku_name text,
  charge_type text, charge_type_raw text, charge_start date, charge_end date, quantity numeric,
  billable_quantity numeric, unit_price numeric, effective_unit_price numeric, exchange_rate numeric,
  currency text, subtotal bigint, tax bigint, total bigint)`;

let stageTables = 0;

export async function importRecon(deps: Deps, actor: Actor, opts: ImportOptions, source: ReconSource = openSource(opts)): Promise<ImportSummary> {
  const accountId = await resolveAccount(deps, opts.providerAccountId);
  const inTransaction = async <T>(fn: (conn: Connection) => Promise<T>): Promise<T> =>
    withConnection(deps.store, async (conn) => {
      await conn.client.query('BEGIN');
      try {
        // room for the merge's sort and the hash aggregates, this transaction only. A 1M-line sort
        // is ~300 MB: in memory on a server. PGlite's memory is this process's and never shrinks,
        // so it sorts on disk (measured: no slower with 16 MB than with 64 MB, ~50 MB less RSS)
        await conn.client.query(`SET LOCAL work_mem = '${deps.store.kind === 'embedded' ? '16MB' : '320MB'}'`);
        return await fn(conn);
      } catch (e) {
        await conn.client.query('ROLLBACK').catch(() => undefined);
        // the same content, imported by someone else a moment ago
        if ((e as { code?: string }).code === '23505') throw new AppError('conflict', 'recon.concurrent_import');
        throw e;
      }
    });
  const finish = async (conn: Connection, result: ImportSummary) => {
    await conn.client.query(result.importId ? 'COMMIT' : 'ROLLBACK');
    return result;
  };

  if (deps.store.kind !== 'embedded') {
    // a server: one connection, one transaction; the load streams while the file is parsed
    return inTransaction(async (conn) => {
      await conn.client.query(`CREATE TEMP TABLE recon_stage ${STAGE_DDL} ON COMMIT DROP`);
      const staged = await stage(source, openCopy(deps.store, conn, 'recon_stage', STAGE_COLUMNS), opts);
      return finish(conn, staged.rejected > 0 || !staged.format ? staged : await merge(deps, actor, conn, 'recon_stage', accountId, source, staged, opts));
    });
  }
  // PGlite has one connection for everything. Staging goes into a temporary table of this session
  // outside any transaction, one blob at a time, so other requests are served meanwhile; only the
  // merge holds the connection (one transaction). The temporary table is private and dropped at
  // the end (or with the process), so a rejected or interrupted import still stores nothing.
  const table = `recon_stage_${++stageTables}`;
  await deps.store.pool.query(`CREATE TEMP TABLE ${table} ${STAGE_DDL}`);
  try {
    const staged = await stage(source, openCopy(deps.store, null, table, STAGE_COLUMNS), opts);
    if (staged.rejected > 0 || !staged.format) return staged;
    return await inTransaction(async (conn) => finish(conn, await merge(deps, actor, conn, table, accountId, source, staged, opts)));
  } finally {
    await deps.store.pool.query(`DROP TABLE IF EXISTS ${table}`);
  }
}

/** Source → normalizer → COPY into the staging table. Stops writing at the first bad row but reads on to list them all. */
async function stage(source: ReconSource, copy: CopyWriter, opts: ImportOptions): Promise<ImportSummary> {
  const summary = emptySummary(source.kind, null);
  const errors = summary.errors;
  let errorCount = 0;
  let lastBad = '';
  const fail = (e: ImportError) => {
    errorCount++;
    // a row's errors come together, and rows come in order: count each bad row once without a set
    const key = `${e.blob ?? ''}\u0000${e.line}`;
    if (key !== lastBad) summary.rejected++;
    lastBad = key;
    if (errors.length < MAX_LISTED_ERRORS) errors.push(e);
  };
  let normalizer: RowNormalizer | null = null;
  let format: ReconFormat | null = null;
  let headerFailed = false;
  const rowErrors: NormalizeError[] = [];
  let seq = 0;
  const progress = () => opts.onProgress?.({ bytes: source.bytesRead, totalBytes: source.totalBytes, rows: summary.rows });
  try {
    for await (const batch of source.batches()) {
      for (const ev of batch) {
        if (ev.kind === 'row' && normalizer && errorCount === 0) {
          // the hot path: a row while all is well
          summary.rows++;
          const t = normalizer.run(ev.cells, ev.line, rowErrors);
          if (t) {
            const wait = copy.write(stageLine(t, ++seq));
            if (wait) await wait;
          } else {
            for (const e of rowErrors) fail(ev.blob === undefined ? e : { ...e, blob: ev.blob });
            rowErrors.length = 0;
          }
          continue;
        }
        const blob = ev.blob === undefined ? {} : { blob: ev.blob };
        if (ev.kind === 'error') {
          fail({ line: ev.line, column: ev.column, value: ev.value, code: ev.code, message: ev.message, ...blob });
        } else if (ev.kind === 'columns') {
          if (headerFailed) continue;
          const d: DetectResult = format ? detectFormatAs(format, ev.names) : opts.format ? detectFormatAs(opts.format, ev.names) : detectFormat(ev.names);
          if (isDetectError(d)) {
            headerFailed = true;
            fail({ line: ev.line, column: d.error.missing?.join(', ') ?? null, value: null, code: d.error.code, message: d.error.message, ...blob });
            continue;
          }
          format = d.format;
          normalizer = new RowNormalizer(d.format, d.mapping);
        } else {
          summary.rows++;
          if (!normalizer) continue;
          rowErrors.length = 0;
          const t = normalizer.run(ev.cells, ev.line, rowErrors);
          if (!t) {
            for (const e of rowErrors) fail({ ...e, ...blob });
          } else if (errorCount === 0) {
            const wait = copy.write(stageLine(t, ++seq));
            if (wait) await wait;
          }
        }
      }
      progress();
      if (headerFailed) break;
    }
  } catch (e) {
    await copy.abort();
    throw e;
  }
  summary.format = format;
  summary.source = source.kind; // known for certain once read (a gzip says what it holds when opened)
  if (!format && errorCount === 0) fail({ line: 1, column: null, value: null, code: 'recon.empty', message: 'the file has no header line' });
  if (errorCount > 0) {
    await copy.abort();
    return summary;
  }
  await copy.end();
  progress();
  return summary;
}

async function merge(deps: Deps, actor: Actor, conn: Connection, table: string, accountId: string, source: ReconSource, staged: ImportSummary, opts: ImportOptions): Promise<ImportSummary> {
  const hash = source.contentHash();
  const format = staged.format!;
  const prior = await conn.db.selectFrom('recon_imports').selectAll().where('provider_account_id', '=', accountId).where('content_hash', '=', hash).executeTakeFirst();
  if (prior) {
    return { ...staged, format: prior.format as ReconFormat, duplicates: prior.rows, duplicateOf: prior.id, totals: prior.totals, unmatched: prior.unmatched };
  }
  const importId = newId('rim');
  const now = deps.clock.now();
  await conn.db
    .insertInto('recon_imports')
    .values({
      id: importId,
      provider_account_id: accountId,
      file_name: source.name,
      content_hash: hash,
      format,
      source: source.kind,
      provider_invoice_id: opts.providerInvoiceId ?? null,
      rows: staged.rows,
      imported: 0,
      replaced: 0,
      duplicates: 0,
      totals: '[]',
      unmatched: '{}',
      requested_by: actor.label,
      imported_at: now,
    })
    .execute();
  const cols = DATA_COLUMNS.join(', ');
  // Keys in order (the window's sort), so the unique index fills left to right. An account's
  // first import cannot conflict with anything (in-file repeats got their suffix): plain INSERT.
  const keyed = sql`SELECT ${accountId}, ${importId}, CASE WHEN n = 1 THEN line_key ELSE line_key || '#' || n END, ${sql.raw(cols)}
      FROM (SELECT s.*, row_number() OVER (PARTITION BY line_key ORDER BY seq) AS n FROM ${sql.table(table)} s) s`;
  const first = !(await sql<{ any: boolean }>`SELECT EXISTS (SELECT 1 FROM recon_lines WHERE provider_account_id = ${accountId}) AS any`.execute(conn.db)).rows[0]!.any;
  let imported: number;
  let changed: number;
  if (first) {
    imported = changed = Number((await sql`INSERT INTO recon_lines (provider_account_id, import_id, line_key, ${sql.raw(cols)}) ${keyed}`.execute(conn.db)).numAffectedRows ?? 0);
  } else {
    ({ imported, changed } = (
      await sql<{ imported: number; changed: number }>`
      WITH m AS (
        INSERT INTO recon_lines (provider_account_id, import_id, line_key, ${sql.raw(cols)}) ${keyed}
        ON CONFLICT (provider_account_id, line_key) DO UPDATE SET
          ${sql.raw(DATA_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', '))}, import_id = EXCLUDED.import_id
        WHERE (${sql.raw(DATA_COLUMNS.map((c) => `recon_lines.${c}`).join(', '))}) IS DISTINCT FROM (${sql.raw(DATA_COLUMNS.map((c) => `EXCLUDED.${c}`).join(', '))})
        RETURNING (xmax = 0) AS inserted)
      SELECT (count(*) FILTER (WHERE inserted))::int AS imported, count(*)::int AS changed FROM m`.execute(conn.db)
    ).rows[0]!);
  }
  const replaced = changed - imported;
  const totals = (
    await sql<{ currency: string; subtotal: string | null; tax: string | null; total: string | null }>`
      SELECT currency, sum(subtotal)::text AS subtotal, sum(tax)::text AS tax, sum(total)::text AS total
      FROM ${sql.table(table)} GROUP BY currency ORDER BY currency`.execute(conn.db)
  ).rows.map((t) => {
    const exp = currencyExponent(t.currency);
    const f = (v: string | null) => formatScaled({ value: BigInt(v ?? '0'), scale: exp });
    return { currency: t.currency, subtotal: f(t.subtotal), tax: f(t.tax), total: f(t.total) };
  });
  const unmatched = (
    await sql<{ customers: number; subscriptions: number }>`
      SELECT
        (SELECT count(*)::int FROM (SELECT DISTINCT customer_tenant_id AS id FROM ${sql.table(table)} WHERE customer_tenant_id IS NOT NULL) s
          WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.provider_account_id = ${accountId} AND lower(c.tenant_id) = s.id)) AS customers,
        (SELECT count(*)::int FROM (SELECT DISTINCT lower(subscription_provider_id) AS id FROM ${sql.table(table)} WHERE subscription_provider_id IS NOT NULL) s
          WHERE NOT EXISTS (SELECT 1 FROM subscriptions x JOIN customers c ON c.id = x.customer_id
            WHERE c.provider_account_id = ${accountId}
              AND (lower(x.provider_subscription_id) = s.id OR x.azure_entitlements @> jsonb_build_array(jsonb_build_object('id', s.id))))) AS subscriptions`.execute(conn.db)
  ).rows[0]!;
  let superseded = 0;
  if (opts.supersedesInvoice && !first) {
    const keys = sql`SELECT CASE WHEN n = 1 THEN line_key ELSE line_key || '#' || n END
      FROM (SELECT line_key, row_number() OVER (PARTITION BY line_key ORDER BY seq) AS n FROM ${sql.table(table)}) s`;
    superseded = Number(
      (
        await sql`DELETE FROM recon_lines l WHERE l.provider_account_id = ${accountId} AND upper(l.invoice_number) = ${opts.supersedesInvoice.trim().toUpperCase()}
          AND l.format = ${format} AND NOT EXISTS (SELECT 1 FROM (${keys}) k(key) WHERE k.key = l.line_key)`.execute(conn.db)
      ).numAffectedRows ?? 0,
    );
  }
  const duplicates = staged.rows - changed;
  await conn.db
    .updateTable('recon_imports')
    .set({ imported, replaced, duplicates, totals: JSON.stringify(totals), unmatched: JSON.stringify(unmatched) })
    .where('id', '=', importId)
    .execute();
  await insertAudit(conn.db, now, actor, {
    action: 'recon.import',
    entityType: 'recon_import',
    entityId: importId,
    after: { format, source: source.kind, rows: staged.rows, imported, replaced, duplicates, totals, fileName: source.name, providerInvoiceId: opts.providerInvoiceId ?? null, ...(superseded > 0 && { superseded, supersedesInvoice: opts.supersedesInvoice }) },
  });
  return { ...staged, importId, imported, replaced, duplicates, duplicateOf: null, totals, unmatched: { customers: unmatched.customers, subscriptions: unmatched.subscriptions } };
}
