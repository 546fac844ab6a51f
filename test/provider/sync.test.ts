import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { cliActor } from '../../src/db/tx.js';
import { syncAccount } from '../../src/modules/customers/sync-customers.js';
import { updateCustomer } from '../../src/modules/customers/update-customer.js';
import { listDrift } from '../../src/modules/customers/subscriptions.repo.js';
import { createAccount } from '../../src/modules/providers/manage-accounts.js';
import { startSimulator, type Simulator } from '../../src/modules/providers/simulator/server.js';
import { createPartnerCenterConnector } from '../../src/modules/providers/partner-center/client.js';

/** Sync against the simulator over HTTP: counts, idempotency, local fields, drift-free reruns, failures. */
describe('provider sync', () => {
  let deps: TestDeps;
  let sim: Simulator;
  let accountId: string;
  let tenant: string;
  const actor = cliActor('test');
  const audits = async () => Number((await deps.db.selectFrom('audit_log').select(deps.db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    deps = await createTestDeps();
    sim = await startSimulator({ port: 0, seed: 'demo', clock: deps.clock });
    const p = sim.partners().find((x) => x.cloud === 'germany')!;
    tenant = p.tenantId;
    accountId = (
      await createAccount(deps, actor, { name: 'DE', cloud: 'germany', partnerTenantId: p.tenantId, appId: p.appId, secret: p.secret, apiBaseUrl: sim.url, tokenAuthority: sim.url, supportEntitlements: [] })
    ).id;
  });
  afterAll(async () => {
    await sim.close();
    await deps.dispose();
  });

  it('brings in every customer, billing profile and subscription of the account', async () => {
    const r = await syncAccount(deps, actor, accountId, { trigger: 'test' });
    expect(r.errors).toEqual([]);
    expect(r.state).toBe('done');
    const upstream = sim.customers(tenant);
    const upstreamSubs = upstream.flatMap((c) => sim.subscriptions(c.id));
    expect(r.stats).toMatchObject({ customersSeen: upstream.length, customersCreated: upstream.length, subscriptionsCreated: upstreamSubs.length });
    const customers = await deps.db.selectFrom('customers').selectAll().where('provider_account_id', '=', accountId).execute();
    expect(customers).toHaveLength(upstream.length);
    // the locale comes from the billing profile (germany cloud demo customers are German)
    expect(customers.filter((c) => c.locale === 'de').length).toBeGreaterThan(0);
    expect(customers.every((c) => c.billing_currency === 'EUR')).toBe(true);
    // the billing profile's address and contact, as invoices will print them
    for (const c of customers) {
      const p = upstream.find((u) => u.id === c.tenant_id)!;
      expect(c.billing_address).toEqual({ lines: [p.address.addressLine1], postalCode: p.address.postalCode, city: p.address.city, region: p.address.region, country: p.address.country });
      expect(c.billing_contact_name).toBe(`${p.firstName} ${p.lastName}`);
    }
    const subs = await deps.db.selectFrom('subscriptions').selectAll().execute();
    expect(subs).toHaveLength(upstreamSubs.length);
    for (const s of upstreamSubs) {
      const mine = subs.find((x) => x.provider_subscription_id === s.id)!;
      expect(mine.status).toBe(s.status);
      expect(mine.quantity).toBe(s.quantity);
      expect(mine.commerce).toBe(s.commerce);
      expect(mine.auto_renew).toBe(s.autoRenewEnabled);
    }
  });

  it('changes nothing when run again', async () => {
    const before = await audits();
    const updatedAt = (await deps.db.selectFrom('customers').select(['id', 'updated_at']).execute()).map((c) => [c.id, c.updated_at.getTime()]);
    deps.clock.advance({ minutes: 5 });
    const r = await syncAccount(deps, actor, accountId, { trigger: 'test' });
    expect(r.state).toBe('done');
    expect(r.stats).toMatchObject({ customersCreated: 0, customersUpdated: 0, customersRemoved: 0, subscriptionsCreated: 0, subscriptionsUpdated: 0, subscriptionsRemoved: 0 });
    expect(await audits()).toBe(before);
    expect((await deps.db.selectFrom('customers').select(['id', 'updated_at']).execute()).map((c) => [c.id, c.updated_at.getTime()])).toEqual(updatedAt);
  });

  it('takes upstream changes and keeps local fields', async () => {
    const c = (await deps.db.selectFrom('customers').selectAll().where('provider_account_id', '=', accountId).orderBy('id').executeTakeFirstOrThrow());
    await updateCustomer(deps, actor, c.id, { segment: 'enterprise', localeOverride: 'ru', paymentTermsDays: 45 });
    const upstreamSub = sim.subscriptions(c.tenant_id)[0]!;
    const quantity = upstreamSub.quantity + 3;
    sim.updateSubscription(c.tenant_id, upstreamSub.id, { quantity });
    const r = await syncAccount(deps, actor, accountId, { trigger: 'test' });
    expect(r.stats.subscriptionsUpdated).toBe(1);
    const after = await deps.db.selectFrom('customers').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ segment: 'enterprise', locale_override: 'ru', payment_terms_days: 45 });
    const sub = await deps.db.selectFrom('subscriptions').selectAll().where('provider_subscription_id', '=', upstreamSub.id).executeTakeFirstOrThrow();
    expect(sub.quantity).toBe(quantity);
    const audit = await deps.db.selectFrom('audit_log').selectAll().where('entity_id', '=', sub.id).where('action', '=', 'subscription.sync_update').execute();
    expect(audit.at(-1)!.after).toEqual({ quantity });
  });

  it('goes on with the next customer when one fails, leaving that one untouched', async () => {
    const [bad, good] = sim.customers(tenant);
    const badSub = sim.subscriptions(bad!.id)[0]!;
    const goodSub = sim.subscriptions(good!.id)[0]!;
    const [badBefore, goodBefore] = [badSub.quantity, goodSub.quantity];
    sim.updateSubscription(bad!.id, badSub.id, { quantity: badBefore + 1 });
    sim.updateSubscription(good!.id, goodSub.id, { quantity: goodBefore + 1 });
    sim.faults.inject({ method: 'GET', path: `/v1/customers/${bad!.id}/subscriptions`, status: 500, times: Infinity });
    // retries without waiting: the client's backoff is its own tested concern
    const connector = createPartnerCenterConnector(sim.connectorConfig(tenant), { clock: deps.clock, sleep: async () => undefined });
    const r = await syncAccount(deps, actor, accountId, { trigger: 'test', connector });
    sim.faults.clear();
    expect(r.state).toBe('partial');
    expect(r.errors).toEqual([expect.objectContaining({ customer: bad!.id, code: 'provider.unavailable' })]);
    const rows = await deps.db.selectFrom('subscriptions').select(['provider_subscription_id', 'quantity']).where('provider_subscription_id', 'in', [badSub.id, goodSub.id]).execute();
    const q = Object.fromEntries(rows.map((x) => [x.provider_subscription_id, x.quantity]));
    expect(q[goodSub.id]).toBe(goodBefore + 1); // taken
    expect(q[badSub.id]).toBe(badBefore); // not half-updated: the old value stays
    // a partial listing never marks anything as gone
    expect(r.stats.customersRemoved).toBe(0);
    const again = await syncAccount(deps, actor, accountId, { trigger: 'test' });
    expect(again.state).toBe('done');
  });

  it('marks customers and subscriptions that vanish upstream, and brings them back if they return', async () => {
    const [c1, c2] = sim.customers(tenant);
    const gone = sim.subscriptions(c2!.id)[0]!;
    sim.removeCustomer(c1!.id);
    sim.removeSubscription(c2!.id, gone.id);
    const r = await syncAccount(deps, actor, accountId, { trigger: 'test' });
    expect(r.stats).toMatchObject({ customersRemoved: 1, subscriptionsRemoved: 1 });
    const cust = await deps.db.selectFrom('customers').selectAll().where('tenant_id', '=', c1!.id).executeTakeFirstOrThrow();
    expect(cust).toMatchObject({ status: 'removed_upstream' });
    expect(cust.removed_upstream_at).not.toBeNull();
    const subs = await deps.db.selectFrom('subscriptions').selectAll().where('customer_id', '=', cust.id).execute();
    expect(subs.length).toBeGreaterThan(0); // kept, not deleted
    expect(subs.every((s) => s.removed_upstream_at !== null)).toBe(true);
    const drift = await listDrift(deps.db);
    expect(drift.map((d) => d.subscription.providerSubscriptionId)).toContain(gone.id);
    expect(drift.find((d) => d.subscription.providerSubscriptionId === gone.id)!.kind).toBe('removed_upstream');
    // running again changes nothing more
    expect((await syncAccount(deps, actor, accountId, { trigger: 'test' })).stats).toMatchObject({ customersRemoved: 0, subscriptionsRemoved: 0 });
  });

  it('reports wrong credentials as a typed error and changes nothing', async () => {
    const p = sim.partners().find((x) => x.cloud === 'china')!;
    const bad = await createAccount(deps, actor, { name: 'CN', cloud: 'china', partnerTenantId: p.tenantId, appId: p.appId, secret: 'wrong', apiBaseUrl: sim.url, tokenAuthority: sim.url, supportEntitlements: [] });
    const r = await syncAccount(deps, actor, bad.id, { trigger: 'test' });
    expect(r.state).toBe('failed');
    expect(r.errors[0]).toMatchObject({ code: 'provider.auth_failed' });
    expect(await deps.db.selectFrom('customers').select('id').where('provider_account_id', '=', bad.id).execute()).toEqual([]);
  });

  it('refuses a second sync of the same account while one runs', async () => {
    sim.faults.inject({ method: 'GET', path: '/v1/customers', delayMs: 400, times: 1 });
    const first = syncAccount(deps, actor, accountId, { trigger: 'test' });
    await new Promise((r) => setTimeout(r, 100));
    await expect(syncAccount(deps, actor, accountId, { trigger: 'test' })).rejects.toMatchObject({ code: 'sync.already_running' });
    expect((await first).state).toBe('done');
  });
});
