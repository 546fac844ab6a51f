import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { cliActor } from '../../src/db/tx.js';
import { dispatchDue } from '../../src/jobs/dispatcher.js';
import { registerEffects } from '../../src/jobs/definitions.js';
import { explainOperation, listOperations, requestStatusChange } from '../../src/modules/customers/subscription-status.js';
import { listDrift } from '../../src/modules/customers/subscriptions.repo.js';
import { syncAccount } from '../../src/modules/customers/sync-customers.js';
import { createAccount } from '../../src/modules/providers/manage-accounts.js';
import { startSimulator, type Simulator } from '../../src/modules/providers/simulator/server.js';

/**
 * Suspend and reactivate go through the outbox to the simulator over HTTP. The operation keeps
 * one MS-RequestId across retries; new commerce keeps billing and switches auto-renew off, and
 * reactivation restores it; add-ons follow the base.
 */
describe('suspend and reactivate through the provider', () => {
  let deps: TestDeps;
  let sim: Simulator;
  let custId: string; // provider id
  let base: string;
  let addOn: string;
  let legacy: string;
  const actor = cliActor('test');
  const local = async (providerId: string) => deps.db.selectFrom('subscriptions').selectAll().where('provider_subscription_id', '=', providerId).executeTakeFirstOrThrow();
  const op = async (id: string) => deps.db.selectFrom('subscription_operations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    deps = await createTestDeps();
    registerEffects(deps);
    sim = await startSimulator({ port: 0, seed: 'empty', clock: deps.clock });
    const p = sim.addPartner();
    const c = sim.addCustomer(p.tenantId, { companyName: 'Contoso Ltd', language: 'en', culture: 'en-US' });
    custId = c.id;
    base = sim.addSubscription(c.id, { offerId: 'CFQ7TTC0LH18:0001:CFQ7TTC0K59S', offerName: 'Microsoft 365 E3', commerce: 'nce', termDuration: 'P1Y', autoRenewEnabled: true, quantity: 10 }).id;
    addOn = sim.addSubscription(c.id, { offerId: 'CFQ7TTC0LF8Q:0001:CFQ7TTC0KJ2X', offerName: 'Teams Phone', commerce: 'nce', termDuration: 'P1Y', autoRenewEnabled: true, parentSubscriptionId: base }).id;
    legacy = sim.addSubscription(c.id, { offerId: '91FD106F-4B2C-4938-95AC-F54F74E9A239', offerName: 'Office 365 E1', commerce: 'legacy', autoRenewEnabled: true }).id;
    const account = await createAccount(deps, actor, { name: 'Global', cloud: 'global', partnerTenantId: p.tenantId, appId: p.appId, secret: p.secret, apiBaseUrl: sim.url, tokenAuthority: sim.url, supportEntitlements: [] });
    expect((await syncAccount(deps, actor, account.id, { trigger: 'test' })).state).toBe('done');
  });
  afterAll(async () => {
    await sim.close();
    await deps.dispose();
  });

  it('suspends a new-commerce subscription: billed while suspended, auto-renew off, add-ons follow', async () => {
    const requested = await requestStatusChange(deps, actor, (await local(base)).id, 'suspend', 'non_payment');
    expect(requested.state).toBe('requested');
    // until the provider confirms, the desk lists the difference as drift
    expect((await listDrift(deps.db)).map((d) => d.subscription.providerSubscriptionId)).toContain(base);
    expect(await dispatchDue(deps)).toMatchObject({ done: 1 });

    const done = await op(requested.id);
    expect(done.state).toBe('confirmed');
    expect(sim.getSubscription(custId, base)).toMatchObject({ status: 'suspended', autoRenewEnabled: false, partnerBilled: true });
    expect(sim.getSubscription(custId, addOn)!.status).toBe('suspended');
    const mine = await local(base);
    expect(mine).toMatchObject({ status: 'suspended', auto_renew: false, billed_while_suspended: true, auto_renew_before_suspend: true, expected_status: 'suspended' });
    expect((await local(addOn)).status).toBe('suspended');
    expect(await listDrift(deps.db)).toEqual([]);
    // the PATCH carried the operation's MS-RequestId
    const patches = sim.requests({ method: 'PATCH', path: new RegExp(base) });
    expect(patches.map((r) => r.headers['ms-requestid'])).toContain(done.request_id);
  });

  it('reactivates it and restores auto-renew', async () => {
    const requested = await requestStatusChange(deps, actor, (await local(base)).id, 'reactivate', 'paid');
    expect(await dispatchDue(deps)).toMatchObject({ done: 1 });
    expect((await op(requested.id)).state).toBe('confirmed');
    expect(sim.getSubscription(custId, base)).toMatchObject({ status: 'active', autoRenewEnabled: true });
    expect(sim.getSubscription(custId, addOn)!.status).toBe('active');
    expect(await local(base)).toMatchObject({ status: 'active', auto_renew: true, billed_while_suspended: false, auto_renew_before_suspend: null });
  });

  it('suspends a legacy subscription, which stops billing', async () => {
    await requestStatusChange(deps, actor, (await local(legacy)).id, 'suspend', 'misuse');
    await dispatchDue(deps);
    expect(sim.getSubscription(custId, legacy)).toMatchObject({ status: 'suspended', partnerBilled: false });
    expect((await local(legacy)).billed_while_suspended).toBe(false);
  });

  it('refuses what makes no sense, and a second change while one is pending', async () => {
    await expect(requestStatusChange(deps, actor, (await local(legacy)).id, 'suspend', 'fraud')).rejects.toMatchObject({ code: 'subscriptions.not_active' });
    await expect(requestStatusChange(deps, actor, (await local(base)).id, 'reactivate', 'x')).rejects.toMatchObject({ code: 'subscriptions.not_suspended' });
    await requestStatusChange(deps, actor, (await local(base)).id, 'suspend', 'fraud');
    await expect(requestStatusChange(deps, actor, (await local(base)).id, 'suspend', 'fraud')).rejects.toMatchObject({ code: 'subscriptions.operation_pending' });
    await dispatchDue(deps);
  });

  it('retries a provider outage with the same MS-RequestId, then confirms', async () => {
    const requested = await requestStatusChange(deps, actor, (await local(base)).id, 'reactivate', 'paid');
    sim.faults.inject({ method: 'PATCH', path: new RegExp(base), status: 503, times: Infinity });
    const first = await dispatchDue(deps);
    expect(first).toMatchObject({ done: 0, failed: 1 });
    expect(await op(requested.id)).toMatchObject({ state: 'retrying', error_code: 'provider.unavailable', attempts: 1 });
    expect(sim.getSubscription(custId, base)!.status).toBe('suspended');
    sim.faults.clear();
    deps.clock.advance({ minutes: 2 });
    expect(await dispatchDue(deps)).toMatchObject({ done: 1 });
    const done = await op(requested.id);
    expect(done).toMatchObject({ state: 'confirmed', attempts: 2 });
    const ids = new Set(sim.requests({ method: 'PATCH', path: new RegExp(base) }).slice(-6).map((r) => r.headers['ms-requestid']));
    expect(ids.has(done.request_id)).toBe(true);
    expect(sim.getSubscription(custId, base)!.status).toBe('active');
  });

  it('hands a refusal to a person instead of retrying it', async () => {
    sim.updateSubscription(custId, legacy, { renewalInProgress: false });
    sim.faults.inject({ method: 'PATCH', path: new RegExp(legacy), status: 400, times: 1, body: JSON.stringify({ code: 800091, description: 'Cannot update a subscription with suspended status' }) });
    const requested = await requestStatusChange(deps, actor, (await local(legacy)).id, 'reactivate', 'paid');
    expect(await dispatchDue(deps)).toMatchObject({ done: 1 });
    expect(await op(requested.id)).toMatchObject({ state: 'failed', error_code: 'provider.rejected', provider_code: '800091', http_status: 400 });
    const [listed] = await listOperations(deps, (await local(legacy)).id);
    const de = explainOperation(listed!, deps.i18n.formatter('de'));
    expect(de).toBe(deps.i18n.t('de', 'provider_codes.800091', {}));
    expect(de).not.toBe(explainOperation(listed!, deps.i18n.formatter('en')));
    // the desk no longer expects a state the provider refused
    expect((await local(legacy)).expected_status).toBeNull();
    deps.clock.advance({ hours: 2 });
    expect(await dispatchDue(deps)).toMatchObject({ done: 0, failed: 0 });
  });
});
