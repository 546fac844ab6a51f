import { sql } from 'kysely';
import { AppError, notFound } from '../../core/errors.js';
import { currencyExponent } from '../../core/currencies.js';
import { newId } from '../../core/ids.js';
import { formatScaled } from '../../core/money.js';
import type { Executor } from '../../db/store.js';
import { runUseCase, type Actor, type UseCaseContext } from '../../db/tx.js';
import { chargeFeesThrough } from './charges.js';
import { rateReconLines } from './rating.js';
import { claimedByDraft, insertDrafts, insertHeldPlaceholders, loadRunCustomers, type RunCustomer } from './drafts.repo.js';
import { eligibility } from './eligibility.js';
import { customersForBilling } from './invoices.repo.js';
import { parsePeriod } from './period.js';
import { issueInvoice, type InvoicingDeps } from './issue.js';
import { today } from '../provider-billing/provider-invoices.js';

/**
 * Invoice runs. A run covers one billing period: it rates the provider lines billed by then and charges the recurring fees due by the period's
 * end, then drafts one invoice per customer and currency from the open charges of the period and
 * before (one transaction, set-based: drafts.repo.ts). Staff review the drafts (hold, adjust a
 * line, note), then issue the run: each draft is issued in its own transaction (issue.ts), so an
 * interrupted issue resumes where it stopped. One run per period is active at a time; starting a
 * period again while its run is active, or when nothing new is open, returns the run as it is.
 */
export interface RunSummary {
  runId: string;
  period: string;
  state: 'drafting' | 'draft' | 'issuing' | 'issued' | 'cancelled';
  customers: number;
  invoices: number;
  held: number;
  issued: number;
  totals: { currency: string; net: string; tax: string; gross: string }[];
  /** false when the call found the run and made nothing */
  created: boolean;
  createdAt: Date;
  finishedAt: Date | null;
}

type RunRow = { id: string; period: string; state: RunSummary['state']; customers: number; invoices: number; held: number; issued: number; totals: RunSummary['totals']; created_at: Date; finished_at: Date | null };
const toSummary = (r: RunRow, created: boolean): RunSummary => ({
  runId: r.id,
  period: r.period,
  state: r.state,
  customers: r.customers,
  invoices: r.invoices,
  held: r.held,
  issued: r.issued,
  totals: r.totals,
  created,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

export async function findRun(db: Executor, id: string): Promise<RunSummary | undefined> {
  const r = await db.selectFrom('invoice_runs').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toSummary(r, false) : undefined;
}

export async function listRuns(db: Executor, limit = 50): Promise<RunSummary[]> {
  const rows = await db.selectFrom('invoice_runs').selectAll().orderBy('period', 'desc').orderBy('created_at', 'desc').limit(limit).execute();
  return rows.map((r) => toSummary(r, false));
}

/** Recount a run's drafts and totals (after drafting, a hold, an adjustment, an issue). */
export async function refreshRunCounts(db: Executor, runId: string, now: Date): Promise<void> {
  const c = (
    await sql<{ customers: number; invoices: number; held: number; issued: number }>`SELECT count(DISTINCT customer_id)::int AS customers,
      count(*) FILTER (WHERE hold_code IS NULL)::int AS invoices, count(*) FILTER (WHERE hold_code IS NOT NULL)::int AS held,
      count(*) FILTER (WHERE status <> 'draft')::int AS issued
      FROM invoices WHERE run_id = ${runId} AND kind = 'invoice'`.execute(db)
  ).rows[0]!;
  const totals = (
    await sql<{ currency: string; net: string; tax: string; gross: string }>`SELECT currency, sum(net)::text AS net, sum(tax)::text AS tax, sum(gross)::text AS gross
      FROM invoices WHERE run_id = ${runId} AND kind = 'invoice' AND hold_code IS NULL GROUP BY currency ORDER BY currency`.execute(db)
  ).rows.map((t) => {
    const f = (v: string) => formatScaled({ value: BigInt(v), scale: currencyExponent(t.currency) });
    return { currency: t.currency, net: f(t.net), tax: f(t.tax), gross: f(t.gross) };
  });
  await db
    .updateTable('invoice_runs')
    .set({ customers: c.customers, invoices: c.invoices, held: c.held, issued: c.issued, totals: JSON.stringify(totals), updated_at: now })
    .where('id', '=', runId)
    .execute();
}

/** The customers of a run with their tax and holds, decided on the period's last day (the tax point of a monthly supply). */
async function decideCustomers(ctx: UseCaseContext, supplyDay: string, unrated: Map<string, { code: string; params: Record<string, string> }>): Promise<RunCustomer[]> {
  return (await customersForBilling(ctx.trx)).map((c) => {
    const e = eligibility(c, supplyDay);
    // a customer with lines that could not be priced is held with that reason first
    const rating = unrated.get(c.id);
    return { customerId: c.id, locale: c.locale, taxMode: e.tax.mode, taxRate: e.tax.rate, holdCode: rating?.code ?? e.holdCode, holdParams: rating ? JSON.stringify(rating.params) : null };
  });
}

export async function startRun(deps: InvoicingDeps, actor: Actor, periodText: string): Promise<RunSummary> {
  const p = parsePeriod(periodText);
  // a period that has not begun has nothing to invoice yet (fees would be billed months ahead)
  const current = today(deps.clock.now(), deps.config.businessTimeZone).slice(0, 7);
  if (p.period > current) throw new AppError('bad_request', 'invoicing.future_period', { period: p.period }, { field: 'period' });
  return runUseCase(deps, actor, async (ctx) => {
    // one run starts at a time (runs of different periods would draft the same older charges), and
    // no charge is added while its drafts are made: a charge committed later with a lower seq than
    // the cutoff would make a draft stale
    await sql`SELECT pg_advisory_xact_lock(hashtext('invoice_run'))`.execute(ctx.trx);
    await sql`LOCK TABLE charges IN SHARE MODE`.execute(ctx.trx);
    const active = await ctx.trx.selectFrom('invoice_runs').selectAll().where('period', '=', p.period).where('state', 'in', ['drafting', 'draft', 'issuing']).executeTakeFirst();
    if (active) return toSummary(active, false);
    const feeCharges = await chargeFeesThrough(ctx, p.end);
    const rating = await rateReconLines(ctx, p.end);
    // open charges not already claimed by a pending draft (a held one of an earlier run)
    // (the newest such charge, read backwards on the seq index, instead of counting them all)
    const open = await sql<{ cutoff: string }>`SELECT seq::text AS cutoff FROM charges c
      WHERE c.invoice_id IS NULL AND c.billing_period <= ${p.period} AND NOT ${claimedByDraft} ORDER BY seq DESC LIMIT 1`.execute(ctx.trx);
    const cutoff = open.rows[0]?.cutoff ?? null;
    const n = open.rows.length;
    if (n === 0 && rating.failures.size === 0) {
      const last = await ctx.trx.selectFrom('invoice_runs').selectAll().where('period', '=', p.period).where('state', '=', 'issued').orderBy('created_at', 'desc').executeTakeFirst();
      if (last) return toSummary(last, false);
    }
    const runId = newId('run');
    await ctx.trx
      .insertInto('invoice_runs')
      .values({ id: runId, period: p.period, state: 'drafting', cutoff_seq: BigInt(cutoff ?? '0'), created_by: actor.label, created_at: ctx.now, updated_at: ctx.now })
      .execute();
    if (n > 0 || rating.failures.size > 0) {
      await loadRunCustomers(ctx.trx, await decideCustomers(ctx, p.end, rating.failures));
      const scope = { runId, period: p.period, periodStart: p.start, periodEnd: p.end, cutoffSeq: BigInt(cutoff ?? '0'), actor: actor.label, now: ctx.now };
      await insertDrafts(ctx.trx, scope);
      await insertHeldPlaceholders(ctx.trx, scope, [...rating.failures.keys()]);
    }
    await ctx.trx.updateTable('invoice_runs').set({ state: 'draft' }).where('id', '=', runId).execute();
    await refreshRunCounts(ctx.trx, runId, ctx.now);
    const run = toSummary(await ctx.trx.selectFrom('invoice_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow(), true);
    await ctx.audit({ action: 'invoice_run.start', entityType: 'invoice_run', entityId: runId, after: { period: p.period, feeCharges, rated: rating.rated, unrated: [...rating.failures.keys()], customers: run.customers, invoices: run.invoices, held: run.held, totals: run.totals } });
    return run;
  });
}

/** Issue every draft of a run that is not held, one transaction each; resumable. */
export async function issueRun(deps: InvoicingDeps, actor: Actor, runId: string, onProgress?: (done: number, total: number) => void): Promise<RunSummary> {
  const started = await runUseCase(deps, actor, async (ctx) => {
    const run = await ctx.trx.selectFrom('invoice_runs').selectAll().where('id', '=', runId).forUpdate().executeTakeFirst();
    if (!run) throw notFound('invoice_run', runId);
    if (run.state === 'issued') throw new AppError('conflict', 'invoicing.run_already_issued', { period: run.period });
    if (run.state === 'cancelled') throw new AppError('conflict', 'invoicing.run_cancelled', { period: run.period });
    if (run.state === 'draft') {
      await ctx.trx.updateTable('invoice_runs').set({ state: 'issuing', updated_at: ctx.now }).where('id', '=', runId).execute();
      await ctx.audit({ action: 'invoice_run.issue', entityType: 'invoice_run', entityId: runId, after: { period: run.period } });
    }
    return run;
  });
  const drafts = await deps.db
    .selectFrom('invoices as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select('i.id')
    .where('i.run_id', '=', runId)
    .where('i.status', '=', 'draft')
    .where('i.hold_code', 'is', null)
    .orderBy('c.company_name')
    .orderBy('i.id')
    .execute();
  let done = 0;
  for (const d of drafts) {
    try {
      await issueInvoice(deps, actor, d.id, { refreshRun: false });
    } catch (e) {
      // a draft that cannot be issued now (its customer changed, its charges moved) is held with
      // the reason; the rest of the run goes on
      const code = e instanceof AppError ? e.code : 'invoicing.hold.issue_failed';
      await runUseCase(deps, actor, async (ctx) => {
        await ctx.trx.updateTable('invoices').set({ hold_code: code.startsWith('invoicing.hold.') ? code : 'invoicing.hold.issue_failed', hold_reason: e instanceof Error ? e.message.slice(0, 500) : null, updated_at: ctx.now }).where('id', '=', d.id).where('status', '=', 'draft').execute();
      });
    }
    onProgress?.(++done, drafts.length);
    // the run's counts show progress now and then, not after every invoice (a recount per issue is quadratic)
    if (done % 100 === 0) await runUseCase(deps, actor, (ctx) => refreshRunCounts(ctx.trx, runId, ctx.now));
  }
  return runUseCase(deps, actor, async (ctx) => {
    await refreshRunCounts(ctx.trx, runId, ctx.now);
    await ctx.trx.updateTable('invoice_runs').set({ state: 'issued', finished_at: ctx.now, updated_at: ctx.now }).where('id', '=', runId).where('state', '=', 'issuing').execute();
    const r = await ctx.trx.selectFrom('invoice_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
    return toSummary(r, started.state === 'draft');
  });
}

/** Cancel a run that has issued nothing: its drafts go, its charges stay open. */
export async function cancelRun(deps: InvoicingDeps, actor: Actor, runId: string): Promise<void> {
  await runUseCase(deps, actor, async (ctx) => {
    const run = await ctx.trx.selectFrom('invoice_runs').selectAll().where('id', '=', runId).forUpdate().executeTakeFirst();
    if (!run) throw notFound('invoice_run', runId);
    if (run.state !== 'draft') throw new AppError('conflict', 'invoicing.run_not_cancellable', { state: run.state });
    // a draft issued on its own already belongs to the customer: the run stays
    const issued = await ctx.trx.selectFrom('invoices').select('id').where('run_id', '=', runId).where('status', '<>', 'draft').executeTakeFirst();
    if (issued) throw new AppError('conflict', 'invoicing.run_not_cancellable', { state: 'issued' });
    const removed = await ctx.trx.deleteFrom('invoices').where('run_id', '=', runId).where('status', '=', 'draft').executeTakeFirst();
    await ctx.trx.updateTable('invoice_runs').set({ state: 'cancelled', finished_at: ctx.now, updated_at: ctx.now }).where('id', '=', runId).execute();
    await ctx.audit({ action: 'invoice_run.cancel', entityType: 'invoice_run', entityId: runId, after: { period: run.period, drafts: Number(removed.numDeletedRows) } });
  });
}
