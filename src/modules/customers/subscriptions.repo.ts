import type { Executor } from '../../db/store.js';
import { ALL, type CustomerScope } from './customers.repo.js';

/**
 * New commerce keeps billing the partner for a suspended licence-based subscription; legacy
 * stops, and usage (Azure plan) has nothing to bill while suspended. Pure.
 */
export function billedWhileSuspended(status: string, commerce: string, billingType: string): boolean {
  return status === 'suspended' && commerce === 'nce' && billingType === 'license';
}

export interface Subscription {
  id: string;
  customerId: string;
  customerName?: string;
  providerSubscriptionId: string;
  offerId: string;
  offerName: string | null;
  productId: string | null;
  skuId: string | null;
  friendlyName: string | null;
  quantity: number;
  unitType: string | null;
  billingType: string;
  billingCycle: string | null;
  termDuration: string | null;
  commerce: 'legacy' | 'nce';
  status: string;
  autoRenew: boolean;
  creationDate: Date | null;
  effectiveStartDate: Date | null;
  commitmentEndDate: Date | null;
  parentProviderSubscriptionId: string | null;
  suspensionReasons: string[];
  expectedStatus: string | null;
  billedWhileSuspended: boolean;
  autoRenewBeforeSuspend: boolean | null;
  syncedAt: Date | null;
  removedUpstreamAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

type Row = Awaited<ReturnType<ReturnType<typeof sel>['execute']>>[number];
const sel = (db: Executor) => db.selectFrom('subscriptions').selectAll();

export function toSubscription(r: Row): Subscription {
  return {
    id: r.id,
    customerId: r.customer_id,
    providerSubscriptionId: r.provider_subscription_id,
    offerId: r.offer_id,
    offerName: r.offer_name,
    productId: r.product_id,
    skuId: r.sku_id,
    friendlyName: r.friendly_name,
    quantity: r.quantity,
    unitType: r.unit_type,
    billingType: r.billing_type,
    billingCycle: r.billing_cycle,
    termDuration: r.term_duration,
    commerce: r.commerce,
    status: r.status,
    autoRenew: r.auto_renew,
    creationDate: r.creation_date,
    effectiveStartDate: r.effective_start_date,
    commitmentEndDate: r.commitment_end_date,
    parentProviderSubscriptionId: r.parent_provider_subscription_id,
    suspensionReasons: r.suspension_reasons,
    expectedStatus: r.expected_status,
    billedWhileSuspended: r.billed_while_suspended,
    autoRenewBeforeSuspend: r.auto_renew_before_suspend,
    syncedAt: r.synced_at,
    removedUpstreamAt: r.removed_upstream_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function findSubscription(db: Executor, id: string, scope: CustomerScope = ALL, forUpdate = false): Promise<Subscription | undefined> {
  let q = sel(db).where('id', '=', id);
  if (scope.kind === 'customer') q = q.where('customer_id', '=', scope.customerId);
  if (forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? toSubscription(r) : undefined;
}

export interface SubscriptionQuery {
  customerId?: string | undefined;
  status?: string | undefined;
  commerce?: 'legacy' | 'nce' | undefined;
  billingType?: string | undefined;
  includeRemoved?: boolean | undefined;
  limit: number;
  offset: number;
}

export async function listSubscriptions(db: Executor, q: SubscriptionQuery, scope: CustomerScope = ALL): Promise<{ items: Subscription[]; total: number }> {
  let s = db.selectFrom('subscriptions').innerJoin('customers', 'customers.id', 'subscriptions.customer_id').selectAll('subscriptions').select('customers.company_name');
  if (scope.kind === 'customer') s = s.where('subscriptions.customer_id', '=', scope.customerId);
  if (q.customerId) s = s.where('subscriptions.customer_id', '=', q.customerId);
  if (q.status) s = s.where('subscriptions.status', '=', q.status);
  if (q.commerce) s = s.where('subscriptions.commerce', '=', q.commerce);
  if (q.billingType) s = s.where('subscriptions.billing_type', '=', q.billingType);
  if (!q.includeRemoved) s = s.where('subscriptions.removed_upstream_at', 'is', null);
  const [rows, count] = await Promise.all([
    s.orderBy('customers.company_name').orderBy('subscriptions.offer_name').orderBy('subscriptions.id').limit(q.limit).offset(q.offset).execute(),
    s.clearSelect().select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => ({ ...toSubscription(r), customerName: r.company_name })), total: Number(count.n) };
}

export interface Drift {
  subscription: Subscription;
  customerName: string;
  /** what differs: the desk expected another status, or the provider no longer lists it */
  kind: 'status' | 'removed_upstream';
  expected: string | null;
  actual: string;
}

/** Subscriptions whose provider status differs from what the desk asked for, or that vanished upstream. */
export async function listDrift(db: Executor, scope: CustomerScope = ALL): Promise<Drift[]> {
  let q = db
    .selectFrom('subscriptions as s')
    .innerJoin('customers as c', 'c.id', 's.customer_id')
    .selectAll('s')
    .select('c.company_name')
    .where((eb) =>
      eb.or([eb.and([eb('s.expected_status', 'is not', null), eb('s.expected_status', '<>', eb.ref('s.status'))]), eb('s.removed_upstream_at', 'is not', null)]),
    );
  if (scope.kind === 'customer') q = q.where('s.customer_id', '=', scope.customerId);
  const rows = await q.orderBy('c.company_name').orderBy('s.id').execute();
  return rows.map((r) => ({
    subscription: toSubscription(r),
    customerName: r.company_name,
    kind: r.removed_upstream_at ? 'removed_upstream' : 'status',
    expected: r.expected_status,
    actual: r.status,
  }));
}
