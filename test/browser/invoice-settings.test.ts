import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newId } from '../../src/core/ids.js';
import { openStore } from '../../src/db/store.js';
import { browserSuite, catalog, useDesk } from '../helpers/browser.js';
import { runCli } from '../helpers/processes.js';
import { testConfig } from '../helpers/store.js';

/**
 * Invoice settings and discarding a draft, in Chromium against `partnerdesk serve` (the BUILT
 * dist: run `node scripts/build.mjs` first). The admin opens Invoice settings from the nav, is
 * told that issued invoices keep what they printed, gets the API's field error at the invoice
 * prefix, is told a logo file is too big, uploads a small PNG (preview), sets the partner's name
 * and IBAN and saves: GET /api/partner-profile reads them back. A billing user finds Northwind
 * (no billing e-mail) held in last month's run and discards the draft after the confirmation
 * that its charges go back to uninvoiced: the draft is gone and the charge is still open.
 *
 * Set PARTNERDESK_SCREENSHOT_DIR to keep screenshots of the settings page and the confirmation.
 */

const ADMIN = { email: 'admin@example.com', password: 'settings-horse-battery', role: 'admin' as const };
const BILLING = { email: 'bill@example.com', password: 'discard-horse-battery', role: 'billing' as const };
const NORTHWIND = 'Northwind Traders';
const PARTNER = 'Contoso Cloud Services GmbH';
const IBAN = 'DE89 3704 0044 0532 0130 00';
/** a 1×1 PNG */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const en = catalog('en');

function lastMonth(): { period: string; start: string; end: string } {
  const d = new Date();
  const y = d.getMonth() === 0 ? d.getFullYear() - 1 : d.getFullYear();
  const m = d.getMonth() === 0 ? 12 : d.getMonth();
  const period = `${y}-${String(m).padStart(2, '0')}`;
  return { period, start: `${period}-01`, end: `${period}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}` };
}

/** A JSON call as the signed-in page (its cookies, and the CSRF header the web app sends). */
async function call<T>(page: Page, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'pd_csrf')?.value ?? '';
  const url = new URL(path, page.url()).href;
  const res = method === 'GET' ? await page.request.get(url) : await page.request.post(url, { data: body ?? {}, headers: { 'x-csrf-token': csrf } });
  expect(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

let northwind = '';

browserSuite('invoice settings and discarding a draft in Chromium', () => {
  const desk = useDesk({
    users: [ADMIN, BILLING],
    beforeServe: async (env) => {
      const account = runCli(['provider-account', 'add', '--name', 'Contoso Global', '--cloud', 'global', '--tenant', 't', '--app-id', 'a', '--currency', 'EUR', '--json'], env);
      expect(account.code, account.stderr || account.stdout).toBe(0);
      const store = await openStore(testConfig(env), { command: 'test-seed' });
      try {
        const now = new Date();
        northwind = newId('cus');
        // no billing e-mail: the run holds its draft
        await store.db
          .insertInto('customers')
          .values({ id: northwind, provider_account_id: String((account.json().account as { id: string }).id), tenant_id: newId('t'), company_name: NORTHWIND, country: 'DE', billing_currency: 'EUR', created_at: now, updated_at: now })
          .execute();
      } finally {
        await store.close();
      }
    },
  });

  it('the admin sets the partner name and IBAN', async () => {
    const page = await desk.signIn(ADMIN);
    await page.getByRole('navigation', { name: en('web.nav.label') }).getByRole('link', { name: en('web.nav.invoice_settings') }).click();
    await page.getByRole('heading', { level: 1, name: en('web.invoicing.settings.title') }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/invoicing/settings');
    await page.getByText(en('web.invoicing.settings.issued_keep')).waitFor();
    const name = page.getByLabel(en('web.invoicing.settings.name'), { exact: true });
    expect(await name.inputValue()).toBe('Partnerdesk');

    // the API's field error is shown at its field
    const prefix = page.getByLabel(en('web.invoicing.settings.invoice_prefix'), { exact: true });
    await prefix.fill('IN-V');
    await page.getByRole('button', { name: en('web.common.save') }).click();
    await expect.poll(() => prefix.getAttribute('aria-invalid')).toBe('true');
    const prefixError = page.locator('.field').filter({ has: prefix }).locator('.field-error');
    await prefixError.waitFor();
    expect((await prefixError.textContent())?.trim()).toBeTruthy();
    await prefix.fill('INV');

    // a logo: too big is refused in the browser; a small PNG is previewed
    const logo = page.getByLabel(en('web.invoicing.settings.logo_file'), { exact: true });
    await logo.setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(300 * 1024) });
    await page.getByText(en('web.invoicing.settings.logo_too_big', { size: '300', max: '256' })).waitFor();
    await logo.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') });
    await page.getByRole('img', { name: en('web.invoicing.settings.logo_preview') }).waitFor();

    await name.fill(PARTNER);
    await page.getByLabel(en('web.invoicing.settings.iban')).fill(IBAN);
    await page.getByRole('button', { name: en('web.common.save') }).click();
    await page.getByText(en('web.invoicing.settings.saved')).waitFor();
    await desk.screenshot(page, 'invoice-settings');

    const saved = await call<{ name: string; invoicePrefix: string; logoBase64: string | null; bank: { iban: string | null } }>(page, 'GET', '/api/partner-profile');
    expect(saved.name).toBe(PARTNER);
    expect(saved.bank.iban).toBe(IBAN);
    expect(saved.invoicePrefix).toBe('INV');
    expect(saved.logoBase64).toBe(PNG);
    // and the page shows what was saved after a reload
    await page.reload();
    expect(await page.getByLabel(en('web.invoicing.settings.iban')).inputValue()).toBe(IBAN);
  });

  it('a billing user discards a held draft; its charge is open again', async () => {
    const page = await desk.signIn(BILLING);
    const { period, start, end } = lastMonth();
    await call(page, 'POST', '/api/charges', { customerId: northwind, description: 'Licence review', amount: '80.00', currency: 'EUR', periodStart: start, periodEnd: end });
    const run = await call<{ runId: string; held: number }>(page, 'POST', '/api/invoice-runs', { period });
    expect(run.held).toBe(1);

    await page.goto(`${desk.url}/invoicing/runs/${encodeURIComponent(run.runId)}`);
    const drafts = page.getByRole('table', { name: en('web.invoicing.run.drafts') });
    const row = drafts.getByRole('row').filter({ hasText: NORTHWIND });
    await row.getByText(en('errors.invoicing.hold.no_billing_contact')).waitFor();
    await row.getByRole('button', { name: en('web.invoicing.discard.action'), exact: true }).click();
    const dialog = page.getByRole('dialog', { name: en('web.invoicing.discard.title', { customer: NORTHWIND }) });
    await dialog.getByText(en('web.invoicing.discard.next_run')).waitFor();
    await desk.screenshot(page, 'discard-draft');
    await dialog.getByRole('button', { name: en('web.invoicing.discard.confirm') }).click();
    await page.getByText(en('web.invoicing.discard.done', { customer: NORTHWIND })).waitFor();
    await row.waitFor({ state: 'detached' });
    await page.getByText(en('web.invoicing.run.no_drafts')).waitFor();

    const left = await call<{ total: number }>(page, 'GET', `/api/invoices?customerId=${northwind}&status=draft`);
    expect(left.total).toBe(0);
    const open = await call<{ items: { description: string; invoiceId: string | null }[] }>(page, 'GET', `/api/charges?customerId=${northwind}&open=true`);
    expect(open.items.map((c) => c.description)).toEqual(['Licence review']);
  });
});
