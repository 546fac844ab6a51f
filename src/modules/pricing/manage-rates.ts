import { AppError, notFound } from '../../core/errors.js';
import { runUseCase, type Actor, type UseCaseDeps } from '../../db/tx.js';
import { deleteRateRow, findRate, findRateOn, upsertRateRow, type ExchangeRateRecord } from './pricing.repo.js';

/** Exchange rates: one per pair and day (a second entry for the same day replaces the first); audited. */

export interface RateInput {
  from: string;
  to: string;
  rate: string;
  effectiveDate: string;
  source?: string | undefined;
}

const RATE = /^\d{1,10}(\.\d{1,10})?$/;

export async function upsertRate(deps: UseCaseDeps, actor: Actor, input: RateInput): Promise<{ rate: ExchangeRateRecord; created: boolean }> {
  if (input.from === input.to) throw new AppError('bad_request', 'pricing.same_currency', { currency: input.from }, { field: '/to' });
  if (!RATE.test(input.rate) || /^0*(\.0*)?$/.test(input.rate)) throw new AppError('bad_request', 'pricing.bad_rate', { rate: input.rate }, { field: '/rate' });
  return runUseCase(deps, actor, async (ctx) => {
    const before = await findRateOn(ctx.trx, input.from, input.to, input.effectiveDate);
    const rate = await upsertRateRow(ctx.trx, ctx.now, { ...input, source: input.source ?? 'manual' });
    await ctx.audit({
      action: before ? 'pricing.rate_update' : 'pricing.rate_create',
      entityType: 'exchange_rate',
      entityId: rate.id,
      before: before && { from: before.from, to: before.to, rate: before.rate, effectiveDate: before.effectiveDate, source: before.source },
      after: { from: rate.from, to: rate.to, rate: rate.rate, effectiveDate: rate.effectiveDate, source: rate.source },
    });
    return { rate, created: !before };
  });
}

export async function deleteRate(deps: UseCaseDeps, actor: Actor, id: string): Promise<void> {
  await runUseCase(deps, actor, async (ctx) => {
    const before = await findRate(ctx.trx, id);
    if (!before) throw notFound('exchange_rate', id);
    await deleteRateRow(ctx.trx, id);
    await ctx.audit({ action: 'pricing.rate_delete', entityType: 'exchange_rate', entityId: id, before: { from: before.from, to: before.to, rate: before.rate, effectiveDate: before.effectiveDate, source: before.source } });
  });
}
