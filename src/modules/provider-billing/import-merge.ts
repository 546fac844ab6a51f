import { sql } from 'kysely';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { currencyExponent } from '../../core/currencies.js';
import { formatScaled } from '../../core/money.js';
import { openCopy, withConnection, type Connection } from '../../db/bulk.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { Actor } from '../../db/tx.js';
import type { Deps } from '../../deps.js';
import type { ReconFormat } from './formats/columns.js';
import type { LineText } from './formats/normalize.js';
import type { ReconSource } from './formats/sources.js';
import type { ImportOptions, ImportSummary } from './import-recon.js';
import { DATA_COLUMNS, dataCsv, stage } from './import-stage.js';

/**
 * The general import path: stage the file into a temporary table, then merge it into recon_lines
 * (repeats numbered by row_number(), stored keys replaced when changed or counted as duplicates,
 * a superseded invoice's dropped lines removed). Any source, any account state.
 */

const STAGE_COLUMNS = ['seq', 'line_key', ...DATA_COLUMNS];

const STAGE_DDL = `(
  seq integer, line_key text, format text, invoice_number text, customer_tenant_id text, customer_name text,
  subscription_provider_id text, order_id text, product_id text, sku_id text, sku_name text,
  charge_type text, charge_type_raw text, charge_start date, charge_end date, quantity numeric,
  billable_quantity numeric, unit_price numeric, effective_unit_price numeric, exchange_rate numeric,
  currency text, subtotal bigint, tax bigint, total bigint)`;

let stageTables = 0;

/** An earlier import of the same content, answered as the duplicate it is. */
export async function priorImport(conn: Connection, accountId: string, hash: string, staged: ImportSummary): Promise<ImportSummary | null> {
  const prior = await conn.db.selectFrom('recon_imports').selectAll().where('provider_account_id', '=', accountId).where('content_hash', '=', hash).executeTakeFirst();
  if (!prior) return null;
  return { ...staged, importId: null, format: prior.format as ReconFormat, duplicates: prior.rows, duplicateOf: prior.id, totals: prior.totals, unmatched: prior.unmatched };
}

export async function importStaged(deps: Deps, actor: Actor, accountId: string, source: ReconSource, opts: ImportOptions): Promise<ImportSummary> {
  let seq = 0;
  const stageLine = (t: LineText) => `${++seq},${t.lineKey},${dataCsv(t)}`;
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
      const staged = await stage(source, openCopy(deps.store, conn, 'recon_stage', STAGE_COLUMNS), opts, stageLine);
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
    const staged = await stage(source, openCopy(deps.store, null, table, STAGE_COLUMNS), opts, stageLine);
    if (staged.rejected > 0 || !staged.format) return staged;
    return await inTransaction(async (conn) => finish(conn, await merge(deps, actor, conn, table, accountId, source, staged, opts)));
  } finally {
    await deps.store.pool.query(`DROP TABLE IF EXISTS ${table}`);
  }
}

async function merge(deps: Deps, actor: Actor, conn: Connection, table: string, accountId: string, source: ReconSource, staged: ImportSummary, opts: ImportOptions): Promise<ImportSummary> {
  const hash = source.contentHash();
  const format = staged.format!;
  const prior = await priorImport(conn, accountId, hash, staged);
  if (prior) return prior;
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
  // (The direct path, import-direct.ts, numbers repeats the same way in JS: keep them equal.)
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
  // (the direct path counts the same from the lines it read: keep the two definitions equal)
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
