import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Deps } from '../../deps.js';
import { runUseCase, systemActor, type Actor, type UseCaseDeps } from '../../db/tx.js';
import type { EffectContext } from '../../jobs/dispatcher.js';
import type { Formatter } from '../../core/i18n.js';
import { findAccount } from '../providers/accounts.repo.js';
import { connectorForAccount } from '../providers/connect.js';
import { ProviderError, type PcSubscription, type SubscriptionChange } from '../providers/connector.js';
import { ALL, type CustomerScope } from './customers.repo.js';
import { billedWhileSuspended, findSubscription, type Subscription } from './subscriptions.repo.js';

/**
 * Suspend and reactivate through the provider. A request is recorded (operation + expected
 * status + audit) and an outbox effect does the provider call; its MS-RequestId is fixed when
 * the operation is created, so every retry is the same logical call. The operation's state shows
 * where it is: requested → confirmed, or retrying, or failed (handed to a person).
 */
export const SUBSCRIPTION_STATUS_EFFECT = 'provider.subscription_status';
export const SUSPEND_REASONS = ['non_payment', 'fraud', 'misuse', 'customer_request', 'other'] as const;
export type SuspendReason = (typeof SUSPEND_REASONS)[number];

export interface SubscriptionOperation {
  id: string;
  subscriptionId: string;
  customerId: string;
  action: 'suspend' | 'reactivate';
  reason: string;
  state: 'requested' | 'confirmed' | 'retrying' | 'failed';
  requestId: string;
  attempts: number;
  errorCode: string | null;
  providerCode: string | null;
  httpStatus: number | null;
  errorMessage: string | null;
  requestedBy: string;
  requestedAt: Date;
  completedAt: Date | null;
}

type OpRow = {
  id: string;
  subscription_id: string;
  customer_id: string;
  action: 'suspend' | 'reactivate';
  reason: string;
  state: SubscriptionOperation['state'];
  request_id: string;
  attempts: number;
  error_code: string | null;
  provider_code: string | null;
  http_status: number | null;
  error_message: string | null;
  requested_by: string;
  requested_at: Date;
  completed_at: Date | null;
};

export function toOperation(r: OpRow): SubscriptionOperation {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    customerId: r.customer_id,
    action: r.action,
    reason: r.reason,
    state: r.state,
    requestId: r.request_id,
    attempts: r.attempts,
    errorCode: r.error_code,
    providerCode: r.provider_code,
    httpStatus: r.http_status,
    errorMessage: r.error_message,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    completedAt: r.completed_at,
  };
}

export async function requestStatusChange(
  deps: UseCaseDeps,
  actor: Actor,
  subscriptionId: string,
  action: 'suspend' | 'reactivate',
  reason: string,
  scope: CustomerScope = ALL,
): Promise<SubscriptionOperation> {
  return runUseCase(deps, actor, async (ctx) => {
    const sub = await findSubscription(ctx.trx, subscriptionId, scope, true);
    if (!sub) throw notFound('subscription', subscriptionId);
    if (sub.removedUpstreamAt) throw new AppError('conflict', 'subscriptions.removed_upstream');
    const pending = await ctx.trx
      .selectFrom('subscription_operations')
      .select('id')
      .where('subscription_id', '=', sub.id)
      .where('state', 'in', ['requested', 'retrying'])
      .executeTakeFirst();
    if (pending) throw new AppError('conflict', 'subscriptions.operation_pending', { id: pending.id });
    if (action === 'suspend' && sub.status !== 'active') throw new AppError('conflict', 'subscriptions.not_active', { status: sub.status });
    if (action === 'reactivate' && sub.status !== 'suspended') throw new AppError('conflict', 'subscriptions.not_suspended', { status: sub.status });
    const row = await ctx.trx
      .insertInto('subscription_operations')
      .values({
        id: newId('sop'),
        subscription_id: sub.id,
        customer_id: sub.customerId,
        action,
        reason,
        state: 'requested',
        request_id: randomUUID(),
        requested_by: actor.label,
        requested_at: ctx.now,
        updated_at: ctx.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const target = action === 'suspend' ? 'suspended' : 'active';
    await ctx.trx
      .updateTable('subscriptions')
      .set({
        expected_status: target,
        // remembered now, from the desk's view: a retried call may find the provider already suspended
        ...(action === 'suspend' && { auto_renew_before_suspend: sub.autoRenew }),
        updated_at: ctx.now,
      })
      .where('id', '=', sub.id)
      .execute();
    await ctx.enqueue({ effect: SUBSCRIPTION_STATUS_EFFECT, payload: { operationId: row.id }, idempotencyKey: `subop:${row.id}` });
    await ctx.audit({
      action: `subscription.${action}_requested`,
      entityType: 'subscription',
      entityId: sub.id,
      before: { status: sub.status, expectedStatus: sub.expectedStatus },
      after: { expectedStatus: target, reason, operationId: row.id },
    });
    return toOperation(row);
  });
}

function providerFields(s: PcSubscription) {
  return { status: s.status, auto_renew: s.autoRenewEnabled, etag: s.etag, suspension_reasons: JSON.stringify(s.suspensionReasons) };
}

/** The outbox effect: perform the provider call for one operation and record what it said. */
export async function performStatusChange(deps: Deps, operationId: string, fx: EffectContext): Promise<SubscriptionOperation> {
  const op = await deps.db.selectFrom('subscription_operations').selectAll().where('id', '=', operationId).executeTakeFirst();
  if (!op) throw notFound('subscription_operation', operationId);
  if (op.state === 'confirmed' || op.state === 'failed') return toOperation(op); // a repeat delivery
  const sub = (await findSubscription(deps.db, op.subscription_id))!;
  const customer = await deps.db.selectFrom('customers').select(['tenant_id', 'provider_account_id']).where('id', '=', op.customer_id).executeTakeFirstOrThrow();
  const account = (await findAccount(deps.db, customer.provider_account_id))!;
  const target = op.action === 'suspend' ? 'suspended' : 'active';
  let change: SubscriptionChange;
  let addOns: PcSubscription[] = [];
  try {
    const connector = connectorForAccount(deps, account);
    change = await connector.setSubscriptionStatus(customer.tenant_id, sub.providerSubscriptionId, target, {
      requestId: op.request_id,
      // new commerce: reactivation restores the auto-renew the subscription had before suspension
      ...(op.action === 'reactivate' && sub.commerce === 'nce' && sub.autoRenewBeforeSuspend !== null && { autoRenewEnabled: sub.autoRenewBeforeSuspend }),
    });
    // add-ons follow their base at the provider; read them back so the desk agrees
    addOns = (await connector.listSubscriptions(customer.tenant_id)).filter((s) => s.parentSubscriptionId === sub.providerSubscriptionId);
  } catch (e) {
    const retry = e instanceof ProviderError && e.retryable && !fx.final;
    await recordFailure(deps, op, sub, e, retry);
    if (retry) throw e; // the outbox tries again later with the same MS-RequestId
    return toOperation({ ...op, state: 'failed' });
  }
  return runUseCase(deps, systemActor, async (ctx) => {
    const suspend = op.action === 'suspend';
    await ctx.trx
      .updateTable('subscriptions')
      .set({
        ...providerFields(change.after),
        billed_while_suspended: billedWhileSuspended(change.after.status, sub.commerce, sub.billingType),
        auto_renew_before_suspend: suspend ? (sub.autoRenewBeforeSuspend ?? change.before.autoRenewEnabled) : null,
        updated_at: ctx.now,
      })
      .where('id', '=', sub.id)
      .execute();
    for (const a of addOns) {
      await ctx.trx
        .updateTable('subscriptions')
        .set({ ...providerFields(a), expected_status: target, billed_while_suspended: billedWhileSuspended(a.status, a.commerce, a.billingType), updated_at: ctx.now })
        .where('customer_id', '=', sub.customerId)
        .where('provider_subscription_id', '=', a.id)
        .execute();
    }
    const done = await ctx.trx
      .updateTable('subscription_operations')
      .set({
        state: 'confirmed',
        attempts: op.attempts + 1,
        provider_before: JSON.stringify(change.before.raw),
        provider_after: JSON.stringify(change.after.raw),
        error_code: null,
        provider_code: null,
        http_status: null,
        error_message: null,
        completed_at: ctx.now,
        updated_at: ctx.now,
      })
      .where('id', '=', op.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await ctx.audit({
      action: `subscription.${op.action}_confirmed`,
      entityType: 'subscription',
      entityId: sub.id,
      before: { status: change.before.status, autoRenew: change.before.autoRenewEnabled },
      after: {
        status: change.after.status,
        autoRenew: change.after.autoRenewEnabled,
        requestId: change.requestId,
        ...(billedWhileSuspended(change.after.status, sub.commerce, sub.billingType) && { billedWhileSuspended: true }),
        ...(addOns.length && { addOns: addOns.map((a) => ({ id: a.id, status: a.status })) }),
      },
    });
    return toOperation(done);
  });
}

async function recordFailure(deps: Deps, op: OpRow & { attempts: number }, sub: Subscription, e: unknown, retrying: boolean): Promise<void> {
  const pe = e instanceof ProviderError ? e : null;
  await runUseCase(deps, systemActor, async (ctx) => {
    await ctx.trx
      .updateTable('subscription_operations')
      .set({
        state: retrying ? 'retrying' : 'failed',
        attempts: op.attempts + 1,
        error_code: pe?.code ?? (e instanceof AppError ? e.code : 'provider.failed'),
        provider_code: pe?.providerCode ?? null,
        http_status: pe?.status ?? null,
        error_message: (pe?.providerDescription ?? (e instanceof Error ? e.message : String(e))).slice(0, 1000),
        ...(!retrying && { completed_at: ctx.now }),
        updated_at: ctx.now,
      })
      .where('id', '=', op.id)
      .execute();
    if (!retrying) {
      await ctx.trx.updateTable('subscriptions').set({ expected_status: null, updated_at: ctx.now }).where('id', '=', sub.id).where('expected_status', 'is not', null).execute();
      await ctx.audit({
        action: `subscription.${op.action}_failed`,
        entityType: 'subscription',
        entityId: sub.id,
        after: { operationId: op.id, code: pe?.code ?? null, providerCode: pe?.providerCode ?? null },
      });
    }
  });
}

/** The localized explanation of an operation's last error (Partner Center code first, then the desk's code). */
export function explainOperation(op: SubscriptionOperation, fmt: Formatter): string | null {
  if (!op.errorCode) return null;
  const params = { status: op.httpStatus ?? '', providerCode: op.providerCode ?? '', detail: op.errorMessage ?? '' };
  if (op.providerCode && fmt.has(`provider_codes.${op.providerCode}`)) return fmt.t(`provider_codes.${op.providerCode}`, params);
  return fmt.t(`errors.${op.errorCode}`, params);
}

export async function listOperations(deps: Pick<Deps, 'db'>, subscriptionId: string, scope: CustomerScope = ALL): Promise<SubscriptionOperation[]> {
  if (!(await findSubscription(deps.db, subscriptionId, scope))) throw notFound('subscription', subscriptionId);
  const rows = await deps.db.selectFrom('subscription_operations').selectAll().where('subscription_id', '=', subscriptionId).orderBy('requested_at', 'desc').execute();
  return rows.map(toOperation);
}
