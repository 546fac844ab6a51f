import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { matchLocale } from '../../core/i18n.js';
import type { Deps } from '../../deps.js';
import { runUseCase, type Actor } from '../../db/tx.js';
import type { Executor } from '../../db/store.js';
import { findAccount, type ProviderAccount } from '../providers/accounts.repo.js';
import { billedWhileSuspended } from './subscriptions.repo.js';
import { connectorForAccount } from '../providers/connect.js';
import { ProviderError, type PcAzureEntitlement, type PcBillingProfile, type PcCustomer, type PcSubscription, type ProviderConnector } from '../providers/connector.js';

/**
 * Sync one provider account: customers, billing profiles and subscriptions. Incremental and
 * idempotent — a row is written only when a synced field changed, so a second run writes nothing.
 * Local fields (locale override, segment, payment terms, tax, currency) are never touched.
 * Each customer commits on its own: a failure on one (provider error, bad data) is recorded and
 * the sync goes on with the next, leaving nothing half-updated. Rows that vanish upstream are
 * marked, never deleted, and only after a complete listing.
 */
export interface SyncStats {
  customersSeen: number;
  customersCreated: number;
  customersUpdated: number;
  customersRemoved: number;
  subscriptionsSeen: number;
  subscriptionsCreated: number;
  subscriptionsUpdated: number;
  subscriptionsRemoved: number;
  failed: number;
}

export interface SyncError {
  customer?: string;
  code: string;
  providerCode?: string | null;
  message: string;
}

export interface SyncResult {
  runId: string;
  accountId: string;
  state: 'done' | 'partial' | 'failed';
  stats: SyncStats;
  errors: SyncError[];
}

const emptyStats = (): SyncStats => ({
  customersSeen: 0,
  customersCreated: 0,
  customersUpdated: 0,
  customersRemoved: 0,
  subscriptionsSeen: 0,
  subscriptionsCreated: 0,
  subscriptionsUpdated: 0,
  subscriptionsRemoved: 0,
  failed: 0,
});

function toError(e: unknown, customer?: string): SyncError {
  if (e instanceof ProviderError) return { ...(customer && { customer }), code: e.code, providerCode: e.providerCode, message: e.message };
  if (e instanceof AppError) return { ...(customer && { customer }), code: e.code, message: e.message };
  return { ...(customer && { customer }), code: 'sync.failed', message: e instanceof Error ? e.message : String(e) };
}

const iso = (s: string | null) => (s ? new Date(s) : null);
/** JSON with object keys sorted: jsonb reorders keys, so stored and fresh values compare by content. */
const canonical = (v: unknown): string =>
  Array.isArray(v) ? `[${v.map(canonical).join(',')}]` : v && typeof v === 'object' && !(v instanceof Date) ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}` : JSON.stringify(v);
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
const time = (d: Date | null) => (d ? d.getTime() : null);

/** The synced fields of a customer, as stored. */
function customerFields(c: PcCustomer, profile: PcBillingProfile | null) {
  const p = profile ?? c.billingProfile;
  return {
    domain: c.domain,
    company_name: c.companyName ?? p?.companyName ?? '',
    country: c.country ?? p?.address?.country ?? null,
    relationship: c.relationship,
    reseller_partner_id: c.resellerPartnerId,
    billing_email: p?.email ?? null,
    billing_culture: p?.culture ?? null,
    billing_language: p?.language ?? null,
    locale: matchLocale(p?.language) ?? matchLocale(p?.culture) ?? 'en',
    // what invoices print: the billing profile's address and the person it names
    billing_address: p?.address?.addressLine1
      ? { lines: [p.address.addressLine1], postalCode: p.address.postalCode, city: p.address.city, region: p.address.region, country: p.address.country }
      : null,
    billing_contact_name: [p?.firstName, p?.lastName].filter(Boolean).join(' ') || null,
  };
}

/** The fields as the table takes them (the address is JSON). */
const writable = (f: ReturnType<typeof customerFields>) => ({ ...f, billing_address: f.billing_address ? JSON.stringify(f.billing_address) : null });

function subscriptionFields(s: PcSubscription, entitlements: PcAzureEntitlement[] | undefined) {
  return {
    offer_id: s.offerId,
    offer_name: s.offerName,
    product_id: s.productId,
    sku_id: s.skuId,
    friendly_name: s.friendlyName,
    quantity: Math.trunc(s.quantity),
    unit_type: s.unitType,
    billing_type: s.billingType,
    billing_cycle: s.billingCycle,
    term_duration: s.termDuration,
    commerce: s.commerce,
    status: s.status,
    auto_renew: s.autoRenewEnabled,
    creation_date: iso(s.creationDate),
    effective_start_date: iso(s.effectiveStartDate),
    commitment_end_date: iso(s.commitmentEndDate),
    parent_provider_subscription_id: s.parentSubscriptionId,
    suspension_reasons: s.suspensionReasons,
    billed_while_suspended: billedWhileSuspended(s.status, s.commerce, s.billingType),
    etag: s.etag,
    azure_entitlements: [...(entitlements ?? [])].sort((a, b) => a.id.localeCompare(b.id)),
  };
}
type SubFields = ReturnType<typeof subscriptionFields>;

function subChanged(row: Record<string, unknown>, f: SubFields): string[] {
  const changed: string[] = [];
  for (const [k, v] of Object.entries(f)) {
    const cur = row[k];
    const eq = v instanceof Date || cur instanceof Date ? time(v as Date | null) === time(cur as Date | null) : same(cur ?? null, v ?? null);
    if (!eq) changed.push(k);
  }
  return changed;
}

/** Write one customer and its subscriptions in one transaction; returns what changed. */
async function applyCustomer(
  deps: Deps,
  actor: Actor,
  account: ProviderAccount,
  c: PcCustomer,
  profile: PcBillingProfile | null,
  subs: PcSubscription[],
  entitlements: Map<string, PcAzureEntitlement[]>,
  stats: SyncStats,
): Promise<void> {
  await runUseCase(deps, actor, async (ctx) => {
    const fields = customerFields(c, profile);
    const existing = await ctx.trx
      .selectFrom('customers')
      .selectAll()
      .where('provider_account_id', '=', account.id)
      .where('tenant_id', '=', c.tenantId)
      .forUpdate()
      .executeTakeFirst();
    let customerId: string;
    if (!existing) {
      customerId = newId('cus');
      await ctx.trx
        .insertInto('customers')
        .values({
          id: customerId,
          provider_account_id: account.id,
          tenant_id: c.tenantId,
          ...writable(fields),
          billing_currency: account.currency,
          raw: JSON.stringify(c.raw),
          synced_at: ctx.now,
          created_at: ctx.now,
          updated_at: ctx.now,
        })
        .execute();
      stats.customersCreated++;
      await ctx.audit({ action: 'customer.sync_create', entityType: 'customer', entityId: customerId, after: { tenantId: c.tenantId, ...fields } });
    } else {
      customerId = existing.id;
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(fields)) {
        if (!same((existing as Record<string, unknown>)[k] ?? null, v ?? null)) {
          before[k] = (existing as Record<string, unknown>)[k];
          after[k] = v;
        }
      }
      const back = existing.status === 'removed_upstream';
      if (Object.keys(after).length || back) {
        await ctx.trx
          .updateTable('customers')
          .set({ ...writable(fields), raw: JSON.stringify(c.raw), status: 'active', removed_upstream_at: null, synced_at: ctx.now, updated_at: ctx.now })
          .where('id', '=', customerId)
          .execute();
        stats.customersUpdated++;
        await ctx.audit({
          action: 'customer.sync_update',
          entityType: 'customer',
          entityId: customerId,
          before: { ...before, ...(back && { status: 'removed_upstream' }) },
          after: { ...after, ...(back && { status: 'active' }) },
        });
      }
    }

    const rows = await ctx.trx.selectFrom('subscriptions').selectAll().where('customer_id', '=', customerId).forUpdate().execute();
    const byProviderId = new Map(rows.map((r) => [r.provider_subscription_id, r]));
    const seen = new Set<string>();
    for (const s of subs) {
      stats.subscriptionsSeen++;
      seen.add(s.id);
      const f = subscriptionFields(s, entitlements.get(s.id));
      const row = byProviderId.get(s.id);
      if (!row) {
        const id = newId('sub');
        await ctx.trx
          .insertInto('subscriptions')
          .values({
            id,
            customer_id: customerId,
            provider_subscription_id: s.id,
            ...f,
            suspension_reasons: JSON.stringify(f.suspension_reasons),
            azure_entitlements: JSON.stringify(f.azure_entitlements),
            raw: JSON.stringify(s.raw),
            synced_at: ctx.now,
            created_at: ctx.now,
            updated_at: ctx.now,
          })
          .execute();
        stats.subscriptionsCreated++;
        await ctx.audit({ action: 'subscription.sync_create', entityType: 'subscription', entityId: id, after: { providerSubscriptionId: s.id, offerName: s.offerName, status: s.status, quantity: f.quantity } });
        continue;
      }
      const changed = subChanged(row as unknown as Record<string, unknown>, f);
      const back = row.removed_upstream_at !== null;
      if (!changed.length && !back) continue;
      await ctx.trx
        .updateTable('subscriptions')
        .set({ ...f, suspension_reasons: JSON.stringify(f.suspension_reasons), azure_entitlements: JSON.stringify(f.azure_entitlements), raw: JSON.stringify(s.raw), removed_upstream_at: null, synced_at: ctx.now, updated_at: ctx.now })
        .where('id', '=', row.id)
        .execute();
      // a new ETag alone (the provider touched the resource) is kept, but is no change to report
      if (!back && changed.every((k) => k === 'etag')) continue;
      stats.subscriptionsUpdated++;
      const pick = (o: Record<string, unknown>) => Object.fromEntries(changed.filter((k) => k !== 'etag').map((k) => [k, o[k]]));
      await ctx.audit({
        action: 'subscription.sync_update',
        entityType: 'subscription',
        entityId: row.id,
        before: { ...pick(row as unknown as Record<string, unknown>), ...(back && { removedUpstream: true }) },
        after: pick(f as unknown as Record<string, unknown>),
      });
    }
    for (const r of rows) {
      if (seen.has(r.provider_subscription_id) || r.removed_upstream_at) continue;
      await ctx.trx.updateTable('subscriptions').set({ removed_upstream_at: ctx.now, updated_at: ctx.now }).where('id', '=', r.id).execute();
      stats.subscriptionsRemoved++;
      await ctx.audit({ action: 'subscription.removed_upstream', entityType: 'subscription', entityId: r.id, before: { status: r.status } });
    }
  });
}

async function fetchCustomer(connector: ProviderConnector, c: PcCustomer): Promise<{ profile: PcBillingProfile | null; subs: PcSubscription[]; entitlements: Map<string, PcAzureEntitlement[]> }> {
  const profile = c.billingProfile ?? (await connector.getBillingProfile(c.id));
  const subs = await connector.listSubscriptions(c.id);
  // Azure usage lines and fraud events name the Azure subscriptions under a plan, not the plan
  const entitlements = new Map<string, PcAzureEntitlement[]>();
  for (const s of subs.filter((x) => x.isAzurePlan)) entitlements.set(s.id, await connector.listAzureEntitlements(c.id, s.id));
  return { profile, subs, entitlements };
}

async function startRun(db: Executor, accountId: string, trigger: string, now: Date): Promise<string> {
  // a run that has been "running" for an hour died with its process
  await db
    .updateTable('sync_runs')
    .set({ state: 'failed', finished_at: now })
    .where('provider_account_id', '=', accountId)
    .where('state', '=', 'running')
    .where('started_at', '<', new Date(now.getTime() - 3_600_000))
    .execute();
  const id = newId('syn');
  try {
    await db.insertInto('sync_runs').values({ id, provider_account_id: accountId, trigger, state: 'running', started_at: now }).execute();
  } catch (e) {
    if ((e as { code?: string }).code === '23505') throw new AppError('conflict', 'sync.already_running', { account: accountId });
    throw e;
  }
  return id;
}

export interface SyncOptions {
  trigger: string;
  /** only this provider customer (webhook: subscription-updated) */
  tenantId?: string;
  connector?: ProviderConnector;
}

export async function syncAccount(deps: Deps, actor: Actor, accountId: string, opts: SyncOptions): Promise<SyncResult> {
  const account = await findAccount(deps.db, accountId);
  if (!account) throw notFound('provider_account', accountId);
  if (account.status !== 'active') throw new AppError('conflict', 'providers.account_disabled', { account: account.name });
  const runId = await startRun(deps.db, account.id, opts.trigger, deps.clock.now());
  const stats = emptyStats();
  const errors: SyncError[] = [];
  let complete = false;
  const seenTenants = new Set<string>();
  try {
    const connector = opts.connector ?? connectorForAccount(deps, account);
    const customers: PcCustomer[] = [];
    if (opts.tenantId) {
      customers.push(await connector.getCustomer(opts.tenantId));
    } else {
      let token: string | null = null;
      do {
        const page = await connector.listCustomers({ continuationToken: token, size: 100 });
        customers.push(...page.items);
        token = page.continuationToken;
      } while (token);
      complete = true;
    }
    for (const c of customers) {
      stats.customersSeen++;
      seenTenants.add(c.tenantId);
      try {
        const { profile, subs, entitlements } = await fetchCustomer(connector, c);
        await applyCustomer(deps, actor, account, c, profile, subs, entitlements, stats);
      } catch (e) {
        stats.failed++;
        errors.push(toError(e, c.tenantId));
        deps.log.warn({ err: e, account: account.id, customer: c.tenantId }, 'customer sync failed');
      }
    }
    if (complete && errors.length === 0) stats.customersRemoved = await markRemoved(deps, actor, account.id, seenTenants);
  } catch (e) {
    errors.push(toError(e));
  }
  const state: SyncResult['state'] = errors.length === 0 ? 'done' : stats.customersSeen > stats.failed ? 'partial' : 'failed';
  const now = deps.clock.now();
  await deps.db
    .updateTable('sync_runs')
    .set({ state, stats: JSON.stringify(stats), errors: JSON.stringify(errors.slice(0, 500)), finished_at: now })
    .where('id', '=', runId)
    .execute();
  await deps.db.updateTable('provider_accounts').set({ last_sync_at: now, last_sync_status: state }).where('id', '=', account.id).execute();
  return { runId, accountId: account.id, state, stats, errors };
}

/** Customers this account no longer lists: marked, with their subscriptions, never deleted. */
async function markRemoved(deps: Deps, actor: Actor, accountId: string, seen: Set<string>): Promise<number> {
  const gone = (await deps.db.selectFrom('customers').select(['id', 'tenant_id']).where('provider_account_id', '=', accountId).where('status', '=', 'active').execute()).filter(
    (c) => !seen.has(c.tenant_id),
  );
  for (const c of gone) {
    await runUseCase(deps, actor, async (ctx) => {
      await ctx.trx.updateTable('customers').set({ status: 'removed_upstream', removed_upstream_at: ctx.now, updated_at: ctx.now }).where('id', '=', c.id).execute();
      await ctx.trx
        .updateTable('subscriptions')
        .set({ removed_upstream_at: ctx.now, updated_at: ctx.now })
        .where('customer_id', '=', c.id)
        .where('removed_upstream_at', 'is', null)
        .execute();
      await ctx.audit({ action: 'customer.removed_upstream', entityType: 'customer', entityId: c.id, before: { status: 'active' }, after: { status: 'removed_upstream' } });
    });
  }
  return gone.length;
}

/** Sync every active account (the scheduled job and `partnerdesk sync`). */
export async function syncAll(deps: Deps, actor: Actor, trigger: string): Promise<{ runs: SyncResult[]; skipped: { accountId: string; code: string }[] }> {
  const accounts = await deps.db.selectFrom('provider_accounts').select('id').where('status', '=', 'active').orderBy('name').execute();
  const runs: SyncResult[] = [];
  const skipped: { accountId: string; code: string }[] = [];
  for (const a of accounts) {
    try {
      runs.push(await syncAccount(deps, actor, a.id, { trigger }));
    } catch (e) {
      if (e instanceof AppError && e.code === 'sync.already_running') skipped.push({ accountId: a.id, code: e.code });
      else throw e;
    }
  }
  return { runs, skipped };
}
