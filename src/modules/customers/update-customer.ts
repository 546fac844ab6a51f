import { AppError, notFound } from '../../core/errors.js';
import type { Locale } from '../../core/i18n.js';
import type { TaxSettings } from '../../db/types.js';
import { runUseCase, type Actor, type UseCaseDeps } from '../../db/tx.js';
import { customerAuditView, findCustomer, type Customer } from './customers.repo.js';

/** The fields the partner owns locally; a sync never overwrites them. */
export interface CustomerPatch {
  localeOverride?: Locale | null | undefined;
  billingCurrency?: string | undefined;
  paymentTermsDays?: number | undefined;
  paymentReference?: string | null | undefined;
  segment?: string | undefined;
  taxSettings?: TaxSettings | undefined;
}

export async function updateCustomer(deps: UseCaseDeps, actor: Actor, id: string, patch: CustomerPatch): Promise<Customer> {
  return runUseCase(deps, actor, async (ctx) => {
    const before = await findCustomer(ctx.trx, id);
    if (!before) throw notFound('customer', id);
    if (patch.paymentReference) {
      const taken = await ctx.trx.selectFrom('customers').select('id').where('payment_reference', '=', patch.paymentReference).where('id', '<>', id).executeTakeFirst();
      if (taken) throw new AppError('conflict', 'customers.payment_reference_taken', { reference: patch.paymentReference }, { field: 'paymentReference' });
    }
    await ctx.trx
      .updateTable('customers')
      .set({
        ...(patch.paymentReference !== undefined && { payment_reference: patch.paymentReference }),
        ...(patch.localeOverride !== undefined && { locale_override: patch.localeOverride }),
        ...(patch.billingCurrency !== undefined && { billing_currency: patch.billingCurrency }),
        ...(patch.paymentTermsDays !== undefined && { payment_terms_days: patch.paymentTermsDays }),
        ...(patch.segment !== undefined && { segment: patch.segment }),
        ...(patch.taxSettings !== undefined && { tax_settings: JSON.stringify(patch.taxSettings) }),
        updated_at: ctx.now,
      })
      .where('id', '=', id)
      .execute();
    const after = (await findCustomer(ctx.trx, id))!;
    await ctx.audit({ action: 'customer.update', entityType: 'customer', entityId: id, before: customerAuditView(before), after: customerAuditView(after) });
    return after;
  });
}

/** Flag (or clear) a customer for fraud review; it never suspends anything by itself. */
export async function setFraudReview(deps: UseCaseDeps, actor: Actor, id: string, note: string | null): Promise<Customer> {
  return runUseCase(deps, actor, async (ctx) => {
    const before = await findCustomer(ctx.trx, id);
    if (!before) throw notFound('customer', id);
    await ctx.trx
      .updateTable('customers')
      .set({ fraud_review_at: note === null ? null : ctx.now, fraud_review_note: note, updated_at: ctx.now })
      .where('id', '=', id)
      .execute();
    const after = (await findCustomer(ctx.trx, id))!;
    await ctx.audit({
      action: note === null ? 'customer.fraud_review_cleared' : 'customer.fraud_review_flagged',
      entityType: 'customer',
      entityId: id,
      before: { fraudReviewAt: before.fraudReviewAt },
      after: { fraudReviewAt: after.fraudReviewAt, note },
    });
    return after;
  });
}
