import { expect, it } from 'vitest';
import { browserSuite, catalog, useDesk } from '../helpers/browser.js';
import { runCli } from '../helpers/processes.js';
import { nceCsv as csv, nceRow as row } from '../helpers/recon.js';

/**
 * Provider billing → Imports in a real browser against `partnerdesk serve` (the BUILT dist: run
 * `node scripts/build.mjs` first), without demo data: one provider account added on the command
 * line. An admin uploads a valid NCE invoice CSV and sees the counts and the totals, then a file
 * with a bad currency and sees the rejected row; the page switches to German. A viewer sees the
 * page with the upload disabled.
 *
 * Set PARTNERDESK_SCREENSHOT_DIR to keep screenshots of the import result and the rejection.
 */

const ADMIN = { email: 'ada@example.com', password: 'correct-horse-battery', role: 'admin' as const };
const VIEWER = { email: 'vic@example.com', password: 'viewer-horse-battery', role: 'viewer' as const };
const en = catalog('en');
const de = catalog('de');

browserSuite('provider billing imports in Chromium', () => {
  const desk = useDesk({
    users: [ADMIN, VIEWER],
    beforeServe: (env) => {
      const account = runCli(['provider-account', 'add', '--name', 'G', '--cloud', 'global', '--tenant', 't', '--app-id', 'a', '--json'], env);
      expect(account.code, account.stderr || account.stdout).toBe(0);
    },
  });

  it('imports a CSV, shows counts and totals, lists it, rejects a bad file with its rows, and speaks German', async () => {
    const page = await desk.signIn(ADMIN);
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
    await desk.screenshot(page, 'imports-result');

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
    await desk.screenshot(page, 'imports-rejected');
    await expect.poll(() => list.getByRole('row').filter({ hasText: 'bad.csv' }).count()).toBe(0);

    // German
    await page.getByLabel(en('web.lang.label'), { exact: true }).selectOption('de');
    await page.getByRole('heading', { level: 1, name: de('web.provider_billing.title') }).waitFor();
    await expect.poll(() => page.title()).toBe(`${de('web.provider_billing.title')} · Partnerdesk`);
    await page.getByRole('button', { name: de('web.provider_billing.upload.submit') }).waitFor();
    await expect.poll(() => page.getByRole('table', { name: de('web.provider_billing.list.title') }).getByRole('row').filter({ hasText: 'oct.csv' }).textContent()).toMatch(/23,80\s€/);
  }, 120_000);

  it('shows a viewer the past imports with the upload disabled', async () => {
    const page = await desk.signIn(VIEWER);
    await page.goto(`${desk.url}/provider-billing/imports`);
    await page.getByRole('heading', { level: 1, name: en('web.provider_billing.title') }).waitFor();
    await page.getByText(en('web.provider_billing.upload.read_only')).waitFor();
    expect(await page.getByRole('button', { name: en('web.provider_billing.upload.submit') }).isDisabled()).toBe(true);
    expect(await page.getByLabel(en('web.provider_billing.upload.file')).isDisabled()).toBe(true);
    await page.getByRole('table', { name: en('web.provider_billing.list.title') }).getByRole('row').filter({ hasText: 'oct.csv' }).waitFor();
  }, 60_000);
});
