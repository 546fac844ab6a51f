import { AppError, notFound } from '../../core/errors.js';
import { parseDecimal, type Rounding } from '../../core/money.js';
import { runUseCase, type Actor, type UseCaseDeps, type UseCaseContext } from '../../db/tx.js';
import { validateRule, type Category, type PecMode, type PriceMethod } from './price.js';
import { findOverlapping, findRule, insertRule, toPriceRule, trimDecimal, updateRuleRow, type PriceRuleRecord, type RuleFields } from './pricing.repo.js';

/** Create, change and deactivate price rules; every change is audited in the same transaction. */

export interface RuleInput {
  customerId?: string | null | undefined;
  segment?: string | null | undefined;
  productId?: string | null | undefined;
  skuId?: string | null | undefined;
  category?: Category | null | undefined;
  method: PriceMethod;
  value: string;
  currency?: string | null | undefined;
  pec?: PecMode | undefined;
  rounding?: Rounding | undefined;
  validFrom?: string | null | undefined;
  validTo?: string | null | undefined;
  active?: boolean | undefined;
  note?: string | null | undefined;
}

export type RulePatch = Partial<RuleInput>;

const norm = (s: string | null | undefined) => (s === undefined || s === null || s.trim() === '' ? null : s.trim());

function fieldsOf(input: RuleInput): RuleFields {
  return {
    customerId: norm(input.customerId),
    segment: norm(input.segment),
    productId: norm(input.productId)?.toUpperCase() ?? null,
    skuId: norm(input.skuId)?.toUpperCase() ?? null,
    category: input.category ?? null,
    method: input.method,
    value: trimDecimal(input.value.trim()),
    currency: norm(input.currency),
    pec: input.pec ?? 'keep',
    rounding: input.rounding ?? 'half_even',
    validFrom: norm(input.validFrom),
    validTo: norm(input.validTo),
    active: input.active ?? true,
    note: norm(input.note),
  };
}

async function check(ctx: UseCaseContext, f: RuleFields, exceptId?: string): Promise<void> {
  validateRule(toPriceRule({ ...f, id: exceptId ?? 'new' }));
  if (f.customerId) {
    const c = await ctx.trx.selectFrom('customers').select('id').where('id', '=', f.customerId).executeTakeFirst();
    if (!c) throw new AppError('not_found', 'not_found', { entity: 'customer', id: f.customerId }, { field: '/customerId' });
  }
  if (f.active) {
    const clash = await findOverlapping(ctx.trx, f, exceptId);
    if (clash) throw new AppError('conflict', 'pricing.duplicate_rule', { id: clash.id }, { field: '/validFrom' });
  }
}

const auditView = (r: PriceRuleRecord) => {
  const { createdAt: _c, updatedAt: _u, customerName: _n, ...rest } = r;
  return rest;
};

export async function createRule(deps: UseCaseDeps, actor: Actor, input: RuleInput): Promise<PriceRuleRecord> {
  return runUseCase(deps, actor, async (ctx) => {
    const f = fieldsOf(input);
    await check(ctx, f);
    const id = await insertRule(ctx.trx, ctx.now, f);
    const after = (await findRule(ctx.trx, id))!;
    await ctx.audit({ action: 'pricing.rule_create', entityType: 'price_rule', entityId: id, after: auditView(after) });
    return after;
  });
}

export async function updateRule(deps: UseCaseDeps, actor: Actor, id: string, patch: RulePatch): Promise<PriceRuleRecord> {
  return runUseCase(deps, actor, async (ctx) => {
    const before = await findRule(ctx.trx, id, { forUpdate: true });
    if (!before) throw notFound('price_rule', id);
    const merged: RuleInput = { ...before, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as RuleInput;
    // a method change away from fixed drops the currency unless one was given
    if (patch.method && patch.method !== 'fixed' && patch.currency === undefined) merged.currency = null;
    const f = fieldsOf(merged);
    await check(ctx, f, id);
    await updateRuleRow(ctx.trx, id, ctx.now, f);
    const after = (await findRule(ctx.trx, id))!;
    await ctx.audit({ action: 'pricing.rule_update', entityType: 'price_rule', entityId: id, before: auditView(before), after: auditView(after) });
    return after;
  });
}

/** Deactivate: the rule stays (charges name it) but prices nothing from now on. */
export async function deactivateRule(deps: UseCaseDeps, actor: Actor, id: string): Promise<PriceRuleRecord> {
  return runUseCase(deps, actor, async (ctx) => {
    const before = await findRule(ctx.trx, id, { forUpdate: true });
    if (!before) throw notFound('price_rule', id);
    if (!before.active) return before;
    await ctx.trx.updateTable('price_rules').set({ active: false, updated_at: ctx.now }).where('id', '=', id).execute();
    const after = (await findRule(ctx.trx, id))!;
    await ctx.audit({ action: 'pricing.rule_deactivate', entityType: 'price_rule', entityId: id, before: { active: true }, after: { active: false } });
    return after;
  });
}

/** Parse a rule value for display or checks ("15" → 15 %). */
export const ruleValue = (r: Pick<PriceRuleRecord, 'value'>) => parseDecimal(r.value);
