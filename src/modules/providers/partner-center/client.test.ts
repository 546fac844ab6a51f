/**
 * The Partner Center client against the simulator, over real HTTP. No mocks: faults are injected
 * in the simulator, and the simulator's request log shows what went over the wire.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../core/clock.js';
import { ProviderError, type ConnectorConfig } from '../connector.js';
import { startSimulator, type SimPartnerInfo, type Simulator } from '../simulator/server.js';
import { createPartnerCenterConnector, deriveRequestId, type PartnerCenterDeps } from './client.js';
import { explainProviderError } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'empty' });
});
afterAll(async () => {
  await sim.close();
});

/** A fresh partner tenant per test keeps request logs and rate limits apart. */
function partner(): SimPartnerInfo {
  return sim.addPartner({ cloud: 'global' });
}

function client(p: SimPartnerInfo, cfg: Partial<ConnectorConfig> = {}, deps: PartnerCenterDeps = {}, on: Simulator = sim) {
  const sleeps: number[] = [];
  const c = createPartnerCenterConnector(on.connectorConfig(p.tenantId, cfg), {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...deps,
  });
  return { c, sleeps };
}

const apiCalls = (p: SimPartnerInfo, on: Simulator = sim) => on.requests().filter((r) => !r.path.includes('/oauth2/') && r.tenantId === p.tenantId);
const tokenCalls = (p: SimPartnerInfo, on: Simulator = sim) => on.requests().filter((r) => r.path === `/${p.tenantId}/oauth2/v2.0/token`);

async function rejection(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ProviderError) return e;
    throw e;
  }
  throw new Error('expected a ProviderError');
}

describe('authentication', () => {
  it('gets a token once, reuses it, and refreshes once after a 401', async () => {
    const p = partner();
    const cust = sim.addCustomer(p.tenantId, { companyName: 'Contoso' });
    const { c } = client(p);
    await c.getCustomer(cust.id);
    await c.getCustomer(cust.id);
    expect(tokenCalls(p)).toHaveLength(1);
    const form = new URLSearchParams(tokenCalls(p)[0]!.body ?? '');
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'client_credentials',
      client_id: p.appId,
      client_secret: p.secret,
      scope: 'https://api.partnercenter.microsoft.com/.default',
    });

    sim.expireTokens();
    const got = await c.getCustomer(cust.id);
    expect(got.companyName).toBe('Contoso');
    expect(tokenCalls(p)).toHaveLength(2);
    const calls = apiCalls(p);
    const [refused, retried] = calls.slice(-2);
    expect(refused!.status).toBe(401);
    expect(retried!.status).toBe(200);
    expect(retried!.headers['ms-requestid']).toBe(refused!.headers['ms-requestid']);
    expect(retried!.headers.authorization).not.toBe(refused!.headers.authorization);
  });

  it('clients of the same account share one token; another secret is another account', async () => {
    const p = partner();
    const cust = sim.addCustomer(p.tenantId, { companyName: 'Wide World Importers' });
    await Promise.all([client(p).c.getCustomer(cust.id), client(p).c.getCustomer(cust.id), client(p).c.getCustomer(cust.id)]);
    expect(tokenCalls(p)).toHaveLength(1);
    await rejection(client(p, { secret: 'not-it' }).c.getCustomer(cust.id));
    expect(tokenCalls(p)).toHaveLength(2);
  });

  it('refreshes before expiry by the clock, without a 401', async () => {
    const clock = new TestClock('2026-03-01T00:00:00Z');
    const own = await startSimulator({ seed: 'empty', clock, tokenLifetimeSeconds: 3600 });
    try {
      const p = own.addPartner();
      const cust = own.addCustomer(p.tenantId, { companyName: 'Fabrikam' });
      const { c } = client(p, {}, { clock }, own);
      await c.getCustomer(cust.id);
      clock.advance({ minutes: 50 }); // 10 minutes left: the cached token is still used
      await c.getCustomer(cust.id);
      expect(tokenCalls(p, own)).toHaveLength(1);
      clock.advance({ minutes: 6 }); // 4 minutes left: refresh now
      await c.getCustomer(cust.id);
      expect(tokenCalls(p, own)).toHaveLength(2);
      expect(apiCalls(p, own).every((r) => r.status === 200)).toBe(true);
    } finally {
      await own.close();
    }
  });

  it('wrong credentials → provider.auth_failed, without the secret in the message', async () => {
    const p = partner();
    for (const cfg of [{ secret: 'wrong-secret' }, { appId: '00000000-0000-4000-8000-000000000000' }, { partnerTenantId: '11111111-1111-4111-8111-111111111111' }]) {
      const { c } = client(p, cfg);
      const err = await rejection(c.listCustomers());
      expect(err.code).toBe('provider.auth_failed');
      expect(err.retryable).toBe(false);
      expect(err.providerCode).toMatch(/^(invalid_client|unauthorized_client|invalid_request)$/);
      expect(err.providerDescription).toMatch(/^AADSTS\d+/);
      expect(err.message).not.toContain('wrong-secret');
      expect(err.message).not.toContain(p.secret);
    }
    expect(explainProviderError(new ProviderError('provider.auth_failed', 'x', { providerCode: 'invalid_client' })).key).toBe('errors.provider.auth_failed');
  });

  it('a 401 that persists after the refresh is auth_failed', async () => {
    const p = partner();
    const cust = sim.addCustomer(p.tenantId, { companyName: 'Litware' });
    const { c } = client(p);
    sim.faults.inject({ path: `/v1/customers/${cust.id}`, status: 401, times: 2 });
    const err = await rejection(c.getCustomer(cust.id));
    expect(err).toMatchObject({ code: 'provider.auth_failed', status: 401 });
    expect(tokenCalls(p)).toHaveLength(2);
  });
});

describe('headers and request ids', () => {
  it('sends the documented headers; one MS-RequestId per call, reused on retries, a new one for the next call', async () => {
    const p = partner();
    const cust = sim.addCustomer(p.tenantId, { companyName: 'Northwind' });
    const { c, sleeps } = client(p);
    sim.faults.inject({ path: `/v1/customers/${cust.id}`, status: 429, retryAfterSeconds: 2, times: 2 });
    await c.getCustomer(cust.id, { correlationId: 'corr-1' });
    await c.getCustomer(cust.id);
    const calls = apiCalls(p);
    expect(calls.map((r) => r.status)).toEqual([429, 429, 200, 200]);
    const ids = calls.map((r) => r.headers['ms-requestid']);
    expect(ids[0]).toMatch(UUID);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(ids[3]).not.toBe(ids[0]);
    expect(sleeps).toEqual([2000, 2000]);
    const h = calls[0]!.headers;
    expect(h.accept).toBe('application/json');
    expect(h['ms-contract-version']).toBe('v1');
    expect(h['ms-correlationid']).toBe('corr-1');
    expect(h.authorization).toMatch(/^Bearer \S+$/);
    expect(calls[3]!.headers['ms-correlationid']).toMatch(UUID);
  });

  it('uses a given MS-RequestId; a non-UUID idempotency key becomes the same UUID every time', async () => {
    const p = partner();
    const cust = sim.addCustomer(p.tenantId, { companyName: 'Proseware' });
    const { c } = client(p);
    const id = '6a1f3c1e-2b4d-4f5a-9c8b-7d6e5f4a3b2c';
    await c.getCustomer(cust.id, { requestId: id });
    await c.getCustomer(cust.id, { requestId: 'outbox:effect-42' });
    await c.getCustomer(cust.id, { requestId: 'outbox:effect-42' });
    const ids = apiCalls(p).map((r) => r.headers['ms-requestid']);
    expect(ids[0]).toBe(id);
    expect(ids[1]).toMatch(UUID);
    expect(ids[1]).toBe(ids[2]);
    expect(ids[1]).toBe(deriveRequestId('outbox:effect-42'));
  });
});

describe('paging', () => {
  it('customers: size + continuation token (seekOperation=Next, MS-ContinuationToken); org: prefixes dropped', async () => {
    const p = partner();
    const made = Array.from({ length: 7 }, (_, i) => sim.addCustomer(p.tenantId, { companyName: `Customer ${i + 1}`, quirks: { orgPrefix: i === 4 } }));
    const { c } = client(p);
    const seen: string[] = [];
    let token: string | null = null;
    const sizes: number[] = [];
    do {
      const page = await c.listCustomers({ size: 3, continuationToken: token });
      sizes.push(page.items.length);
      seen.push(...page.items.map((x) => x.id));
      token = page.continuationToken;
    } while (token);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(made.map((m) => m.id));
    const calls = apiCalls(p);
    expect(calls[0]!.path).toBe('/v1/customers?size=3');
    expect(calls[0]!.headers['ms-continuationtoken']).toBeUndefined();
    expect(calls[1]!.path).toBe('/v1/customers?size=3&seekOperation=Next');
    expect(calls[1]!.headers['ms-continuationtoken']).toBeTruthy();
    expect(calls[2]!.headers['ms-continuationtoken']).not.toBe(calls[1]!.headers['ms-continuationtoken']);
  });

  it('subscriptions and invoice line items: all pages, both paging styles', async () => {
    const small = await startSimulator({ seed: 'empty', pageSize: 2 });
    try {
      const p = small.addPartner({ cloud: 'germany' });
      const cust = small.addCustomer(p.tenantId, { companyName: 'Müller GmbH', culture: 'de-DE' });
      const subs = Array.from({ length: 5 }, (_, i) => small.addSubscription(cust.id, { offerName: `Offer ${i}`, quirks: { pascalCase: i === 1, quantityAsString: i === 2 } }));
      const { c } = client(p, {}, {}, small);
      const got = await c.listSubscriptions(cust.id);
      expect(got.map((s) => s.id)).toEqual(subs.map((s) => s.id));
      expect(got[1]!.raw.Id).toBe(subs[1]!.id); // PascalCase payload
      expect(got[2]!.quantity).toBe(10); // quantity sent as "10"
      let calls = apiCalls(p, small);
      expect(calls).toHaveLength(3);
      expect(new Set(calls.map((r) => r.headers['ms-requestid'])).size).toBe(3);

      const line = (n: number) => ({ lineNo: n, subtotal: '1.00', totalForCustomer: '1.19' });
      const inv = small.addInvoice(p.tenantId, {
        lineItems: {
          'office/billinglineitems': [1, 2, 3, 4, 5].map(line),
          'onetime/billinglineitems': [1, 2, 3, 4, 5].map(line),
        },
      });
      small.clearRequests();
      const office = await c.listInvoiceLineItems(inv.id, 'office', 'billinglineitems');
      expect(office.map((x) => x.lineNo)).toEqual([1, 2, 3, 4, 5]);
      calls = apiCalls(p, small);
      expect(calls.map((r) => r.path)).toEqual([0, 2, 4].map((o) => `/v1/invoices/${inv.id}/lineitems/office/billinglineitems?size=2000&offset=${o}`));

      small.clearRequests();
      const onetime = await c.listInvoiceLineItems(inv.id, 'onetime', 'billinglineitems');
      expect(onetime.map((x) => x.lineNo)).toEqual([1, 2, 3, 4, 5]);
      calls = apiCalls(p, small);
      expect(calls).toHaveLength(3);
      expect(calls[0]!.path).toBe(`/v1/invoices/${inv.id}/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&size=2000`);
      expect(calls[1]!.path).toContain('&seekOperation=Next');
      expect(calls[1]!.headers['ms-continuationtoken']).toBeTruthy();

      const invoices = await c.listInvoices();
      expect(invoices).toHaveLength(1);
      expect(invoices[0]).toMatchObject({ id: inv.id, totalCharges: '11.9', currencyCode: 'EUR', invoiceType: 'recurring' });
    } finally {
      await small.close();
    }
  });
});

describe('faults', () => {
  it('429 until maxAttempts → rate_limited, retryable, with Retry-After', async () => {
    const p = partner();
    const { c, sleeps } = client(p);
    sim.faults.inject({ path: '/v1/customers', status: 429, retryAfterSeconds: 1, times: Infinity });
    try {
      const err = await rejection(c.listCustomers());
      expect(err).toMatchObject({ code: 'provider.rate_limited', status: 429, retryable: true, retryAfterMs: 1000 });
      expect(err.requestId).toMatch(UUID);
      expect(apiCalls(p)).toHaveLength(5);
      expect(new Set(apiCalls(p).map((r) => r.headers['ms-requestid']))).toEqual(new Set([err.requestId]));
      expect(sleeps).toEqual([1000, 1000, 1000, 1000]);
      expect(explainProviderError(err)).toEqual({ key: 'errors.provider.rate_limited', params: { status: 429, providerCode: '429', detail: expect.any(String) } });
    } finally {
      sim.faults.clear();
    }
  });

  it('503 and 500: retried with bounded exponential backoff, then unavailable', async () => {
    const p = partner();
    sim.addCustomer(p.tenantId, { companyName: 'Tailspin' });
    const { c, sleeps } = client(p, { maxAttempts: 4 }, { random: () => 0.5 });
    sim.faults.inject({ path: '/v1/customers', status: 503, times: 2 });
    expect((await c.listCustomers()).items).toHaveLength(1);
    expect(sleeps).toEqual([375, 750]); // 500·2^(n−1), jitter between half and all of it
    sim.faults.inject({ path: '/v1/customers', status: 500, times: Infinity });
    try {
      const err = await rejection(c.listCustomers());
      expect(err).toMatchObject({ code: 'provider.unavailable', status: 500, providerCode: '800003', retryable: true });
      expect(apiCalls(p).filter((r) => r.status === 500)).toHaveLength(4);
      expect(explainProviderError(err).key).toBe('provider_codes.800003');
    } finally {
      sim.faults.clear();
    }
  });

  it('a response slower than timeoutMs is retried with the same MS-RequestId; always slow → timeout', async () => {
    const p = partner();
    const cust = sim.addCustomer(p.tenantId, { companyName: 'Woodgrove' });
    const { c } = client(p, { timeoutMs: 400, maxAttempts: 2 });
    sim.faults.inject({ path: `/v1/customers/${cust.id}`, delayMs: 1000, times: 1 });
    expect((await c.getCustomer(cust.id)).companyName).toBe('Woodgrove');
    const calls = apiCalls(p);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.headers['ms-requestid']).toBe(calls[1]!.headers['ms-requestid']);

    sim.faults.inject({ path: `/v1/customers/${cust.id}`, delayMs: 1000, times: 2 });
    const err = await rejection(c.getCustomer(cust.id));
    expect(err).toMatchObject({ code: 'provider.timeout', retryable: true });
    expect(err.message).toMatch(/no answer within 400 ms, 2 attempts/);
  });

  it('a dropped connection (ECONNRESET) is retried with the same MS-RequestId; always dropped → unavailable', async () => {
    const p = partner();
    const cust = sim.addCustomer(p.tenantId, { companyName: 'Blue Yonder' });
    const { c, sleeps } = client(p, { maxAttempts: 3 });
    sim.faults.inject({ path: `/v1/customers/${cust.id}`, reset: true, times: 1 });
    expect((await c.getCustomer(cust.id)).companyName).toBe('Blue Yonder');
    const calls = apiCalls(p);
    expect(calls.map((r) => r.status)).toEqual([-1, 200]);
    expect(calls[0]!.headers['ms-requestid']).toBe(calls[1]!.headers['ms-requestid']);
    expect(sleeps).toHaveLength(1);
    sim.faults.inject({ path: `/v1/customers/${cust.id}`, reset: true, times: 3 });
    const err = await rejection(c.getCustomer(cust.id));
    expect(err).toMatchObject({ code: 'provider.unavailable', retryable: true, status: null });
    expect(err.message).toMatch(/connection failed .*3 attempts/);
  });

  it('a body that is not JSON, or not the documented shape → malformed_response naming the place', async () => {
    const p = partner();
    const { c } = client(p);
    sim.faults.inject({ path: '/v1/customers', status: 200, body: '{"totalCount": 1, "items": [{"id": "x",}]}' });
    let err = await rejection(c.listCustomers());
    expect(err).toMatchObject({ code: 'provider.malformed_response', retryable: false });
    expect(err.message).toMatch(/^GET \/v1\/customers: not valid JSON at line 1, column 40: expected a property name/);
    expect(err.requestId).toMatch(UUID);
    sim.faults.inject({ path: '/v1/customers', status: 200, body: '{"items": {"id": "x"}}' });
    err = await rejection(c.listCustomers());
    expect(err.message).toMatch(/collection without an "items" array/);
    sim.faults.inject({ path: '/v1/customers', status: 200, body: '{"items": [{"companyProfile": {}}]}' });
    err = await rejection(c.listCustomers());
    expect(err.message).toMatch(/items\[0\]: customer without an id/);
    expect(apiCalls(p)).toHaveLength(3); // never retried
  });

  it('an error status with a non-JSON body keeps its status meaning', async () => {
    const p = partner();
    const { c } = client(p, { maxAttempts: 1 });
    sim.faults.inject({ path: '/v1/customers', status: 502, body: '<html>Bad gateway</html>' });
    const err = await rejection(c.listCustomers());
    expect(err).toMatchObject({ code: 'provider.unavailable', status: 502, providerCode: null, retryable: true });
  });

  it('nothing listening → unreachable, at once', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const { port: free } = s.address() as AddressInfo;
        s.close(() => resolve(free));
      });
    });
    const dead = `http://127.0.0.1:${port}`;
    const sleeps: number[] = [];
    const c = createPartnerCenterConnector(
      { apiBaseUrl: dead, tokenAuthority: dead, scope: 'x/.default', partnerTenantId: 't', appId: 'a', secret: 's' },
      { sleep: async (ms) => void sleeps.push(ms) },
    );
    const err = await rejection(c.listCustomers());
    expect(err).toMatchObject({ code: 'provider.unreachable', retryable: true });
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(sleeps).toEqual([]);
  });

  it('a caller abort is not turned into a provider error', async () => {
    const p = partner();
    const cust = sim.addCustomer(p.tenantId, { companyName: 'Relecloud' });
    const { c } = client(p);
    sim.faults.inject({ path: `/v1/customers/${cust.id}`, delayMs: 300 });
    const ctl = new AbortController();
    const pending = c.getCustomer(cust.id, { signal: ctl.signal });
    setTimeout(() => ctl.abort(new Error('shutting down')), 50);
    await expect(pending).rejects.toThrow('shutting down');
  });
});

describe('client-side rate limit', () => {
  it('the sixth call inside the window waits for the first to leave it; shared by clients of the tenant', async () => {
    const clock = new TestClock('2026-05-01T00:00:00Z');
    const p = partner();
    const q = partner();
    const cust = sim.addCustomer(p.tenantId, { companyName: 'Coho' });
    const other = sim.addCustomer(q.tenantId, { companyName: 'Fourth Coffee' });
    const sleeps: number[] = [];
    const deps: PartnerCenterDeps = {
      clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance({ ms });
      },
    };
    const limit = { rateLimit: { requests: 5, perMs: 1000 } };
    const a = createPartnerCenterConnector(sim.connectorConfig(p.tenantId, limit), deps);
    const b = createPartnerCenterConnector(sim.connectorConfig(p.tenantId, limit), deps);
    const elsewhere = createPartnerCenterConnector(sim.connectorConfig(q.tenantId, limit), deps);
    for (let i = 0; i < 3; i++) await a.getCustomer(cust.id);
    clock.advance({ ms: 200 });
    await b.getCustomer(cust.id);
    await b.getCustomer(cust.id);
    for (let i = 0; i < 5; i++) await elsewhere.getCustomer(other.id); // another tenant: its own window
    expect(sleeps).toEqual([]);
    await b.getCustomer(cust.id); // sixth in 1000 ms for this tenant
    expect(sleeps).toEqual([800]);
    expect(clock.now().toISOString()).toBe('2026-05-01T00:00:01.000Z');
    expect(apiCalls(p).every((r) => r.status === 200)).toBe(true);
  });
});

describe('service requests', () => {
  it('lists (integer enums in the payload), reads, and adds a note with the documented body', async () => {
    const p = partner();
    const cust = sim.addCustomer(p.tenantId, { companyName: 'Trey Research' });
    const sr = sim.addServiceRequest(p.tenantId, {
      customerId: cust.id,
      title: 'Licenses not assigned',
      severity: 'critical',
      status: 'attention_needed',
      notes: [{ text: 'first', createdByName: 'Partner' }],
    });
    sim.addServiceRequest(p.tenantId, { title: 'Partner-level question', severity: 'minimal', status: 'closed' });
    const { c } = client(p);
    const mine = await c.listServiceRequests(cust.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ id: sr.id, severity: 'critical', status: 'attention_needed', lastClosedDate: null });
    const listRaw = apiCalls(p).at(-1)!;
    expect(listRaw.path).toBe(`/v1/customers/${cust.id}/servicerequests`);
    const all = await c.listServiceRequests();
    expect(all.map((x) => x.status).sort()).toEqual(['attention_needed', 'closed']);
    expect(all.find((x) => x.status === 'closed')!.lastClosedDate).not.toBeNull();

    const after = await c.addServiceRequestNote(sr.id, 'Customer confirmed the workaround.');
    expect(after.notes.map((n) => n.text)).toEqual(['first', 'Customer confirmed the workaround.']);
    const patch = apiCalls(p).at(-1)!;
    expect(patch.method).toBe('PATCH');
    expect(patch.path).toBe(`/v1/servicerequests/${sr.id}`);
    expect(JSON.parse(patch.body!).NewNote).toEqual({ CreatedByName: null, CreatedDate: null, Text: 'Customer confirmed the workaround.' });
    expect((await c.getServiceRequest(sr.id)).notes).toHaveLength(2);
    const missing = await rejection(c.getServiceRequest('999'));
    expect(missing).toMatchObject({ code: 'provider.not_found', status: 404, providerCode: '1000' });
  });
});
