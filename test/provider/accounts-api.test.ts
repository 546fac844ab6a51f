import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeUser, signIn, testApp, type Session } from '../helpers/http.js';
import { makeAccount, makeCustomer } from '../helpers/fixtures.js';

describe('provider accounts and customers API', () => {
  let deps: TestDeps;
  let app: FastifyInstance;
  let admin: Session;
  let billing: Session;
  beforeAll(async () => {
    deps = await createTestDeps();
    app = await testApp(deps);
    admin = await signIn(app, (await makeUser(deps, 'admin')).email);
    billing = await signIn(app, (await makeUser(deps, 'billing')).email);
  });
  afterAll(async () => {
    await app.close();
    await deps.dispose();
  });

  it('creates accounts with cloud defaults; the secret is stored encrypted and never returned or audited', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/provider-accounts',
      headers: admin.headers,
      payload: { name: 'China', cloud: 'china', partnerTenantId: 'b1c2', appId: 'app-1', secret: 'very-secret-value', supportEntitlements: [{ type: 'premier', contractId: 'PSP-1' }] },
    });
    expect(res.statusCode).toBe(201);
    const a = res.json();
    expect(a).toMatchObject({
      cloud: 'china',
      payee: '21vianet',
      currency: 'CNY',
      apiBaseUrl: 'https://partner.partnercenterapi.microsoftonline.cn',
      hasSecret: true,
      supportEntitlements: [{ type: 'commercial' }, { type: 'premier', contractId: 'PSP-1' }],
    });
    expect(JSON.stringify(a)).not.toContain('very-secret-value');
    const row = await deps.db.selectFrom('provider_accounts').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row.secret_enc).toMatch(/^v1:/);
    expect(deps.secrets.decrypt(row.secret_enc!)).toBe('very-secret-value');
    const audit = await deps.db.selectFrom('audit_log').selectAll().where('entity_id', '=', a.id).execute();
    expect(JSON.stringify(audit.map((x) => [x.before, x.after]))).not.toMatch(/very-secret-value|v1:/);
    const got = (await app.inject({ method: 'GET', url: `/api/provider-accounts/${a.id}`, headers: { cookie: billing.cookie } })).json();
    expect(JSON.stringify(got)).not.toMatch(/very-secret-value|secretEnc|v1:/);

    const dup = await app.inject({ method: 'POST', url: '/api/provider-accounts', headers: admin.headers, payload: { name: 'x', cloud: 'china', partnerTenantId: 'b1c2', appId: 'a' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'providers.account_exists', field: '/partnerTenantId' });
    const notAdmin = await app.inject({ method: 'POST', url: '/api/provider-accounts', headers: billing.headers, payload: { name: 'y', cloud: 'global', partnerTenantId: 'z', appId: 'a' } });
    expect(notAdmin.statusCode).toBe(403);
  });

  it('gives each cloud its payee, endpoint and deletion horizon defaults', async () => {
    for (const [cloud, payee] of [
      ['global', 'microsoft'],
      ['usgov', 'microsoft'],
      ['germany', 'microsoft'],
      ['china', '21vianet'],
    ] as const) {
      const a = await makeAccount(deps, { cloud });
      expect(a.payee).toBe(payee);
    }
  });

  it('changes local customer fields and keeps the customer scope for customer users', async () => {
    const mine = await makeCustomer(deps, { companyName: 'Fabrikam' });
    const other = await makeCustomer(deps, { companyName: 'Northwind' });
    const r = await app.inject({
      method: 'PATCH',
      url: `/api/customers/${mine}`,
      headers: billing.headers,
      payload: { localeOverride: 'de', paymentTermsDays: 14, segment: 'enterprise', billingCurrency: 'EUR', taxSettings: { mode: 'reverse_charge', vatId: 'DE123456789' } },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ locale: 'de', localeOverride: 'de', paymentTermsDays: 14, segment: 'enterprise', billingCurrency: 'EUR', taxSettings: { mode: 'reverse_charge' } });
    const bad = await app.inject({ method: 'PATCH', url: `/api/customers/${mine}`, headers: billing.headers, payload: { billingCurrency: 'XYZ' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('/billingCurrency');

    const cu = await signIn(app, (await makeUser(deps, { customerId: mine })).email);
    const list = (await app.inject({ method: 'GET', url: '/api/customers', headers: { cookie: cu.cookie } })).json();
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([mine]);
    expect((await app.inject({ method: 'GET', url: `/api/customers/${other}`, headers: { cookie: cu.cookie } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/api/customers/${mine}`, headers: { cookie: cu.cookie } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'PATCH', url: `/api/customers/${mine}`, headers: cu.headers, payload: { segment: 'x' } })).statusCode).toBe(403);
  });

  it('searches and filters customers', async () => {
    await makeCustomer(deps, { companyName: 'Contoso Pharma' });
    const res = (await app.inject({ method: 'GET', url: '/api/customers?q=contoso%20ph', headers: { cookie: billing.cookie } })).json();
    expect(res.items.map((c: { companyName: string }) => c.companyName)).toEqual(['Contoso Pharma']);
    const none = (await app.inject({ method: 'GET', url: '/api/customers?q=%25', headers: { cookie: billing.cookie } })).json();
    expect(none.total).toBe(0); // a literal %, not a wildcard
    const bad = await app.inject({ method: 'GET', url: '/api/customers?cloud=mars', headers: { cookie: billing.cookie } });
    expect(bad.statusCode).toBe(400);
  });
});
