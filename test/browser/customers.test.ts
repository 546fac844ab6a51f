import { expect, it } from 'vitest';
import type { APIRequestContext } from 'playwright-core';
import { browserSuite, catalog, useDesk } from '../helpers/browser.js';

/**
 * Customers and subscriptions in a real browser against `partnerdesk serve` in demo mode (the
 * BUILT dist: run `node scripts/build.mjs` first). Demo mode starts the Partner Center simulator
 * in-process and syncs its customers in the background; the test waits for them, then searches,
 * filters, opens a customer, switches to German, and suspends a subscription through the worker.
 * A viewer sees the same pages without any write action.
 *
 * Set PARTNERDESK_SCREENSHOT_DIR to keep screenshots of the customer list and the German customer page.
 */

const ADMIN = { email: 'ada@example.com', password: 'correct-horse-battery', role: 'admin' as const };
const VIEWER = { email: 'vic@example.com', password: 'viewer-horse-battery', role: 'viewer' as const };
const en = catalog('en');
const de = catalog('de');

interface Customer {
  id: string;
  companyName: string;
  cloud: string;
}
interface Subscription {
  id: string;
  friendlyName: string | null;
  offerName: string | null;
  offerId: string;
  status: string;
  commerce: 'legacy' | 'nce';
  billingType: string;
  parentProviderSubscriptionId: string | null;
}
interface Operation {
  id: string;
  action: string;
  reason: string;
  state: string;
}

browserSuite('customers and subscriptions in Chromium', () => {
  const desk = useDesk({ users: [ADMIN, VIEWER], serveEnv: { PARTNERDESK_DEMO: '1' } });

  async function getJson<T>(request: APIRequestContext, path: string): Promise<T> {
    const res = await request.get(`${desk.url}${path}`);
    expect(res.status(), `GET ${path}`).toBe(200);
    return (await res.json()) as T;
  }

  /** The demo sync runs in the background after start: wait until every account has finished once. */
  async function waitForDemoSync(request: APIRequestContext): Promise<void> {
    await expect
      .poll(async () => (await getJson<{ total: number }>(request, '/api/customers?limit=1')).total, { timeout: 30_000, interval: 500 })
      .toBeGreaterThan(0);
    await expect
      .poll(async () => (await getJson<{ items: { lastSyncAt: string | null }[] }>(request, '/api/provider-accounts')).items.every((a) => a.lastSyncAt), {
        timeout: 30_000,
        interval: 500,
      })
      .toBe(true);
  }

  const nameOf = (s: Subscription) => s.friendlyName || s.offerName || s.offerId;

  it('lists, searches and filters customers, opens one in German, and suspends a subscription', async () => {
    const page = await desk.signIn(ADMIN);
    const url = desk.url;
    await waitForDemoSync(page.request);

    // a customer with an active, licence-based base subscription (the provider refuses to suspend an Azure plan with live Azure subscriptions)
    const all = await getJson<{ items: Customer[]; total: number }>(page.request, '/api/customers?limit=500');
    expect(new Set(all.items.map((c) => c.cloud)).size).toBeGreaterThan(1);
    let target: { customer: Customer; sub: Subscription } | undefined;
    for (const c of all.items) {
      const subs = await getJson<{ items: Subscription[] }>(page.request, `/api/subscriptions?customerId=${c.id}&limit=500`);
      const sub = subs.items.find((s) => s.status === 'active' && s.commerce === 'nce' && s.billingType === 'license' && !s.parentProviderSubscriptionId);
      if (sub) {
        target = { customer: c, sub };
        break;
      }
    }
    expect(target, 'a demo customer with an active NCE licence subscription').toBeDefined();
    const { customer, sub } = target!;

    // the list, from the navigation
    const nav = page.getByRole('navigation', { name: en('web.nav.label') });
    await nav.getByRole('link', { name: en('web.nav.customers') }).click();
    await page.getByRole('heading', { level: 1, name: en('web.customers.title') }).waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/customers');
    await page.getByText(en('web.sync.title'), { exact: true }).waitFor();
    expect(await page.locator('.sync-account').count()).toBe(4);
    await page.locator('table tbody tr').first().waitFor();

    // "Sync now" answers with a summary and reloads
    const synced = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/sync' && r.request().method() === 'POST', { timeout: 60_000 });
    await page.getByRole('button', { name: en('web.sync.now') }).click();
    expect((await synced).status()).toBe(200);
    await page.locator('.toast').filter({ hasText: en('web.sync.done').split(':')[0]! }).first().waitFor();

    // search by name
    await page.getByLabel(en('web.customers.search_label')).fill(customer.companyName);
    await page.getByRole('button', { name: en('web.customers.search'), exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(customer.companyName);
    const row = page.getByRole('link', { name: customer.companyName, exact: true });
    await row.waitFor();
    // every row left matches the query (company name or domain)
    await expect
      .poll(async () => {
        const rows = await page.locator('table tbody tr').allTextContents();
        return rows.length > 0 && rows.length < all.total && rows.every((r) => r.toLowerCase().includes(customer.companyName.toLowerCase()));
      })
      .toBe(true);

    // filter by cloud: only that cloud's badge remains
    await page.getByRole('button', { name: en('web.customers.clear') }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('');
    await page.getByLabel(en('web.customers.filter_cloud')).selectOption(customer.cloud);
    await expect.poll(() => new URL(page.url()).searchParams.get('cloud')).toBe(customer.cloud);
    const cloudLabel = en(`web.clouds.${customer.cloud}`);
    await expect
      .poll(async () => {
        const badges = await page.locator('table tbody .badge-cloud').allTextContents();
        return badges.length > 0 && badges.every((b) => b === cloudLabel);
      })
      .toBe(true);
    await desk.screenshot(page, 'customers');

    // the customer page, with its subscriptions and their status badges
    await page.goto(`${url}/customers?cloud=${customer.cloud}&q=${encodeURIComponent(customer.companyName)}`);
    await page.getByRole('link', { name: customer.companyName, exact: true }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/customers/${customer.id}`);
    await page.getByRole('heading', { level: 1, name: customer.companyName }).waitFor();
    await page.getByRole('heading', { name: en('web.subscriptions.title') }).waitFor();
    const subRow = page.locator(`tr[data-subscription="${sub.id}"]`);
    await subRow.getByText(nameOf(sub), { exact: true }).waitFor();
    await subRow.locator('.badge', { hasText: en('web.subscriptions.status.active') }).waitFor();
    expect(await page.locator('table.table-subs tbody .badge-dot').count()).toBeGreaterThan(0);

    // German, for good
    await page.getByLabel(en('web.lang.label'), { exact: true }).selectOption('de');
    await page.getByRole('heading', { name: de('web.subscriptions.title') }).waitFor();
    await page.getByRole('heading', { name: de('web.customer.profile.title') }).waitFor();
    await expect.poll(() => page.title()).toBe(`${de('web.customers.title')} · Partnerdesk`);
    await subRow.locator('.badge', { hasText: de('web.subscriptions.status.active') }).waitFor();
    await desk.screenshot(page, 'customer-de');

    // local settings: saved with PATCH, kept by the server
    await page.getByLabel(de('web.customer.settings.terms')).fill('14');
    await page.getByLabel(de('web.customer.settings.tax_mode')).selectOption('reverse_charge');
    await page.getByLabel(de('web.customer.settings.vat_id')).fill('DE123456789');
    const patched = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/customers/${customer.id}` && r.request().method() === 'PATCH');
    await page.getByRole('button', { name: de('web.common.save') }).click();
    expect((await patched).status()).toBe(200);
    await page.locator('.toast').filter({ hasText: de('web.customer.settings.saved', { name: customer.companyName }) }).waitFor();
    expect(await getJson(page.request, `/api/customers/${customer.id}`)).toMatchObject({ paymentTermsDays: 14, taxSettings: { mode: 'reverse_charge', vatId: 'DE123456789' } });
    expect(await page.getByLabel(de('web.customer.settings.terms')).inputValue()).toBe('14');

    // fraud review: flag with a note, then clear (after a confirm)
    await page.getByRole('button', { name: de('web.customer.fraud.flag') }).click();
    const fraud = page.getByRole('dialog', { name: de('web.customer.fraud.title', { name: customer.companyName }) });
    await fraud.getByLabel(de('web.customer.fraud.note')).fill('Kreditkarte zurückgebucht');
    await fraud.getByRole('button', { name: de('web.customer.fraud.submit') }).click();
    await fraud.waitFor({ state: 'hidden' });
    await page.getByText('Kreditkarte zurückgebucht').waitFor();
    expect((await getJson<{ fraudReviewNote: string | null }>(page.request, `/api/customers/${customer.id}`)).fraudReviewNote).toBe('Kreditkarte zurückgebucht');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: de('web.customer.fraud.clear') }).click();
    await page.getByRole('button', { name: de('web.customer.fraud.flag') }).waitFor();
    expect((await getJson<{ fraudReviewAt: string | null }>(page.request, `/api/customers/${customer.id}`)).fraudReviewAt).toBeNull();

    // suspend (non-payment): the dialog warns that new commerce keeps billing
    await subRow.getByRole('button', { name: de('web.subscriptions.suspend.named', { name: nameOf(sub) }) }).click();
    const dialog = page.getByRole('dialog', { name: de('web.subscriptions.suspend.title', { name: nameOf(sub) }) });
    await dialog.waitFor();
    await dialog.getByText(de('web.subscriptions.suspend.nce_title')).waitFor();
    await dialog.getByLabel(de('web.subscriptions.suspend.reason')).selectOption('non_payment');
    const requested = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/subscriptions/${sub.id}/suspend`);
    await dialog.getByRole('button', { name: de('web.subscriptions.suspend.submit') }).click();
    expect((await requested).status()).toBe(202);
    await dialog.waitFor({ state: 'hidden' });

    // the operation shows up in the row's history (requested, then confirmed by the worker)
    const history = page.locator('tr.row-details .ops');
    await history.getByText(de('web.subscriptions.actions.suspend'), { exact: true }).first().waitFor();
    await history
      .locator('.badge', { hasText: new RegExp(`^(${de('web.subscriptions.op_states.requested')}|${de('web.subscriptions.op_states.confirmed')})$`) })
      .first()
      .waitFor();
    await expect
      .poll(async () => (await getJson<{ items: Operation[] }>(page.request, `/api/subscriptions/${sub.id}/operations`)).items[0], { timeout: 30_000, interval: 500 })
      .toMatchObject({ action: 'suspend', reason: 'non_payment', state: 'confirmed' });

    await page.reload();
    await page.getByRole('heading', { name: de('web.subscriptions.title') }).waitFor();
    await subRow.locator('.badge', { hasText: de('web.subscriptions.status.suspended') }).waitFor();
    await subRow.getByText(de('web.subscriptions.billed_while_suspended')).waitFor();
    await subRow.getByRole('button', { name: de('web.subscriptions.reactivate.named', { name: nameOf(sub) }) }).waitFor();
    await desk.screenshot(page, 'customer-suspended-de');
  }, 180_000);

  it('shows a viewer the same pages without write actions', async () => {
    const page = await desk.signIn(VIEWER);
    await waitForDemoSync(page.request);
    const nav = page.getByRole('navigation', { name: en('web.nav.label') });
    await nav.getByRole('link', { name: en('web.nav.customers') }).click();
    await page.getByRole('heading', { level: 1, name: en('web.customers.title') }).waitFor();
    const first = page.locator('table tbody tr a.row-link').first();
    await first.waitFor();
    expect(await page.getByRole('button', { name: en('web.sync.now') }).count()).toBe(0);

    await first.click();
    await page.getByRole('heading', { name: en('web.subscriptions.title') }).waitFor();
    await page.locator('table.table-subs tbody tr').first().waitFor();
    await page.getByText(en('web.customer.settings.read_only')).waitFor();
    expect(await page.getByRole('button', { name: en('web.customer.fraud.flag') }).count()).toBe(0);
    expect(await page.getByRole('button', { name: en('web.subscriptions.actions.suspend'), exact: true }).count()).toBe(0);
    expect(await page.locator('table.table-subs button', { hasText: en('web.subscriptions.actions.suspend') }).count()).toBe(0);
    expect(await page.getByLabel(en('web.customer.settings.currency')).isDisabled()).toBe(true);

    // the subscriptions page opens on drift
    await nav.getByRole('link', { name: en('web.nav.subscriptions') }).click();
    await page.getByRole('heading', { level: 1, name: en('web.subscriptions.page.title') }).waitFor();
    await page.getByRole('button', { name: en('web.subscriptions.page.tab_all') }).click();
    await page.locator('table tbody tr').first().waitFor();
  }, 120_000);
});
