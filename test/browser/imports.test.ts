import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../../src/paths.js';
import { canonicalColumns } from '../../src/modules/provider-billing/formats/columns.js';
import { writeCsvRow } from '../../src/modules/provider-billing/formats/csv.js';
import { runCli, startServe, storeEnv, type Served } from '../helpers/processes.js';

/**
 * Provider billing → Imports in a real browser against `partnerdesk serve` (the BUILT dist: run
 * `node scripts/build.mjs` first), without demo data: one provider account added on the command
 * line. An admin uploads a valid NCE invoice CSV and sees the counts and the totals, then a file
 * with a bad currency and sees the rejected row; the page switches to German. A viewer sees the
 * page with the upload disabled.
 *
 * Set PARTNERDESK_SCREENSHOT_DIR to keep screenshots of the import result and the rejection.
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ADMIN = { email: 'ada@example.com', password: 'correct-horse-battery' };
const VIEWER = { email: 'vic@example.com', password: 'viewer-horse-battery' };

type Messages = { [key: string]: string | Messages };
function catalog(locale: 'en' | 'de'): (key: string, params?: Record<string, string>) => string {
  const root = JSON.parse(readFileSync(join(ROOT, 'locales', `${locale}.json`), 'utf8')) as Messages;
  return (key, params = {}) => {
    let node: string | Messages | undefined = root;
    for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
    if (typeof node !== 'string') throw new Error(`no message ${key} in ${locale}.json`);
    // plain {name} arguments only (enough for the labels used here)
    return node.replace(/\{(\w+)\}/g, (m, k: string) => params[k] ?? m);
  };
}
const en = catalog('en');
const de = catalog('de');

const header = canonicalColumns('nce_invoice');
const csv = (rows: Record<string, string>[]) => [writeCsvRow(header, ','), ...rows.map((v) => writeCsvRow(header.map((c) => v[c] ?? ''), ','))].join('\n') + '\n';
const row = (i: number, over: Record<string, string> = {}) => ({
  CustomerId: 'c-1',
  InvoiceNumber: 'G1',
  OrderId: `o-${i}`,
  ProductId: 'P',
  SkuId: '0001',
  AvailabilityId: 'A',
  ChargeType: 'cycleCharge',
  UnitPrice: '5.00',
  EffectiveUnitPrice: '5.00',
  Quantity: '2',
  BillableQuantity: '2',
  Subtotal: '10.00',
  TaxTotal: '1.90',
  Total: '11.90',
  Currency: 'EUR',
  PCToBCExchangeRate: '1',
  SubscriptionId: `s-${i}`,
  ChargeStartDate: '2026-10-01',
  ChargeEndDate: '2026-10-31',
  ...over,
});

const hasChromium = existsSync(CHROMIUM);
// Without a browser: skip locally, but never silently on CI.
const suite = hasChromium || process.env.CI ? describe : describe.skip;
const title = hasChromium || process.env.CI ? 'provider billing imports in Chromium' : `provider billing imports in Chromium (skipped: ${CHROMIUM} not found; with CI set this fails)`;

suite(title, () => {
  let store: ReturnType<typeof storeEnv> | undefined;
  let served: Served | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing: the browser tests cannot run on CI without it`);
    if (!existsSync(join(ROOT, 'dist', 'web', 'index.html'))) throw new Error('dist/web is not built: run `node scripts/build.mjs` first');
    store = storeEnv();
    // before serve: the embedded store allows one process at a time
    for (const [u, role] of [
      [ADMIN, 'admin'],
      [VIEWER, 'viewer'],
    ] as const) {
      const created = runCli(['user', 'create', '--email', u.email, '--role', role, '--password', u.password, '--json'], store.env);
      expect(created.code, created.stderr || created.stdout).toBe(0);
    }
    const account = runCli(['provider-account', 'add', '--name', 'G', '--cloud', 'global', '--tenant', 't', '--app-id', 'a', '--json'], store.env);
    expect(account.code, account.stderr || account.stdout).toBe(0);
    served = await startServe({ ...store.env, PARTNERDESK_DEMO: '0' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close().catch(() => {});
    await served?.stop();
    await store?.cleanup();
  });

  async function signIn(user: { email: string; password: string }): Promise<Page> {
    const context = await browser!.newContext({ locale: 'en-US', viewport: { width: 1360, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${served!.url}/login`);
    await page.getByLabel(en('web.login.email')).fill(user.email);
    await page.getByLabel(en('web.login.password')).fill(user.password);
    await page.getByRole('button', { name: en('web.login.submit') }).click();
    await page.getByRole('heading', { level: 1, name: en('web.dashboard.title') }).waitFor();
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    const dir = process.env.PARTNERDESK_SCREENSHOT_DIR;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}-${process.env.PARTNERDESK_TEST_STORE ?? 'pglite'}.png`), fullPage: true });
  }

  it('imports a CSV, shows counts and totals, lists it, rejects a bad file with its rows, and speaks German', async () => {
    const page = await signIn(ADMIN);
    await page.getByRole('navigation', { name: en('web.nav.label') }).getByRole('link', { name: en('web.nav.provider_billing') }).click();
    await page.getByRole('heading', { level: 1, name: en('web.provider_billing.title') }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/provider-billing/imports');
    await page.getByText(en('web.provider_billing.list.empty')).waitFor();

    // the only account is chosen already; the format is detected
    const upload = page.getByRole('form', { name: en('web.provider_billing.upload.title') });
    await expect.poll(() => upload.getByLabel(en('web.provider_billing.upload.account')).inputValue()).not.toBe('');
    await upload.getByLabel(en('web.provider_billing.upload.file')).setInputFiles({ name: 'oct.csv', mimeType: 'text/csv', buffer: Buffer.from(csv([row(1), row(2)])) });
    await upload.getByRole('button', { name: en('web.provider_billing.upload.submit') }).click();

    const result = page.getByRole('region', { name: en('web.provider_billing.result.label') });
    await result.getByText(en('web.provider_billing.result.imported_title', { file: 'oct.csv' })).waitFor();
    const count = async (key: string) => (await result.locator('dl div', { has: page.getByText(en(key), { exact: true }) }).locator('dd').textContent())?.trim();
    expect(await count('web.provider_billing.result.imported')).toBe('2');
    expect(await count('web.provider_billing.result.replaced')).toBe('0');
    const totals = result.getByRole('table', { name: en('web.provider_billing.result.totals') });
    const eur = totals.getByRole('row').filter({ hasText: 'EUR' });
    await expect.poll(async () => (await eur.getByRole('cell').allTextContents()).map((s) => s.replace(/\s/g, ' '))).toEqual(['EUR', '€20.00', '€3.80', '€23.80']);

    // the list shows it
    const list = page.getByRole('table', { name: en('web.provider_billing.list.title') });
    const listed = list.getByRole('row').filter({ hasText: 'oct.csv' });
    await listed.waitFor();
    await expect.poll(() => listed.textContent()).toContain(en('web.provider_billing.formats.nce_invoice'));
    await expect.poll(() => listed.textContent()).toContain('€23.80');
    await expect.poll(() => listed.textContent()).toContain(ADMIN.email);
    await screenshot(page, 'imports-result');

    // a bad currency on the second data row (line 3): rejected, its row listed, nothing stored
    await upload.getByLabel(en('web.provider_billing.upload.file')).setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv([row(3), row(4, { Currency: 'XYZ' })])) });
    await upload.getByRole('button', { name: en('web.provider_billing.upload.submit') }).click();
    const rejected = page.getByRole('region', { name: en('web.provider_billing.result.rejected_label') });
    await rejected.getByRole('alert').waitFor();
    const bad = rejected.getByRole('table').getByRole('row').filter({ hasText: 'XYZ' });
    await bad.waitFor();
    const cells = await bad.getByRole('cell').allTextContents();
    expect(cells[0]).toBe('3');
    expect(cells[2]).toBe('XYZ');
    expect(cells[3]).toContain('XYZ');
    await screenshot(page, 'imports-rejected');
    await expect.poll(() => list.getByRole('row').filter({ hasText: 'bad.csv' }).count()).toBe(0);

    // German
    await page.getByLabel(en('web.lang.label'), { exact: true }).selectOption('de');
    await page.getByRole('heading', { level: 1, name: de('web.provider_billing.title') }).waitFor();
    await expect.poll(() => page.title()).toBe(`${de('web.provider_billing.title')} · Partnerdesk`);
    await page.getByRole('button', { name: de('web.provider_billing.upload.submit') }).waitFor();
    await expect.poll(() => page.getByRole('table', { name: de('web.provider_billing.list.title') }).getByRole('row').filter({ hasText: 'oct.csv' }).textContent()).toMatch(/23,80\s€/);
  }, 120_000);

  it('shows a viewer the past imports with the upload disabled', async () => {
    const page = await signIn(VIEWER);
    await page.goto(`${served!.url}/provider-billing/imports`);
    await page.getByRole('heading', { level: 1, name: en('web.provider_billing.title') }).waitFor();
    await page.getByText(en('web.provider_billing.upload.read_only')).waitFor();
    expect(await page.getByRole('button', { name: en('web.provider_billing.upload.submit') }).isDisabled()).toBe(true);
    expect(await page.getByLabel(en('web.provider_billing.upload.file')).isDisabled()).toBe(true);
    await page.getByRole('table', { name: en('web.provider_billing.list.title') }).getByRole('row').filter({ hasText: 'oct.csv' }).waitFor();
  }, 60_000);
});
