import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { sql } from 'kysely';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { currencyExponent } from '../../core/currencies.js';
import { formatScaled, type Scaled } from '../../core/money.js';
import { bulkCopy, csvField, withConnection, type Connection } from '../../db/bulk.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { Actor } from '../../db/tx.js';
import type { Deps } from '../../deps.js';
import type { ReconFormat } from './formats/columns.js';
import { CsvTokenizer } from './formats/csv.js';
import { detectFormat, detectFormatAs, isDetectError } from './formats/detect.js';
import { LineKeyCounter, normalizeRow, type CanonicalLine } from './formats/normalize.js';

/**
 * Import a reconciliation CSV: all or nothing, idempotent.
 * One transaction on one connection: the file streams through the tokenizer and the normalizer
 * into a temporary staging table (bulkCopy, in chunks), then merges into recon_lines keyed by
 * line key. Any bad row rolls everything back and the summary lists the bad rows (the first
 * 1,000): nothing is stored. The same file twice is recognised by its content hash; an
 * overlapping export adds only its new lines; a re-issued line with corrections replaces the old
 * one (counted as `replaced` and audited).
 */
export interface ImportError {
  line: number;
  column: string | null;
  value: string | null;
  code: string;
  message: string;
}

export interface ImportSummary {
  importId: string | null;
  format: ReconFormat | null;
  rows: number;
  imported: number;
  replaced: number;
  duplicates: number;
  /** rows rejected (0 when the file was accepted; any > 0 means nothing was imported) */
  rejected: number;
  /** the file was imported before, as this import */
  duplicateOf: string | null;
  errors: ImportError[];
  totals: { currency: string; subtotal: string; tax: string; total: string }[];
  unmatched: { customers: number; subscriptions: number };
}

export interface ImportOptions {
  path: string;
  fileName?: string;
  providerAccountId?: string | undefined;
  format?: ReconFormat | undefined;
  onProgress?: (p: { bytes: number; rows: number }) => void;
}

export const MAX_LISTED_ERRORS = 1000;
const CHUNK_ROWS = 10_000;

const STAGE_COLUMNS = [
  'line_key',
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

const dec = (x: Scaled | null) => (x ? formatScaled(x) : null);

function stageRow(l: CanonicalLine, key: string): string {
  return [
    key,
    l.format,
    l.invoiceNumber,
    l.customerTenantId,
    l.customerName,
    l.subscriptionId,
    l.orderId,
    l.productId,
    l.skuId,
    l.skuName ?? l.productName,
    l.chargeType,
    l.chargeTypeRaw,
    l.chargeStart || null,
    l.chargeEnd || null,
    dec(l.quantity),
    dec(l.billableQuantity),
    dec(l.unitPrice),
    dec(l.effectiveUnitPrice),
    dec(l.pcToBcExchangeRate),
    l.currency,
    l.subtotal,
    l.tax,
    l.total,
  ]
    .map(csvField)
    .join(',');
}

async function fileHash(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
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

const empty = (format: ReconFormat | null): Omit<ImportSummary, 'errors' | 'rejected'> => ({
  importId: null,
  format,
  rows: 0,
  imported: 0,
  replaced: 0,
  duplicates: 0,
  duplicateOf: null,
  totals: [],
  unmatched: { customers: 0, subscriptions: 0 },
});

export async function importRecon(deps: Deps, actor: Actor, opts: ImportOptions): Promise<ImportSummary> {
  const accountId = await resolveAccount(deps, opts.providerAccountId);
  const hash = await fileHash(opts.path);
  const prior = await deps.db.selectFrom('recon_imports').selectAll().where('provider_account_id', '=', accountId).where('content_hash', '=', hash).executeTakeFirst();
  if (prior) {
    return { ...empty(prior.format as ReconFormat), rows: prior.rows, duplicates: prior.rows, duplicateOf: prior.id, rejected: 0, errors: [], totals: prior.totals, unmatched: prior.unmatched };
  }
  return withConnection(deps.store, async (conn) => {
    await conn.client.query('BEGIN');
    try {
      const result = await loadAndMerge(deps, actor, conn, accountId, hash, opts);
      await conn.client.query(result.rejected > 0 ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (e) {
      await conn.client.query('ROLLBACK').catch(() => undefined);
      if ((e as { code?: string }).code === '23505') {
        // the same file, imported by someone else a moment ago
        throw new AppError('conflict', 'recon.concurrent_import');
      }
      throw e;
    }
  });
}

async function loadAndMerge(deps: Deps, actor: Actor, conn: Connection, accountId: string, hash: string, opts: ImportOptions): Promise<ImportSummary> {
  await conn.client.query(
    `CREATE TEMP TABLE recon_stage (
       line_key text, format text, invoice_number text, customer_tenant_id text, customer_name text,
       subscription_provider_id text, order_id text, product_id text, sku_id text, sku_name text,
       charge_type text, charge_type_raw text, charge_start date, charge_end date, quantity numeric,
       billable_quantity numeric, unit_price numeric, effective_unit_price numeric, exchange_rate numeric,
       currency text, subtotal bigint, tax bigint, total bigint) ON COMMIT DROP`,
  );
  const errors: ImportError[] = [];
  const badLines = new Set<number>();
  let errorCount = 0;
  const fail = (e: ImportError) => {
    errorCount++;
    badLines.add(e.line);
    if (errors.length < MAX_LISTED_ERRORS) errors.push(e);
  };
  const tokenizer = new CsvTokenizer();
  const keys = new LineKeyCounter();
  let header: { format: ReconFormat; mapping: Record<string, number> } | null = null;
  let headerFailed = false;
  let rows = 0;
  let bytes = 0;
  let buffer: string[] = [];
  const flush = async () => {
    if (buffer.length && errorCount === 0) await bulkCopy(deps.store, conn, 'recon_stage', [...STAGE_COLUMNS], buffer.join('\n') + '\n');
    buffer = [];
  };
  const handle = async (events: ReturnType<CsvTokenizer['push']>) => {
    for (const ev of events) {
      if (ev.kind === 'error') {
        fail({ line: ev.line, column: null, value: null, code: ev.code, message: ev.message });
        continue;
      }
      if (!header) {
        const d = opts.format ? detectFormatAs(opts.format, ev.cells) : detectFormat(ev.cells);
        if (isDetectError(d)) {
          headerFailed = true;
          fail({ line: ev.line, column: d.error.missing?.join(', ') ?? null, value: null, code: d.error.code, message: d.error.message });
          return;
        }
        header = { format: d.format, mapping: d.mapping };
        continue;
      }
      rows++;
      const r = normalizeRow(header.format, header.mapping, ev.cells, ev.line);
      if (!r.ok) {
        for (const e of r.errors) fail({ line: e.line, column: e.column, value: e.value, code: e.code, message: e.message });
        continue;
      }
      buffer.push(stageRow(r.line, keys.next(r.line.lineKey)));
      if (buffer.length >= CHUNK_ROWS) await flush();
    }
  };

  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(opts.path)) {
      bytes += (chunk as Buffer).length;
      await handle(tokenizer.push(decoder.decode(chunk as Buffer, { stream: true })));
      opts.onProgress?.({ bytes, rows });
      if (headerFailed) break;
    }
    if (!headerFailed) await handle(tokenizer.push(decoder.decode()).concat(tokenizer.end()));
  } catch (e) {
    if (e instanceof TypeError && /decode|encoded|utf-8/i.test(e.message)) {
      fail({ line: rows + 1, column: null, value: null, code: 'recon.not_utf8', message: 'the file is not UTF-8 text' });
    } else throw e;
  }
  if (!header && !headerFailed && errorCount === 0) fail({ line: 1, column: null, value: null, code: 'recon.empty', message: 'the file has no header line' });
  if (errorCount > 0) {
    return { ...empty(header ? (header as { format: ReconFormat }).format : null), rows, rejected: badLines.size, errors };
  }
  await flush();
  const format = (header as unknown as { format: ReconFormat }).format;
  const importId = newId('rim');
  const now = deps.clock.now();
  await conn.db
    .insertInto('recon_imports')
    .values({
      id: importId,
      provider_account_id: accountId,
      file_name: opts.fileName ?? opts.path.split('/').pop() ?? 'file.csv',
      content_hash: hash,
      format,
      rows,
      imported: 0,
      replaced: 0,
      duplicates: 0,
      totals: '[]',
      unmatched: '{}',
      requested_by: actor.label,
      imported_at: now,
    })
    .execute();
  const cols = STAGE_COLUMNS.join(', ');
  const changed = STAGE_COLUMNS.filter((c) => c !== 'line_key');
  const merged = await sql<{ inserted: boolean }>`
    INSERT INTO recon_lines (provider_account_id, import_id, ${sql.raw(cols)})
    SELECT ${accountId}, ${importId}, ${sql.raw(cols)} FROM recon_stage
    ON CONFLICT (provider_account_id, line_key) DO UPDATE SET
      ${sql.raw(changed.map((c) => `${c} = EXCLUDED.${c}`).join(', '))}, import_id = EXCLUDED.import_id
    WHERE (${sql.raw(changed.map((c) => `recon_lines.${c}`).join(', '))}) IS DISTINCT FROM (${sql.raw(changed.map((c) => `EXCLUDED.${c}`).join(', '))})
    RETURNING (xmax = 0) AS inserted`.execute(conn.db);
  const imported = merged.rows.filter((r) => r.inserted).length;
  const replaced = merged.rows.length - imported;
  const totals = (
    await sql<{ currency: string; subtotal: string | null; tax: string | null; total: string | null }>`
      SELECT currency, sum(subtotal)::text AS subtotal, sum(tax)::text AS tax, sum(total)::text AS total
      FROM recon_stage GROUP BY currency ORDER BY currency`.execute(conn.db)
  ).rows.map((t) => {
    const exp = currencyExponent(t.currency);
    const f = (v: string | null) => formatScaled({ value: BigInt(v ?? '0'), scale: exp });
    return { currency: t.currency, subtotal: f(t.subtotal), tax: f(t.tax), total: f(t.total) };
  });
  const unmatchedRow = (
    await sql<{ customers: number; subscriptions: number }>`
      SELECT
        (SELECT count(DISTINCT s.customer_tenant_id)::int FROM recon_stage s
          WHERE s.customer_tenant_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM customers c WHERE c.provider_account_id = ${accountId} AND lower(c.tenant_id) = s.customer_tenant_id)) AS customers,
        (SELECT count(DISTINCT s.subscription_provider_id)::int FROM recon_stage s
          WHERE s.subscription_provider_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM subscriptions x JOIN customers c ON c.id = x.customer_id
            WHERE c.provider_account_id = ${accountId} AND lower(x.provider_subscription_id) = lower(s.subscription_provider_id))) AS subscriptions`.execute(conn.db)
  ).rows[0]!;
  const unmatched = { customers: unmatchedRow.customers, subscriptions: unmatchedRow.subscriptions };
  const duplicates = rows - imported - replaced;
  await conn.db
    .updateTable('recon_imports')
    .set({ imported, replaced, duplicates, totals: JSON.stringify(totals), unmatched: JSON.stringify(unmatched) })
    .where('id', '=', importId)
    .execute();
  await insertAudit(conn.db, now, actor, {
    action: 'recon.import',
    entityType: 'recon_import',
    entityId: importId,
    after: { format, rows, imported, replaced, duplicates, totals, fileName: opts.fileName ?? null },
  });
  return { importId, format, rows, imported, replaced, duplicates, duplicateOf: null, rejected: 0, errors: [], totals, unmatched };
}
