import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeUser, signIn, testApp } from '../helpers/http.js';
import { cliActor } from '../../src/db/tx.js';
import { parseMoney } from '../../src/core/money.js';
import { dispatchDue } from '../../src/jobs/dispatcher.js';
import { registerEffects } from '../../src/jobs/definitions.js';
import { syncAccount } from '../../src/modules/customers/sync-customers.js';
import { findAccount } from '../../src/modules/providers/accounts.repo.js';
import { createAccount } from '../../src/modules/providers/manage-accounts.js';
import { receiveWebhook } from '../../src/modules/providers/webhooks.js';
import { startSimulator, type Simulator } from '../../src/modules/providers/simulator/server.js';
import { findByNumber, lineSums, unmatchedGroups } from '../../src/modules/provider-billing/invoices.repo.js';
import { syncProviderInvoices } from '../../src/modules/provider-billing/sync-invoices.js';
import { tieOut } from '../../src/modules/provider-billing/tie-out.js';

/**
 * Provider invoices through the Partner Center API (the simulator over HTTP): each becomes a payable,
 * its billing line items (all pages) are imported, and Σ lines ties to the invoice total to the cent.
 */
describe.each(['germany', 'china'] as const)('provider invoice sync (%s cloud)', (cloud) => {
  let deps: TestDeps;
  let sim: Simulator;
  let accountId: string;
  let tenant: string;
  const actor = cliActor('test');

  beforeAll(async () => {
    deps = await createTestDeps({ now: '2026-11-12T08:00:00Z' });
    registerEffects(deps);
    // small pages, so that line items come in several pages
    sim = await startSimulator({ port: 0, seed: 'demo', clock: deps.clock, pageSize: 3 });
    const p = sim.partners().find((x) => x.cloud === cloud)!;
    tenant = p.tenantId;
    accountId = (await createAccount(deps, actor, { name: cloud, cloud, partnerTenantId: p.tenantId, appId: p.appId, secret: p.secret, apiBaseUrl: sim.url, tokenAuthority: sim.url, supportEntitlements: [] })).id;
    expect((await syncAccount(deps, actor, accountId, { trigger: 'test' })).state).toBe('done');
  });
  afterAll(async () => {
    await sim.close();
    await deps.dispose();
  });

  it('creates one payable per provider invoice and ties every invoice to its lines to the cent', async () => {
    const upstream = sim.invoices(tenant);
    expect(upstream.length).toBeGreaterThanOrEqual(2);
    const r = await syncProviderInvoices(deps, actor, accountId);
    expect(r.errors).toEqual([]);
    expect(r).toMatchObject({ invoices: upstream.length, created: upstream.length, updated: 0 });
    for (const u of upstream) {
      const inv = (await findByNumber(deps.db, accountId, u.id))!;
      expect(inv.payee).toBe(cloud === 'china' ? '21vianet' : 'microsoft');
      expect(inv.total).toBe(parseMoney(u.totalCharges, u.currencyCode).amount);
      expect(inv.linesImportedAt).not.toBeNull();
      const billedGroups = Object.entries(u.lineItems).filter(([k]) => !k.endsWith('usagelineitems'));
      expect(inv.lineItemCounts).toEqual(Object.fromEntries(billedGroups.map(([k, items]) => [k, items.length])));
      const t = tieOut({ currency: inv.currency, invoiceTotal: inv.total, expectedLines: billedGroups.reduce((n, [, items]) => n + items.length, 0), sums: await lineSums(deps.db, accountId, inv.invoiceNumber) });
      expect(t).toMatchObject({ status: 'tied', difference: 0n });
    }
    // every customer and subscription of the lines is known after the customer sync (Azure usage
    // lines name the Azure subscriptions under the plan; license lines the Partner Center id)
    expect(await unmatchedGroups(deps.db, { accountId, limit: 10 })).toEqual([]);
    const imports = await deps.db.selectFrom('recon_imports').select('unmatched').where('provider_account_id', '=', accountId).execute();
    expect(imports.length).toBeGreaterThan(0);
    for (const i of imports) expect(i.unmatched).toEqual({ customers: 0, subscriptions: 0 });
  });

  it('adds nothing when run again', async () => {
    const lines = await deps.db.selectFrom('recon_lines').select(deps.db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
    const r = await syncProviderInvoices(deps, actor, accountId);
    expect(r).toMatchObject({ created: 0, updated: 0, linesImported: [], errors: [] });
    expect(await deps.db.selectFrom('recon_lines').select(deps.db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).toEqual(lines);
  });

  it('imports an invoice again by reference through the imports API, adding nothing new', async () => {
    const app = await testApp(deps);
    try {
      const billing = await signIn(app, (await makeUser(deps, 'billing')).email);
      const inv = (await findByNumber(deps.db, accountId, sim.invoices(tenant)[0]!.id))!;
      const res = await app.inject({ method: 'POST', url: '/api/provider-billing/imports', headers: billing.headers, payload: { providerInvoiceId: inv.id } });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ providerInvoiceId: inv.id, invoiceNumber: inv.invoiceNumber, errors: [] });
      expect(body.imports.length).toBe(Object.keys(inv.lineItemCounts).length);
      for (const i of body.imports) expect(i).toMatchObject({ imported: 0, duplicates: i.rows });
    } finally {
      await app.close();
    }
  });

  it('imports a new invoice when invoice-ready arrives, and retries line items the provider failed to serve', async () => {
    const source = sim.invoices(tenant).find((i) => i.lineItems['onetime/billinglineitems']?.length)!;
    const items = source.lineItems['onetime/billinglineitems']!.map((l) => ({ ...l, invoiceNumber: 'G099000001' }));
    const inv = sim.addInvoice(tenant, { id: 'G099000001', invoiceType: 'OneTime', invoiceDate: '2026-11-12T00:00:00Z', currencyCode: source.currencyCode, lineItems: { 'onetime/billinglineitems': items }, quirks: source.quirks });
    sim.faults.inject({ path: /lineitems/i, status: 403, times: 1 });
    const account = (await findAccount(deps.db, accountId))!;
    const key = deps.secrets.decrypt(account.webhookSecretEnc!);
    const w = await receiveWebhook(deps, accountId, key, { EventName: 'invoice-ready', ResourceUri: `https://api.partnercenter.microsoft.com/v1/invoices/${inv.id}`, ResourceChangeUtcDate: '2026-11-12T08:00:00Z' });
    expect(w.state).toBe('handled');
    await dispatchDue(deps);
    let mine = (await findByNumber(deps.db, accountId, inv.id))!;
    expect(mine).toBeDefined(); // the payable is there even though its lines failed
    expect(mine.linesImportedAt).toBeNull();
    // the provider error is retryable: the effect is due again after its backoff, and then succeeds
    deps.clock.advance({ minutes: 5 });
    await dispatchDue(deps);
    mine = (await findByNumber(deps.db, accountId, inv.id))!;
    expect(mine.linesImportedAt).not.toBeNull();
    const t = tieOut({ currency: mine.currency, invoiceTotal: mine.total, expectedLines: null, sums: await lineSums(deps.db, accountId, inv.id) });
    expect(t.status).toBe('tied');
  });
});
