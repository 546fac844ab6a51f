import { AppError } from '../../core/errors.js';
import type { Actor } from '../../db/tx.js';
import type { Deps } from '../../deps.js';
import type { ReconFormat } from './formats/columns.js';
import { openFileSource, recordsSource, type ReconSource, type SourceKind } from './formats/sources.js';
import { importDirect } from './import-direct.js';
import { importStaged } from './import-merge.js';

export { MAX_LISTED_ERRORS } from './import-stage.js';

/**
 * Import reconciliation lines: all or nothing, idempotent.
 *
 * The source (formats/sources.ts: a CSV, a Graph export, or records from the provider API) streams
 * rows through the normalizer straight into ONE COPY (import-stage.ts), so parsing, validation and
 * loading overlap. Any bad row: the COPY is abandoned, the transaction rolled back, and the summary
 * lists the bad rows (the first 1,000) — nothing is stored. Two paths:
 * - direct (import-direct.ts; files, on a PostgreSQL server): the COPY goes straight into recon_lines, in one transaction,
 *   repeats of one key within the file numbered "#2", "#3"… in file order while reading. It is
 *   optimistic: if any line key is already stored (a unique violation), everything is rolled back
 *   and the file is read again through
 * - staging + merge (import-merge.ts; also every import on PGlite, every records import and every superseding one): the
 *   COPY goes into a temporary staging table (on a server inside the import transaction; on PGlite
 *   outside any, so other requests are served meanwhile), then one INSERT … SELECT merges it into
 *   recon_lines in line-key order: repeats numbered by row_number over the key, a key already stored
 *   replaced only when something in the line changed (counted as `replaced`, audited), an identical
 *   one counted as a duplicate.
 * The same content twice is recognised by its hash.
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

export async function importRecon(deps: Deps, actor: Actor, opts: ImportOptions, source: ReconSource = openSource(opts)): Promise<ImportSummary> {
  const accountId = await resolveAccount(deps, opts.providerAccountId);
  if (deps.store.kind === 'postgres' && 'path' in opts && !opts.supersedesInvoice) {
    const direct = await importDirect(deps, actor, accountId, source, opts);
    if (direct) return direct;
    // a line of the file is stored already: nothing was kept, read the file again and merge
    source = openSource(opts);
  }
  return importStaged(deps, actor, accountId, source, opts);
}
