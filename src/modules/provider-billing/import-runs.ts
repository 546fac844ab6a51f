import { AppError, isAppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Actor } from '../../db/tx.js';
import type { Deps } from '../../deps.js';
import type { ReconFormat } from './formats/columns.js';
import { openFileSource } from './formats/sources.js';
import { checkImportAccount, importRecon, type ImportSummary } from './import-recon.js';

/**
 * Imports that run in the background of the API process, with progress.
 *
 * A run has a row in recon_import_runs, written outside the import's transaction: at the start,
 * now and then while it runs (on a server, so that any API process can answer), and once at the
 * end with the outcome — the summary (a rejected file keeps its errors there, and nothing else is
 * stored) or, for a failure, the error code. This process also keeps its own runs in memory and
 * answers for them without the database: on PGlite the import's merge holds the only connection.
 * A run whose process died stays "running" in the table; it is reported as failed
 * (recon.run_lost) once it has not moved for STALE_MS.
 */
export type RunState = 'running' | 'done' | 'rejected' | 'failed';

export interface RunView {
  id: string;
  state: RunState;
  providerAccountId: string;
  fileName: string;
  bytes: number;
  totalBytes: number | null;
  rows: number;
  importId: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  summary: ImportSummary | null;
  error: { code: string; params: Record<string, string | number> } | null;
}

const live = new Map<string, RunView>();
/** DB progress writes at most this often (server only). */
const PROGRESS_EVERY_MS = 1000;
const STALE_MS = 5 * 60 * 1000;

export interface StartRunOptions {
  path: string;
  fileName: string;
  providerAccountId?: string | undefined;
  format?: ReconFormat | undefined;
  /** called once the run has finished, whatever the outcome (e.g. removes the uploaded file) */
  cleanup?: () => void;
}

/** Check what can be checked at once (account), record the run, and start the import in the background. */
export async function startImportRun(deps: Deps, actor: Actor, opts: StartRunOptions): Promise<RunView> {
  const accountId = await checkImportAccount(deps, opts.providerAccountId);
  const source = openFileSource(opts.path, opts.fileName);
  const now = deps.clock.now();
  const run: RunView = {
    id: newId('rir'),
    state: 'running',
    providerAccountId: accountId,
    fileName: opts.fileName,
    bytes: 0,
    totalBytes: source.totalBytes,
    rows: 0,
    importId: null,
    startedAt: now,
    finishedAt: null,
    summary: null,
    error: null,
  };
  await deps.db
    .insertInto('recon_import_runs')
    .values({ id: run.id, provider_account_id: accountId, file_name: run.fileName, state: 'running', total_bytes: run.totalBytes, requested_by: actor.label, started_at: now, updated_at: now })
    .execute();
  live.set(run.id, run);

  // progress in the table, on a server only (PGlite's one connection is the import's while it merges)
  let lastWrite = 0;
  let writing: Promise<unknown> | null = null;
  const onProgress = (p: { bytes: number; rows: number }) => {
    run.bytes = p.bytes;
    run.rows = p.rows;
    const t = Date.now();
    if (deps.store.kind === 'embedded' || writing || t - lastWrite < PROGRESS_EVERY_MS) return;
    lastWrite = t;
    writing = deps.db
      .updateTable('recon_import_runs')
      .set({ bytes: run.bytes, rows: run.rows, updated_at: deps.clock.now() })
      .where('id', '=', run.id)
      .where('state', '=', 'running')
      .execute()
      .catch((err: unknown) => deps.log.warn({ err, run: run.id }, 'import progress not recorded'))
      .finally(() => (writing = null));
  };

  void (async () => {
    try {
      const summary = await importRecon(deps, actor, { path: opts.path, fileName: opts.fileName, providerAccountId: accountId, format: opts.format, onProgress }, source);
      run.summary = summary;
      run.importId = summary.importId;
      run.rows = summary.rows;
      run.state = summary.rejected > 0 ? 'rejected' : 'done';
    } catch (e) {
      run.state = 'failed';
      run.error = isAppError(e) ? { code: e.code, params: e.params } : { code: 'internal', params: {} };
      if (!isAppError(e)) deps.log.error({ err: e, run: run.id }, 'import run failed');
    } finally {
      run.bytes = source.bytesRead;
      run.finishedAt = deps.clock.now();
      await writing;
      await deps.db
        .updateTable('recon_import_runs')
        .set({
          state: run.state,
          bytes: run.bytes,
          rows: run.rows,
          import_id: run.importId,
          summary: run.summary ? JSON.stringify(run.summary) : null,
          error: run.error ? JSON.stringify(run.error) : null,
          updated_at: run.finishedAt,
          finished_at: run.finishedAt,
        })
        .where('id', '=', run.id)
        .execute()
        .catch((err: unknown) => deps.log.error({ err, run: run.id }, 'import run outcome not recorded'));
      live.delete(run.id);
      opts.cleanup?.();
    }
  })();
  return { ...run };
}

/** A run by id: this process's own from memory, others' from the table; null when unknown. */
export async function getImportRun(deps: Deps, id: string): Promise<RunView | null> {
  const mine = live.get(id);
  if (mine) return { ...mine };
  const row = await deps.db.selectFrom('recon_import_runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const view: RunView = {
    id: row.id,
    state: row.state,
    providerAccountId: row.provider_account_id,
    fileName: row.file_name,
    bytes: Number(row.bytes),
    totalBytes: row.total_bytes === null ? null : Number(row.total_bytes),
    rows: row.rows,
    importId: row.import_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    summary: (row.summary as ImportSummary | null) ?? null,
    error: row.error ?? null,
  };
  // not ours and silent for long: its process is gone (the import rolled back with it)
  const quiet = deps.clock.now().getTime() - row.updated_at.getTime();
  if (view.state === 'running' && (deps.store.kind === 'embedded' || quiet > STALE_MS)) {
    return { ...view, state: 'failed', error: { code: 'recon.run_lost', params: {} } };
  }
  return view;
}

/** Wait for a run to finish (tests, and `?wait=true` callers that started one anyway). */
export async function waitForRun(deps: Deps, id: string, timeoutMs = 60_000): Promise<RunView> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = await getImportRun(deps, id);
    if (!run) throw new AppError('not_found', 'not_found', { entity: 'recon_import_run', id });
    if (run.state !== 'running' || Date.now() > until) return run;
    await new Promise((r) => setTimeout(r, 50));
  }
}
