/**
 * The simulator's documented rules, exercised over HTTP: through the Partner Center client where
 * the connector has the operation, with plain fetch where it has not (quantity changes, replays,
 * the control API).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TestClock } from '../../../core/clock.js';
import { CLOUDS, ProviderError } from '../connector.js';
import { createPartnerCenterConnector, deriveRequestId, type PartnerCenterConnector } from '../partner-center/client.js';
import { explainProviderError } from '../partner-center/errors.js';
import { parseWebhookEvent } from '../partner-center/parse.js';
import { verifyWebhookSignature } from '../partner-center/webhooks.js';
import { DEMO_PARTNERS } from './seed.js';
import { startSimulator, type SimPartnerInfo, type Simulator } from './server.js';

const START = '2026-06-15T12:00:00.000Z';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function rejection(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ProviderError) return e;
    throw e;
  }
  throw new Error('expected a ProviderError');
}

function connectorFor(sim: Simulator, p: SimPartnerInfo, clock?: TestClock): PartnerCenterConnector {
  return createPartnerCenterConnector(sim.connectorConfig(p.tenantId), { sleep: async () => {}, ...(clock ? { clock } : {}) });
}

async function rawToken(sim: Simulator, p: SimPartnerInfo): Promise<string> {
  const res = await fetch(`${sim.url}/${p.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: p.appId, client_secret: p.secret, scope: 'https://api.partnercenter.microsoft.com/.default' }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('suspend and reactivate (through the client)', () => {
  const clock = new TestClock(START);
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty', clock });
  });
  afterAll(async () => {
    await sim.close();
  });

  function setup() {
    const p = sim.addPartner({ cloud: 'global' });
    const customer = sim.addCustomer(p.tenantId, { companyName: 'Contoso Ltd' });
    return { p, customer, c: connectorFor(sim, p, clock) };
  }

  it('legacy: the full resource is PATCHed with If-Match; suspension stops the partner’s billing', async () => {
    const { p, customer, c } = setup();
    const sub = sim.addSubscription(customer.id, { commerce: 'legacy', autoRenewEnabled: true, quirks: { pascalCase: true } });
    const change = await c.setSubscriptionStatus(customer.id, sub.id, 'suspended', { correlationId: 'dunning-7' });
    expect(change.before).toMatchObject({ status: 'active', commerce: 'legacy' });
    expect(change.after).toMatchObject({ status: 'suspended', autoRenewEnabled: true, suspensionReasons: ['PartnerInitiated'] });
    expect(change.after.etag).not.toBe(change.before.etag);
    expect(change.attempts).toBe(2);
    expect(change.correlationId).toBe('dunning-7');
    expect(sim.getSubscription(customer.id, sub.id)).toMatchObject({ status: 'suspended', partnerBilled: false });

    const patch = sim.requests({ method: 'PATCH' }).filter((r) => r.tenantId === p.tenantId)[0]!;
    expect(patch.headers['if-match']).toBe(change.before.etag);
    expect(patch.headers['ms-requestid']).toBe(change.requestId);
    const body = JSON.parse(patch.body!) as Record<string, unknown>;
    expect(body.Status).toBe('suspended'); // PascalCase resource, PascalCase body
    expect(body.OfferId).toBe(sub.offerId);
    expect(body.Links).toBeUndefined();

    const back = await c.setSubscriptionStatus(customer.id, sub.id, 'active');
    expect(back.after).toMatchObject({ status: 'active', suspensionReasons: [] });
    expect(sim.getSubscription(customer.id, sub.id)!.partnerBilled).toBe(true);
  });

  it('NCE: suspension switches auto-renew off and the partner is still billed; reactivation restores it when asked', async () => {
    const { customer, c } = setup();
    const sub = sim.addSubscription(customer.id, { offerId: 'CFQ7TTC0LFLZ:0001:CFQ7TTC0K5DJ', autoRenewEnabled: true });
    const s1 = await c.setSubscriptionStatus(customer.id, sub.id, 'suspended');
    expect(s1.after).toMatchObject({ status: 'suspended', commerce: 'nce', autoRenewEnabled: false });
    expect(sim.getSubscription(customer.id, sub.id)!.partnerBilled).toBe(true);
    const r1 = await c.setSubscriptionStatus(customer.id, sub.id, 'active');
    expect(r1.after).toMatchObject({ status: 'active', autoRenewEnabled: false });
    await c.setSubscriptionStatus(customer.id, sub.id, 'suspended');
    const r2 = await c.setSubscriptionStatus(customer.id, sub.id, 'active', { autoRenewEnabled: true });
    expect(r2.after).toMatchObject({ status: 'active', autoRenewEnabled: true });
  });

  it('add-ons follow their base both ways; an add-on cannot come back before its base (27009)', async () => {
    const { customer, c } = setup();
    const base = sim.addSubscription(customer.id, { offerName: 'Microsoft 365 E3', autoRenewEnabled: true });
    const phone = sim.addSubscription(customer.id, { offerName: 'Teams Phone', parentSubscriptionId: base.id, autoRenewEnabled: true });
    const storage = sim.addSubscription(customer.id, { offerName: 'Extra storage', parentSubscriptionId: base.id, autoRenewEnabled: false });
    await c.setSubscriptionStatus(customer.id, base.id, 'suspended');
    const listed = await c.listSubscriptions(customer.id);
    expect(listed.map((s) => [s.id, s.status, s.parentSubscriptionId])).toEqual([
      [base.id, 'suspended', null],
      [phone.id, 'suspended', base.id],
      [storage.id, 'suspended', base.id],
    ]);
    const err = await rejection(c.setSubscriptionStatus(customer.id, phone.id, 'active'));
    expect(err).toMatchObject({ code: 'provider.conflict', status: 409, providerCode: '27009', retryable: false });
    expect(explainProviderError(err).key).toBe('provider_codes.27009');

    await c.setSubscriptionStatus(customer.id, base.id, 'active', { autoRenewEnabled: true });
    expect(sim.getSubscription(customer.id, phone.id)).toMatchObject({ status: 'active', autoRenewEnabled: true });
    expect(sim.getSubscription(customer.id, storage.id)).toMatchObject({ status: 'active', autoRenewEnabled: false });
  });

  it('already in the wanted state: read, nothing sent', async () => {
    const { p, customer, c } = setup();
    const sub = sim.addSubscription(customer.id, { status: 'suspended' });
    const change = await c.setSubscriptionStatus(customer.id, sub.id, 'suspended');
    expect(change.after).toBe(change.before);
    expect(change.attempts).toBe(1);
    expect(sim.requests({ method: 'PATCH' }).filter((r) => r.tenantId === p.tenantId)).toHaveLength(0);
  });

  it('412: re-reads and PATCHes once more (a real concurrent edit); twice → precondition_failed', async () => {
    const { p, customer, c } = setup();
    const sub = sim.addSubscription(customer.id, {});
    // the PATCH is held for 150 ms; meanwhile someone else changes the subscription (new ETag)
    sim.faults.inject({ method: 'PATCH', path: `/v1/customers/${customer.id}/subscriptions/${sub.id}`, delayMs: 150 });
    setTimeout(() => sim.updateSubscription(customer.id, sub.id, { friendlyName: 'Renamed elsewhere' }), 40);
    const change = await c.setSubscriptionStatus(customer.id, sub.id, 'suspended', { requestId: 'outbox:suspend-1' });
    expect(change.after).toMatchObject({ status: 'suspended', friendlyName: 'Renamed elsewhere' });
    expect(change.attempts).toBe(4);
    const mine = sim.requests().filter((r) => r.tenantId === p.tenantId && !r.path.includes('oauth2'));
    expect(mine.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'PATCH 412', 'GET 200', 'PATCH 200']);
    const first = deriveRequestId('outbox:suspend-1');
    expect(mine[1]!.headers['ms-requestid']).toBe(first);
    expect(mine[3]!.headers['ms-requestid']).toBe(deriveRequestId(first, 'patch-2'));
    expect(change.requestId).toBe(mine[3]!.headers['ms-requestid']);

    const sub2 = sim.addSubscription(customer.id, {});
    sim.faults.inject({ method: 'PATCH', path: `/v1/customers/${customer.id}/subscriptions/${sub2.id}`, status: 412, times: 2 });
    const err = await rejection(c.setSubscriptionStatus(customer.id, sub2.id, 'suspended'));
    expect(err).toMatchObject({ code: 'provider.precondition_failed', status: 412, providerCode: '2055' });
    expect(explainProviderError(err)).toMatchObject({ key: 'provider_codes.2055' });
  });

  it('409 inside the renewal window: conflict, retryable, not retried within the call', async () => {
    const { p, customer, c } = setup();
    const sub = sim.addSubscription(customer.id, { commitmentEndDate: new Date(clock.now().getTime() + 10 * HOUR).toISOString() });
    const err = await rejection(c.setSubscriptionStatus(customer.id, sub.id, 'suspended'));
    expect(err).toMatchObject({ code: 'provider.conflict', status: 409, providerCode: '800082', retryable: true });
    expect(explainProviderError(err).key).toBe('provider_codes.800082');
    expect(sim.requests({ method: 'PATCH' }).filter((r) => r.tenantId === p.tenantId)).toHaveLength(1);
    const flagged = sim.addSubscription(customer.id, { renewalInProgress: true });
    expect((await rejection(c.setSubscriptionStatus(customer.id, flagged.id, 'suspended'))).providerCode).toBe('800082');
  });

  it('term end: NCE still suspended → disabled and cannot be reactivated; auto-renew renews; the rest end', async () => {
    const { customer, c } = setup();
    const end = new Date(clock.now().getTime() + 5 * DAY).toISOString();
    const nce = sim.addSubscription(customer.id, { termDuration: 'P1M', commitmentEndDate: end, autoRenewEnabled: true });
    const renewing = sim.addSubscription(customer.id, { termDuration: 'P1M', commitmentEndDate: end, autoRenewEnabled: true });
    const lapsing = sim.addSubscription(customer.id, { termDuration: 'P1M', commitmentEndDate: end, autoRenewEnabled: false });
    const legacy = sim.addSubscription(customer.id, { commerce: 'legacy', commitmentEndDate: end });
    await c.setSubscriptionStatus(customer.id, nce.id, 'suspended');
    await c.setSubscriptionStatus(customer.id, legacy.id, 'suspended');

    const changes = sim.advanceTo(new Date(new Date(end).getTime() + HOUR));
    const byId = Object.fromEntries(changes.filter((x) => x.customerId === customer.id).map((x) => [x.subscriptionId, x.to]));
    expect(byId).toEqual({ [nce.id]: 'disabled', [renewing.id]: 'active', [lapsing.id]: 'expired', [legacy.id]: 'deleted' });

    const disabled = await c.getSubscription(customer.id, nce.id);
    expect(disabled).toMatchObject({ status: 'disabled', autoRenewEnabled: false });
    expect(sim.getSubscription(customer.id, nce.id)!.partnerBilled).toBe(false);
    const err = await rejection(c.setSubscriptionStatus(customer.id, nce.id, 'active', { autoRenewEnabled: true }));
    expect(err).toMatchObject({ code: 'provider.rejected', status: 400, providerCode: '900279', retryable: false });
    expect(explainProviderError(err).key).toBe('provider_codes.900279');
    expect((await c.getSubscription(customer.id, renewing.id)).commitmentEndDate).toBe('2026-07-20T12:00:00.000Z');
    expect((await rejection(c.setSubscriptionStatus(customer.id, legacy.id, 'active'))).providerCode).toBe('2011');
  });

  it('an Azure plan with active Azure subscriptions cannot be suspended (900115)', async () => {
    const { customer, c } = setup();
    const plan = sim.addSubscription(customer.id, { azurePlan: true, azureEntitlements: [{ friendlyName: 'Production' }] });
    const err = await rejection(c.setSubscriptionStatus(customer.id, plan.id, 'suspended'));
    expect(err).toMatchObject({ code: 'provider.forbidden', status: 403, providerCode: '900115', retryable: false });
    expect(explainProviderError(err)).toMatchObject({ key: 'provider_codes.900115', params: { status: 403, providerCode: '900115' } });
    sim.setAzureEntitlementStatus(customer.id, plan.id, plan.azureEntitlements[0]!.id, 'disabled');
    const ok = await c.setSubscriptionStatus(customer.id, plan.id, 'suspended');
    expect(ok.after).toMatchObject({ status: 'suspended', billingType: 'usage', commitmentEndDate: null });
  });

  it('an undocumented status is kept as it came and cannot be changed (800096)', async () => {
    const { customer, c } = setup();
    const odd = sim.addSubscription(customer.id, { status: 'Transferring' });
    expect((await c.getSubscription(customer.id, odd.id)).status).toBe('transferring');
    expect((await rejection(c.setSubscriptionStatus(customer.id, odd.id, 'suspended'))).providerCode).toBe('800096');
  });
});

describe('rules only reachable with a hand-made PATCH', () => {
  let sim: Simulator;
  let p: SimPartnerInfo;
  let token: string;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty' });
    p = sim.addPartner({ cloud: 'germany' });
    token = await rawToken(sim, p);
  });
  afterAll(async () => {
    await sim.close();
  });

  async function patch(customerId: string, subId: string, change: Record<string, unknown>, headers: Record<string, string> = {}) {
    const url = `${sim.url}/v1/customers/${customerId}/subscriptions/${subId}`;
    const read = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    const resource = (await read.json()) as Record<string, unknown>;
    const res = await fetch(url, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'If-Match': read.headers.get('etag')!, ...headers },
      body: JSON.stringify({ ...resource, ...change }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, etag: res.headers.get('etag') };
  }

  it('quantity cannot change together with a suspension (2001) nor while suspended (800091)', async () => {
    const customer = sim.addCustomer(p.tenantId, { companyName: 'Becker Brauerei KG', culture: 'de-DE' });
    const sub = sim.addSubscription(customer.id, { quantity: 10 });
    let r = await patch(customer.id, sub.id, { status: 'suspended', quantity: 12 });
    expect(r).toMatchObject({ status: 400, body: { code: '2001' } });
    r = await patch(customer.id, sub.id, { quantity: 12 });
    expect(r.status).toBe(200);
    expect(r.body.quantity).toBe(12);
    r = await patch(customer.id, sub.id, { status: 'suspended' });
    expect(r.body.status).toBe('suspended');
    r = await patch(customer.id, sub.id, { quantity: 15 });
    expect(r).toMatchObject({ status: 400, body: { code: '800091', description: "Can't update a subscription with suspended status" } });
  });

  it('If-Match is required and must be current; the ETag changes on every change', async () => {
    const customer = sim.addCustomer(p.tenantId, { companyName: 'Fischer Möbelwerk GmbH' });
    const sub = sim.addSubscription(customer.id, {});
    const url = `${sim.url}/v1/customers/${customer.id}/subscriptions/${sub.id}`;
    const body = JSON.stringify({ status: 'suspended' });
    const noMatch = await fetch(url, { method: 'PATCH', headers: { Authorization: `Bearer ${token}` }, body });
    expect(noMatch.status).toBe(412);
    const stale = await fetch(url, { method: 'PATCH', headers: { Authorization: `Bearer ${token}`, 'If-Match': 'stale' }, body });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { code: string }).code).toBe('2055');
    const e1 = (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).headers.get('etag');
    const done = await patch(customer.id, sub.id, { status: 'suspended' });
    expect(done.etag).not.toBe(e1);
  });

  it('a PATCH repeated with the same MS-RequestId is answered from the first result, not applied twice', async () => {
    const customer = sim.addCustomer(p.tenantId, { companyName: 'Krüger Logistik AG' });
    const sub = sim.addSubscription(customer.id, {});
    const first = await patch(customer.id, sub.id, { status: 'suspended' }, { 'MS-RequestId': '0b7f3a52-6d1e-4c8b-9a2f-1e3d5c7b9a01' });
    const version = sim.getSubscription(customer.id, sub.id)!.version;
    const again = await patch(customer.id, sub.id, { status: 'suspended' }, { 'MS-RequestId': '0b7f3a52-6d1e-4c8b-9a2f-1e3d5c7b9a01' });
    expect(again.body).toEqual(first.body);
    expect(sim.getSubscription(customer.id, sub.id)!.version).toBe(version);
  });

  it('there is no call to create a service request', async () => {
    for (const path of ['/v1/servicerequests', '/v1/servicerequests/en-US', `/v1/customers/${p.tenantId}/servicerequests`]) {
      const res = await fetch(sim.url + path, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{"Title":"x"}' });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
    }
  });

  it('customers of another partner are refused (20002); unknown ones are not found (60003)', async () => {
    const other = sim.addPartner({ cloud: 'germany' });
    const theirs = sim.addCustomer(other.tenantId, { companyName: 'Weber AG' });
    const c = connectorFor(sim, p);
    expect(await rejection(c.getCustomer(theirs.id))).toMatchObject({ code: 'provider.forbidden', providerCode: '20002' });
    expect(await rejection(c.getBillingProfile('00000000-0000-4000-8000-00000000dead'))).toMatchObject({ code: 'provider.not_found', providerCode: '60003' });
  });
});

describe('the simulator’s own rate limit and control API', () => {
  it('answers 429 with Retry-After past its per-tenant limit; the client waits it out', async () => {
    const clock = new TestClock(START);
    const sim = await startSimulator({ seed: 'empty', clock, rateLimit: { requests: 3, perMs: 60_000 } });
    try {
      const p = sim.addPartner();
      const customer = sim.addCustomer(p.tenantId, { companyName: 'Alpine Ski House' });
      const sleeps: number[] = [];
      const c = createPartnerCenterConnector(sim.connectorConfig(p.tenantId), {
        clock,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock.advance({ ms });
        },
      });
      for (let i = 0; i < 3; i++) await c.getCustomer(customer.id);
      clock.advance({ seconds: 20 });
      expect((await c.getCustomer(customer.id)).companyName).toBe('Alpine Ski House');
      expect(sleeps).toEqual([40_000]);
      const statuses = sim.requests({ path: `/v1/customers/${customer.id}` }).map((r) => r.status);
      expect(statuses).toEqual([200, 200, 200, 429, 200]);

      const impatient = createPartnerCenterConnector(sim.connectorConfig(p.tenantId, { maxAttempts: 1 }), { clock, sleep: async () => {} });
      await impatient.getCustomer(customer.id);
      await impatient.getCustomer(customer.id);
      const err = await rejection(impatient.getCustomer(customer.id));
      expect(err).toMatchObject({ code: 'provider.rate_limited', retryAfterMs: 60_000, retryable: true });
    } finally {
      await sim.close();
    }
  });

  it('faults, token expiry and time over HTTP (for the CLI)', async () => {
    const clock = new TestClock(START);
    const sim = await startSimulator({ seed: 'empty', clock });
    try {
      const p = sim.addPartner();
      const customer = sim.addCustomer(p.tenantId, { companyName: 'Lamna Healthcare' });
      const sub = sim.addSubscription(customer.id, { termDuration: 'P1M', commitmentEndDate: '2026-06-20T00:00:00.000Z', status: 'suspended' });
      const c = createPartnerCenterConnector(sim.connectorConfig(p.tenantId, { maxAttempts: 1 }), { clock, sleep: async () => {} });
      const added = await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ path: '/v1/customers', status: 503, times: 'forever' }) });
      expect(added.status).toBe(201);
      expect(((await (await fetch(`${sim.url}/_sim/faults`)).json()) as unknown[]).length).toBe(1);
      expect((await rejection(c.listCustomers())).code).toBe('provider.unavailable');
      expect((await rejection(c.listCustomers())).code).toBe('provider.unavailable');
      expect((await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' })).status).toBe(204);
      expect((await c.listCustomers()).items).toHaveLength(1);

      expect((await fetch(`${sim.url}/_sim/expire-tokens`, { method: 'POST' })).status).toBe(204);
      await c.listCustomers();
      expect(sim.requests().filter((r) => r.path.includes('oauth2'))).toHaveLength(2);

      const adv = await fetch(`${sim.url}/_sim/advance`, { method: 'POST', body: JSON.stringify({ to: '2026-06-21T00:00:00Z' }) });
      const { changes } = (await adv.json()) as { changes: { subscriptionId: string; to: string }[] };
      expect(changes).toEqual([expect.objectContaining({ subscriptionId: sub.id, to: 'disabled' })]);
      expect(clock.now().toISOString()).toBe('2026-06-21T00:00:00.000Z');
      const partners = (await (await fetch(`${sim.url}/_sim/partners`)).json()) as SimPartnerInfo[];
      expect(partners.map((x) => x.tenantId)).toEqual([p.tenantId]);
    } finally {
      await sim.close();
    }
  });
});

describe('webhooks', () => {
  let sim: Simulator;
  let server: Server;
  let hookUrl: string;
  const received: { headers: IncomingHttpHeaders; raw: string }[] = [];
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty' });
    server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (raw += d));
      req.on('end', () => {
        received.push({ headers: req.headers, raw });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/partner-center?key=k1`;
  });
  afterAll(async () => {
    await sim.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  async function waitFor(n: number) {
    for (let i = 0; i < 200 && received.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    expect(received.length).toBeGreaterThanOrEqual(n);
  }

  it('registration returns a signing secret; events arrive signed, in the documented shape', async () => {
    const p = sim.addPartner();
    const c = connectorFor(sim, p);
    const reg = await c.registerWebhooks(hookUrl, ['test-created', 'subscription-updated']);
    expect(reg.webhookUrl).toBe(hookUrl);
    expect(reg.webhookEvents).toEqual(['test-created', 'subscription-updated']);
    expect(reg.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(sim.webhookRegistration(p.tenantId)!.secret).toBe(reg.secret);

    const skipped = await sim.emit(p.tenantId, 'invoice-ready', 'https://api.partnercenter.microsoft.com/v1/invoices/G0001');
    expect(skipped).toMatchObject({ delivered: false, error: 'event not registered' });

    received.length = 0;
    const d = await sim.emit(p.tenantId, 'test-created', `${sim.url}/webhooks/v1/registration/validationEvents/abc`);
    expect(d).toMatchObject({ delivered: true, status: 200 });
    const got = received[0]!;
    expect(got.headers['content-type']).toBe('application/json');
    expect(verifyWebhookSignature(got.raw, got.headers.authorization, reg.secret!)).toBe(true);
    expect(verifyWebhookSignature(got.raw + ' ', got.headers.authorization, reg.secret!)).toBe(false);
    expect(verifyWebhookSignature(got.raw, got.headers.authorization, 'another-secret')).toBe(false);
    expect(verifyWebhookSignature(got.raw, undefined, reg.secret!)).toBe(false);
    const body = JSON.parse(got.raw) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['EventName', 'ResourceUri', 'ResourceName', 'AuditUri', 'ResourceChangeUtcDate']);
    expect(parseWebhookEvent(body)).toMatchObject({ eventName: 'test-created', resourceName: 'test', auditUri: null });
    expect(body.ResourceChangeUtcDate).toMatch(/\+00:00$/);
  });

  it('a subscription change is announced as subscription-updated', async () => {
    const p = sim.addPartner();
    const customer = sim.addCustomer(p.tenantId, { companyName: 'Adventure Works' });
    const base = sim.addSubscription(customer.id, {});
    const addOn = sim.addSubscription(customer.id, { parentSubscriptionId: base.id });
    const c = connectorFor(sim, p);
    const reg = await c.registerWebhooks(hookUrl, []); // no list: every event
    received.length = 0;
    await c.setSubscriptionStatus(customer.id, base.id, 'suspended');
    await waitFor(2);
    const events = received.map((r) => {
      expect(verifyWebhookSignature(r.raw, r.headers.authorization, reg.secret!)).toBe(true);
      return parseWebhookEvent(JSON.parse(r.raw));
    });
    expect(events.map((e) => e.eventName)).toEqual(['subscription-updated', 'subscription-updated']);
    const uris = events.map((e) => /\/customers\/([^/]+)\/subscriptions\/([^/?]+)$/.exec(e.resourceUri ?? '')?.slice(1));
    expect(uris).toEqual(
      expect.arrayContaining([
        [customer.id, base.id],
        [customer.id, addOn.id],
      ]),
    );
  });
});

describe('demo seed', () => {
  const clock = new TestClock(START);
  let sim: Simulator;
  beforeAll(async () => {
    const random = vi.spyOn(Math, 'random');
    sim = await startSimulator({ clock });
    expect(random).not.toHaveBeenCalled();
    random.mockRestore();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('four partner tenants, one per cloud, with the fixed credentials', () => {
    const partners = sim.partners();
    expect(partners.map((p) => p.cloud).sort()).toEqual([...CLOUDS].sort());
    for (const d of DEMO_PARTNERS) expect(partners).toContainEqual(expect.objectContaining({ tenantId: d.tenantId, appId: d.appId, secret: d.secret, cloud: d.cloud }));
    expect(Object.fromEntries(partners.map((p) => [p.cloud, p.currency]))).toEqual({ global: 'USD', usgov: 'USD', germany: 'EUR', china: 'CNY' });
  });

  it('is the same on every run for the same instant', async () => {
    const again = await startSimulator({ clock: new TestClock(START) });
    try {
      expect(again.customers()).toEqual(sim.customers());
      expect(again.subscriptions()).toEqual(sim.subscriptions());
      expect(again.invoices()).toEqual(sim.invoices());
      expect(again.serviceRequests()).toEqual(sim.serviceRequests());
    } finally {
      await again.close();
    }
  });

  it('through the client: 36 customers in the right languages, 1–6 subscriptions each, every lifecycle state', async () => {
    const cultures: Record<string, Set<string>> = {};
    const relationships = new Set<string>();
    const statuses = new Map<string, number>();
    let customers = 0;
    let autoRenewOff = 0;
    let addOns = 0;
    let azurePlans = 0;
    for (const p of sim.partners()) {
      const c = connectorFor(sim, p, clock);
      const page = await c.listCustomers();
      expect(page.continuationToken).toBeNull();
      customers += page.items.length;
      for (const cust of page.items) {
        expect(cust.id).not.toMatch(/^org:/);
        (cultures[p.cloud] ??= new Set()).add(cust.billingProfile!.culture!);
        relationships.add(cust.relationship);
        if (cust.relationship === 'indirect') expect(cust.resellerPartnerId).toMatch(/^\d{7}$/);
        const name = cust.companyName!;
        const culture = cust.billingProfile!.culture;
        if (culture === 'zh-CN') expect(name).toMatch(/[\u4e00-\u9fff]/);
        if (culture === 'ru-RU') expect(name).toMatch(/[\u0400-\u04ff]/);
        if (culture === 'de-DE') expect(name).toMatch(/GmbH|AG|KG|Steuerberatung/);
        const subs = await c.listSubscriptions(cust.id);
        expect(subs.length).toBeGreaterThanOrEqual(1);
        expect(subs.length).toBeLessThanOrEqual(6);
        for (const s of subs) {
          const key = `${s.commerce}:${s.status}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          if (!s.autoRenewEnabled && s.status === 'active') autoRenewOff++;
          if (s.parentSubscriptionId) addOns++;
          if (s.billingType === 'usage') azurePlans++;
        }
      }
    }
    expect(customers).toBe(36);
    expect(cultures).toEqual({
      global: new Set(['en-US', 'ru-RU']),
      usgov: new Set(['en-US']),
      germany: new Set(['de-DE']),
      china: new Set(['zh-CN']),
    });
    expect(relationships).toEqual(new Set(['direct', 'indirect']));
    for (const key of ['nce:active', 'nce:suspended', 'legacy:active', 'legacy:suspended', 'nce:disabled']) expect(statuses.get(key), key).toBeGreaterThan(0);
    expect([...statuses.keys()].some((k) => k.endsWith(':transferring'))).toBe(true);
    expect(statuses.get('nce:disabled')).toBe(1);
    expect(autoRenewOff).toBeGreaterThan(0);
    expect(addOns).toBeGreaterThan(0);
    expect(azurePlans).toBeGreaterThan(0);
    // NCE suspended: auto-renew off, still billed; legacy suspended: not billed
    for (const s of sim.subscriptions().filter((x) => x.status === 'suspended')) {
      expect(s.partnerBilled).toBe(s.commerce === 'nce');
      if (s.commerce === 'nce') expect(s.autoRenewEnabled).toBe(false);
    }
  });

  it('one subscription is renewing (409) and is the only one inside its window', async () => {
    const now = clock.now().getTime();
    const inWindow = sim.subscriptions().filter((s) => s.commitmentEndDate && new Date(s.commitmentEndDate).getTime() - now > 0 && new Date(s.commitmentEndDate).getTime() - now <= DAY);
    expect(inWindow).toHaveLength(1);
    const s = inWindow[0]!;
    const p = sim.partners().find((x) => x.tenantId === s.partnerTenantId)!;
    const err = await rejection(connectorFor(sim, p, clock).setSubscriptionStatus(s.customerId, s.id, 'suspended'));
    expect(err.providerCode).toBe('800082');
  });

  it('invoices with line items whose totals add up; service requests with integer enums', async () => {
    let srs = 0;
    for (const p of sim.partners()) {
      const c = connectorFor(sim, p, clock);
      const invoices = await c.listInvoices();
      expect(invoices.length).toBeGreaterThanOrEqual(2);
      const oneTime = invoices.find((i) => i.invoiceType === 'one_time')!;
      const lines = await c.listInvoiceLineItems(oneTime.id, 'onetime', 'billinglineitems');
      expect(lines.length).toBeGreaterThan(0);
      const cents = (v: unknown) => Math.round(Number(v) * 100);
      expect(lines.reduce((a, l) => a + cents(l.totalForCustomer), 0)).toBe(cents(oneTime.totalCharges));
      expect(typeof lines[0]!.quantity).toBe('string'); // numbers as strings, as in the NCE samples
      const recurring = invoices.find((i) => i.invoiceType === 'recurring')!;
      const office = await c.listInvoiceLineItems(recurring.id, 'office', 'billinglineitems');
      const azure = await c.listInvoiceLineItems(recurring.id, 'azure', 'billinglineitems');
      expect(office.length + azure.length).toBeGreaterThan(0);
      expect(oneTime.currencyCode).toBe(p.currency);
      const list = await c.listServiceRequests();
      srs += list.length;
      for (const sr of list) {
        expect(['minimal', 'moderate', 'critical']).toContain(sr.severity);
        expect(['open', 'closed', 'attention_needed']).toContain(sr.status);
        if (sr.status !== 'closed') expect(sr.lastClosedDate).toBeNull();
      }
    }
    expect(srs).toBeGreaterThanOrEqual(4);
    const raw = sim.requests({ path: /\/v1\/servicerequests$/ }).length;
    expect(raw).toBe(4);
  });
});
