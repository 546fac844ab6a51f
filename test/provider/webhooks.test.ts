import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeUser, signIn, testApp } from '../helpers/http.js';
import { makeAccount, makeCustomer, makeSubscription } from '../helpers/fixtures.js';
import { ROOT } from '../../src/paths.js';

const SAMPLES = `${ROOT}/../shared/reference/partner-center/docs-api-samples/webhooks`;
const sample = (name: string, vars: Record<string, string> = {}) => {
  let text = readFileSync(`${SAMPLES}/webhook-event_${name}.json`, 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{{${k}}}`, v);
  return JSON.parse(text) as Record<string, unknown>;
};

describe('Partner Center webhooks in', () => {
  let deps: TestDeps;
  let app: FastifyInstance;
  let url: string;
  let accountId: string;
  beforeAll(async () => {
    deps = await createTestDeps();
    app = await testApp(deps);
    accountId = (await makeAccount(deps)).id;
    const admin = await signIn(app, (await makeUser(deps, 'admin')).email);
    const registered = new URL((await app.inject({ method: 'GET', url: `/api/provider-accounts/${accountId}/webhook`, headers: { cookie: admin.cookie } })).json().url);
    url = registered.pathname + registered.search;
  });
  afterAll(async () => {
    await app.close();
    await deps.dispose();
  });

  const post = (payload: unknown, path = url) => app.inject({ method: 'POST', url: path, payload: payload as Record<string, unknown> });

  it('refuses a missing or wrong key', async () => {
    const plain = url.split('?')[0]!;
    expect((await post(sample('test-created'), plain)).statusCode).toBe(401);
    const wrong = await post(sample('test-created'), `${plain}?key=nope`);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('providers.webhook_unauthenticated');
  });

  it('accepts the documented test event', async () => {
    const r = await post(sample('test-created', { CorrelationId: 'c-1' }));
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ duplicate: false, state: 'handled' });
  });

  it('turns subscription-updated into one re-sync effect, once per event', async () => {
    const ev = sample('subscription-updated', { CustomerId: 'org:tenant-42', SubscriptionId: 'sub-9' });
    const a = await post(ev);
    const b = await post(ev);
    expect(a.json()).toMatchObject({ state: 'handled', duplicate: false });
    expect(b.json()).toMatchObject({ duplicate: true, eventId: a.json().eventId });
    const fx = await deps.db.selectFrom('outbox').selectAll().where('effect', '=', 'provider.sync_customer').execute();
    expect(fx).toHaveLength(1);
    expect(fx[0]!.payload).toMatchObject({ accountId, tenantId: 'tenant-42' });
  });

  it('flags the customer of an Azure fraud event for review, and suspends nothing', async () => {
    const customer = await makeCustomer(deps, { accountId });
    const subId = await makeSubscription(deps, customer, { providerId: 'azure-sub-1' });
    const r = await post(sample('azure-fraud-event-detected', { subscriptionId: 'azure-sub-1', eventStatus: 'Active' }));
    expect(r.json().state).toBe('handled');
    const c = await deps.db.selectFrom('customers').selectAll().where('id', '=', customer).executeTakeFirstOrThrow();
    expect(c.fraud_review_at).not.toBeNull();
    const s = await deps.db.selectFrom('subscriptions').selectAll().where('id', '=', subId).executeTakeFirstOrThrow();
    expect(s.status).toBe('active');
    expect(await deps.db.selectFrom('subscription_operations').selectAll().execute()).toEqual([]);
  });

  it('finds the customer of a fraud event by an Azure subscription under its Azure plan', async () => {
    const customer = await makeCustomer(deps, { accountId });
    const plan = await makeSubscription(deps, customer, { providerId: 'azure-plan-1' });
    await deps.db.updateTable('subscriptions').set({ azure_entitlements: JSON.stringify([{ id: 'b1c2d3e4-0000-4000-8000-00000000abcd', friendlyName: 'Prod', status: 'active' }]) }).where('id', '=', plan).execute();
    const r = await post(sample('azure-fraud-event-detected', { subscriptionId: 'B1C2D3E4-0000-4000-8000-00000000ABCD', eventStatus: 'Active' }));
    expect(r.json()).toMatchObject({ state: 'handled', note: `customer ${customer} flagged for fraud review` });
  });

  it('turns invoice-ready into one invoice import effect, keeps unknown events, and rejects malformed events', async () => {
    const ready = sample('invoice-ready', { InvoiceId: 'G000123' });
    expect((await post(ready)).json()).toMatchObject({ state: 'handled', note: 'import invoice G000123' });
    expect((await post(ready)).json().duplicate).toBe(true);
    const fx = await deps.db.selectFrom('outbox').selectAll().where('effect', '=', 'provider_billing.sync_invoices').execute();
    expect(fx.map((f) => f.payload)).toEqual([expect.objectContaining({ accountId, invoiceNumber: 'G000123' })]);
    expect((await post({ EventName: 'something-new', ResourceUri: 'x' })).json().state).toBe('ignored');
    const bad = await post({ ResourceUri: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('/EventName');
  });
});
