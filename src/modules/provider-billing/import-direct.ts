import { sql } from 'kysely';
import { newId } from '../../core/ids.js';
import { currencyExponent } from '../../core/currencies.js';
import { formatScaled } from '../../core/money.js';
import { csvField, openCopy, withConnection, type Connection } from '../../db/bulk.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { Actor } from '../../db/tx.js';
import type { Deps } from '../../deps.js';
import { KeyTable128 } from './formats/key-table.js';
import type { LineText } from './formats/normalize.js';
import type { ReconSource } from './formats/sources.js';
import type { ImportOptions, ImportSummary } from './import-recon.js';
import { priorImport } from './import-merge.js';
import { DATA_COLUMNS, dataCsv, stage } from './import-stage.js';

/**
 * The direct import path: the lines are COPYed straight into recon_lines while the file is parsed,
 * in one transaction that first inserts the recon_imports row (its content hash is known only at
 * the end: a placeholder until then). No staging table and no merge: on a 1M-line file the merge
 * was ~26 s of ~36 s.
 *
 * It is optimistic. When to take it: "none of the file's line keys is stored yet" is the only
 * condition under which a plain insert is right, and the cheapest reliable test of it is the
 * insert itself — the primary key (provider_account_id, line_key) refuses a stored key with a
 * unique violation (23505), and then the whole transaction is rolled back and `importRecon` reads
 * the file again through staging + merge (import-merge.ts), which replaces changed lines and
 * counts duplicates. A pre-check ("the account has no lines yet") would send every monthly file
 * after the first through the slow path, although a new month's lines never collide with stored
 * ones; the price of optimism is a second read of a file that overlaps stored lines (the same file
 * again fails at its first rows, so that costs little). Records from the API cannot be read twice,
 * and a superseding import must remove lines: both always take staging + merge (they are small).
 *
 * Only on a PostgreSQL server. On PGlite (measured, 1M lines, bench/import.mjs) the direct path
 * was ~1.5× slower than staging + merge and went past 500 MB RSS: the lines arrive in file order,
 * so the primary key's index is filled at random places, and with PGlite's 32 MB buffer cache
 * (store.ts) its pages go back and forth through the emulated file system; the merge inserts in
 * key order (one hot page). On a server the same random inserts stay in memory and the load runs
 * in the server process, beside the parse.
 *
 * Kept equal to the merge path:
 * - in-file repeats of a key get "#2", "#3"… in file order, counted here (a compact table of the
 *   keys' 128 hash bits) as `row_number() OVER (PARTITION BY line_key ORDER BY seq)` does there,
 *   so a later import of the same lines finds them;
 * - totals per currency, summed exactly (integer minor units) while reading;
 * - unmatched customers / subscriptions: the distinct ids of the lines (kept as 128-bit hashes)
 *   minus those the desk knows, with the same comparisons as merge()'s SQL.
 *
 * All or nothing: a bad row abandons the COPY and the transaction is rolled back; a killed process
 * leaves an uncommitted transaction, i.e. nothing.
 */

const LINE_COLUMNS = ['provider_account_id', 'import_id', 'line_key', ...DATA_COLUMNS];
const ASCII = /^[\x00-\x7f]*$/;
const TWO_52 = 2 ** 52;

/** An exact running sum of integer minor units given as text: doubles while that is exact, bigint beyond. */
class ExactSum {
  private big = 0n;
  private small = 0;
  add(minor: string | null): void {
    if (minor === null) return;
    if (minor.length > 15) {
      this.big += BigInt(minor);
      return;
    }
    // |minor| < 10^15 < 2^50, and small stays below 2^52 + 2^50 < 2^53: every sum is exact
    this.small += Number(minor);
    if (this.small >= TWO_52 || this.small <= -TWO_52) {
      this.big += BigInt(this.small);
      this.small = 0;
    }
  }
  get value(): bigint {
    return this.big + BigInt(this.small);
  }
}

/** What the direct path learns from the lines while they stream past. */
class LineTally {
  readonly keys: KeyTable128;
  readonly customers = new KeyTable128(1 << 10);
  /** lower-cased subscription ids (ASCII ones lower-cased here; the others by PostgreSQL at the end) */
  readonly subscriptions = new KeyTable128(1 << 10);
  readonly nonAsciiSubscriptions = new Set<string>();
  readonly sums = new Map<string, { subtotal: ExactSum; tax: ExactSum; total: ExactSum }>();

  constructor(
    private readonly prefix: string,
    totalBytes: number | null,
  ) {
    // sized for the file up front (a line is rarely under 256 bytes): growing a table of a million
    // keys costs more than filling it. At most 4M slots (80 MB); beyond, it grows.
    this.keys = new KeyTable128(Math.min(1 << 22, Math.max(1 << 12, Math.ceil(((totalBytes ?? 0) / 256) * 2))));
  }

  /** The line's CSV for recon_lines, its key numbered like merge()'s row_number(). */
  csv(t: LineText): string {
    const n = this.keys.addLineKey(t.lineKey);
    let s = this.sums.get(t.currency);
    if (!s) this.sums.set(t.currency, (s = { subtotal: new ExactSum(), tax: new ExactSum(), total: new ExactSum() }));
    s.subtotal.add(t.subtotal);
    s.tax.add(t.tax);
    s.total.add(t.total);
    if (t.customerTenantId !== null) this.customers.addString(t.customerTenantId);
    const sub = t.subscriptionId;
    if (sub !== null) {
      if (ASCII.test(sub)) this.subscriptions.addString(sub.toLowerCase());
      else this.nonAsciiSubscriptions.add(sub);
    }
    return n === 1 ? `${this.prefix}${t.lineKey},${dataCsv(t)}` : `${this.prefix}${t.lineKey}#${n},${dataCsv(t)}`;
  }

  totals() {
    return [...this.sums.keys()].sort().map((currency) => {
      const s = this.sums.get(currency)!;
      const exp = currencyExponent(currency);
      const f = (v: ExactSum) => formatScaled({ value: v.value, scale: exp });
      return { currency, subtotal: f(s.subtotal), tax: f(s.tax), total: f(s.total) };
    });
  }

  /** merge()'s unmatched counts: distinct ids of the lines that no customer / subscription of the account matches. */
  async unmatched(conn: Connection, accountId: string): Promise<{ customers: number; subscriptions: number }> {
    const known = (await sql<{ id: string }>`SELECT DISTINCT lower(tenant_id) AS id FROM customers WHERE provider_account_id = ${accountId} AND tenant_id IS NOT NULL`.execute(conn.db)).rows;
    const customers = this.customers.size - known.filter((c) => this.customers.hasString(c.id)).length;
    if (this.nonAsciiSubscriptions.size > 0) {
      const lowered = await sql<{ id: string }>`SELECT DISTINCT lower(x) AS id FROM unnest(${[...this.nonAsciiSubscriptions]}::text[]) x`.execute(conn.db);
      for (const r of lowered.rows) this.subscriptions.addString(r.id);
    }
    const knownSubs = (
      await sql<{ id: string }>`
        SELECT lower(x.provider_subscription_id) AS id FROM subscriptions x JOIN customers c ON c.id = x.customer_id
          WHERE c.provider_account_id = ${accountId} AND x.provider_subscription_id IS NOT NULL
        UNION
        SELECT e->>'id' FROM subscriptions x JOIN customers c ON c.id = x.customer_id,
          jsonb_array_elements(CASE WHEN jsonb_typeof(x.azure_entitlements) = 'array' THEN x.azure_entitlements ELSE '[]'::jsonb END) e
          WHERE c.provider_account_id = ${accountId} AND jsonb_typeof(e->'id') = 'string'`.execute(conn.db)
    ).rows;
    const subscriptions = this.subscriptions.size - knownSubs.filter((s) => this.subscriptions.hasString(s.id)).length;
    return { customers, subscriptions };
  }
}

/** The import, or null when a line key is already stored (nothing was kept: read the file again through the merge path). */
export async function importDirect(deps: Deps, actor: Actor, accountId: string, source: ReconSource, opts: ImportOptions): Promise<ImportSummary | null> {
  return withConnection(deps.store, async (conn) => {
    await conn.client.query('BEGIN');
    try {
      const result = await load(deps, actor, conn, accountId, source, opts);
      await conn.client.query(result.importId ? 'COMMIT' : 'ROLLBACK');
      return result;
    } catch (e) {
      await conn.client.query('ROLLBACK').catch(() => undefined);
      if ((e as { code?: string }).code === '23505') return null;
      throw e;
    }
  });
}

async function load(deps: Deps, actor: Actor, conn: Connection, accountId: string, source: ReconSource, opts: ImportOptions): Promise<ImportSummary> {
  const importId = newId('rim');
  const now = deps.clock.now();
  // the lines' reference check (a statement trigger, migration 0006) needs this row first;
  // format, counts and hash are filled in at the end
  await conn.db
    .insertInto('recon_imports')
    .values({
      id: importId,
      provider_account_id: accountId,
      file_name: source.name,
      content_hash: `pending:${importId}`,
      format: '',
      source: source.kind,
      provider_invoice_id: opts.providerInvoiceId ?? null,
      rows: 0,
      imported: 0,
      replaced: 0,
      duplicates: 0,
      totals: '[]',
      unmatched: '{}',
      requested_by: actor.label,
      imported_at: now,
    })
    .execute();
  const tally = new LineTally(`${csvField(accountId)},${csvField(importId)},`, source.totalBytes);
  const staged = await stage(source, openCopy(deps.store, conn, 'recon_lines', LINE_COLUMNS), opts, (t) => tally.csv(t));
  if (staged.rejected > 0 || !staged.format) return staged;
  const prior = await priorImport(conn, accountId, source.contentHash(), staged);
  if (prior) return prior; // lines all superseded since, or none: the same content is still the same import
  const format = staged.format;
  const imported = staged.rows;
  const totals = tally.totals();
  const unmatched = await tally.unmatched(conn, accountId);
  await conn.db
    .updateTable('recon_imports')
    .set({ content_hash: source.contentHash(), format, rows: staged.rows, imported, totals: JSON.stringify(totals), unmatched: JSON.stringify(unmatched) })
    .where('id', '=', importId)
    .execute();
  await insertAudit(conn.db, now, actor, {
    action: 'recon.import',
    entityType: 'recon_import',
    entityId: importId,
    after: { format, source: source.kind, rows: staged.rows, imported, replaced: 0, duplicates: 0, totals, fileName: source.name, providerInvoiceId: opts.providerInvoiceId ?? null },
  });
  return { ...staged, importId, imported, replaced: 0, duplicates: 0, duplicateOf: null, totals, unmatched };
}
