import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ROOT } from '../../src/paths.js';
import { browserSuite, useDesk } from '../helpers/browser.js';
import { runCli } from '../helpers/processes.js';
import { nceCsv, nceRow } from '../helpers/recon.js';

/**
 * Provider billing → Provider invoices (payables) in a real browser against `partnerdesk serve`
 * (the BUILT dist: run `node scripts/build.mjs` first), without demo data: one provider account
 * added on the command line. A billing user enters an invoice through the form, opens it (open,
 * no lines to tie out), records a partial payment and sees the balance drop, is told next to the
 * amount field when a payment would exceed the balance, switches to German, and finds the rest on
 * the dashboard's "Due to providers" card. A viewer reads the invoice without the payment forms.
 * Reconciliation lines imported for an invoice nobody entered yet show up as unmatched lines; the
 * invoice entered from there, one cent above its lines, ties out as explained by rounding.
 *
 * Set PARTNERDESK_SCREENSHOT_DIR to keep screenshots of the invoice and the dashboard card.
 */

const BILLING = { email: 'bill@example.com', password: 'billing-horse-battery', role: 'billing' as const };
const VIEWER = { email: 'vic@example.com', password: 'viewer-horse-battery', role: 'viewer' as const };
const CLERK = { email: 'bea@example.com', password: 'clerk-horse-battery', role: 'billing' as const };
const NUMBER = 'G2026-0042';
/** the invoice the imported lines name: two lines of €11.90 for a customer the desk does not know */
const LINES_NUMBER = 'G2026-0099';

type Messages = { [key: string]: string | Messages };
/** Catalog messages formatted like the web app does (ICU plurals included). */
function messages(locale: 'en' | 'de') {
  const root = JSON.parse(readFileSync(join(ROOT, 'locales', `${locale}.json`), 'utf8')) as Messages;
  return (key: string, params: Record<string, string | number> = {}) => {
    let node: string | Messages | undefined = root;
    for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
    if (typeof node !== 'string') throw new Error(`no message ${key} in ${locale}.json`);
    return String(new IntlMessageFormat(node, locale, undefined, { ignoreTag: true }).format(params));
  };
}
const en = messages('en');
const de = messages('de');

/** A UTC calendar day `days` from today (the server counts days in UTC). */
const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** Text with every kind of space as a plain one (Intl puts NBSPs into amounts). */
const flat = (s: string | null) => (s ?? '').replace(/\s/g, ' ').trim();

browserSuite('provider invoices in Chromium', () => {
  const desk = useDesk({
    users: [BILLING, VIEWER, CLERK],
    beforeServe: (env) => {
      const account = runCli(['provider-account', 'add', '--name', 'Contoso Global', '--cloud', 'global', '--tenant', 't', '--app-id', 'a', '--currency', 'EUR', '--json'], env);
      expect(account.code, account.stderr || account.stdout).toBe(0);
      const accountId = String((account.json().account as { id: string }).id);
      const dir = mkdtempSync(join(tmpdir(), 'pd-payables-web-'));
      try {
        const file = join(dir, 'g99.csv');
        writeFileSync(file, nceCsv([nceRow(1, { InvoiceNumber: LINES_NUMBER, CustomerName: 'Fabrikam Ltd' }), nceRow(2, { InvoiceNumber: LINES_NUMBER, CustomerName: 'Fabrikam Ltd' })]));
        const imported = runCli(['import', 'recon', file, '--provider-account', accountId, '--json'], env);
        expect(imported.code, imported.stderr || imported.stdout).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  });

  /** One of the amounts in the invoice header, by its label. */
  const amountOf = async (page: Page, label: string) => flat(await page.locator('dl.payable-amounts > div', { has: page.getByText(label, { exact: true }) }).locator('dd').textContent());

  it('enters an invoice, ties it out, records a partial payment, speaks German, and shows the rest on the dashboard', async () => {
    const page = await desk.signIn(BILLING);
    const today = day(0);

    // nothing owed yet
    const card = page.getByRole('region', { name: en('web.dashboard.payables.title') });
    await card.getByText(en('web.dashboard.payables.empty')).waitFor();

    await page.getByRole('navigation', { name: en('web.nav.label') }).getByRole('link', { name: en('web.nav.provider_invoices') }).click();
    await page.getByRole('heading', { level: 1, name: en('web.provider_invoices.title') }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/provider-billing/invoices');
    await page.getByText(en('web.provider_invoices.empty')).waitFor();
    // the account's payment terms, read-only (60 days by default)
    const accounts = page.getByRole('region', { name: en('web.provider_invoices.accounts_title') });
    await accounts.getByText(en('web.provider_invoices.days', { count: 60 }), { exact: true }).waitFor();
    await accounts.getByRole('button', { name: en('web.provider_invoices.sync_account', { account: 'Contoso Global' }) }).waitFor();

    // enter the invoice by hand; the only account and its currency are filled in
    await page.getByRole('button', { name: en('web.provider_invoices.enter') }).click();
    const form = page.getByRole('form', { name: en('web.provider_invoices.form.title') });
    await expect.poll(() => form.getByLabel(en('web.provider_invoices.form.account')).inputValue()).not.toBe('');
    expect(await form.getByLabel(en('web.provider_invoices.form.currency')).inputValue()).toBe('EUR');
    await form.getByText(en('web.provider_invoices.form.due_date_hint', { count: 60 })).waitFor();
    await form.getByLabel(en('web.provider_invoices.form.number')).fill(NUMBER);
    await form.getByLabel(en('web.provider_invoices.form.invoice_date')).fill(day(-10));
    await form.getByLabel(en('web.provider_invoices.form.due_date')).fill(day(20));
    await form.getByLabel(en('web.provider_invoices.form.total')).fill('1234.56');
    await form.getByRole('button', { name: en('web.provider_invoices.form.submit') }).click();
    await page.getByText(en('web.provider_invoices.form.created', { number: NUMBER })).waitFor();
    await form.waitFor({ state: 'detached' });

    const row = page.getByRole('table', { name: en('web.provider_invoices.title') }).getByRole('row').filter({ hasText: NUMBER });
    await row.waitFor();
    const cells = (await row.getByRole('cell').allTextContents()).map(flat);
    expect(cells[1]).toContain('Contoso Global');
    expect(cells[4]).toBe('€1,234.56');
    expect(cells[5]).toBe('€1,234.56');
    expect(cells[6]).toBe(`${en('web.payables.status.open')}${en('web.payables.due_in', { count: 20 })}`);
    await desk.screenshot(page, 'provider-invoices');

    // the invoice: open, nothing imported to tie out against
    await row.getByRole('link', { name: NUMBER }).click();
    await page.getByRole('heading', { level: 1, name: en('web.provider_invoice.title', { number: NUMBER }) }).waitFor();
    await page.locator('.header-badges').getByText(en('web.payables.status.open'), { exact: true }).waitFor();
    expect(await amountOf(page, en('web.provider_invoice.balance'))).toBe('€1,234.56');
    const tie = page.getByRole('region', { name: en('web.provider_invoice.tieout.title') });
    await tie.getByText(en('web.provider_invoice.tieout.status.no_lines'), { exact: true }).waitFor();
    await tie.getByText(en('web.provider_invoice.tieout.reasons.missing_lines'), { exact: true }).waitFor();
    await tie.getByText(en('web.provider_invoice.tieout.why.no_lines')).waitFor();
    await page.getByText(en('web.provider_invoice.payments.empty')).waitFor();

    // a partial payment: the amount starts as the balance, the date as today
    const pay = page.getByRole('form', { name: en('web.provider_invoice.pay.record') });
    const amount = pay.getByLabel(en('web.provider_invoice.pay.amount', { currency: 'EUR' }));
    expect(await amount.inputValue()).toBe('1234.56');
    expect(await pay.getByLabel(en('web.provider_invoice.pay.paid_on')).inputValue()).toBe(today);
    await amount.fill('1000.00');
    await pay.getByLabel(en('web.provider_invoice.pay.method')).selectOption('bank_transfer');
    await pay.getByLabel(en('web.provider_invoice.pay.reference')).fill('SEPA-7731');
    await pay.getByRole('button', { name: en('web.provider_invoice.pay.submit') }).click();
    await page.getByText(en('web.provider_invoice.pay.recorded', { amount: '€1,000.00' })).waitFor();
    await expect.poll(() => amountOf(page, en('web.provider_invoice.balance'))).toBe('€234.56');
    expect(await amountOf(page, en('web.provider_invoice.paid'))).toBe('€1,000.00');
    const payment = page.getByRole('table', { name: en('web.provider_invoice.payments.title') }).getByRole('row').filter({ hasText: 'SEPA-7731' });
    expect((await payment.getByRole('cell').allTextContents()).map(flat).slice(1, 3)).toEqual(['€1,000.00', en('web.payables.methods.bank_transfer')]);
    // still open, and the form now offers the rest
    await page.locator('.header-badges').getByText(en('web.payables.status.open'), { exact: true }).waitFor();
    await expect.poll(() => pay.getByLabel(en('web.provider_invoice.pay.amount', { currency: 'EUR' })).inputValue()).toBe('234.56');

    // more than the balance: the server's title next to the amount field
    await pay.getByLabel(en('web.provider_invoice.pay.amount', { currency: 'EUR' })).fill('500');
    await pay.getByRole('button', { name: en('web.provider_invoice.pay.submit') }).click();
    const amountField = pay.getByLabel(en('web.provider_invoice.pay.amount', { currency: 'EUR' }));
    await expect.poll(() => amountField.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await amountField.getAttribute('aria-describedby')) ?? '';
    expect(flat(await page.locator(`[id="${describedBy}"]`).textContent())).toBe(en('errors.provider_invoices.overpayment'));
    expect(await pay.getByRole('alert').count()).toBe(0); // said at the field, not again above the form
    expect(await amountOf(page, en('web.provider_invoice.balance'))).toBe('€234.56');
    await desk.screenshot(page, 'provider-invoice');

    // German, on the invoice page
    await page.getByLabel(en('web.lang.label'), { exact: true }).selectOption('de');
    await page.getByRole('heading', { level: 1, name: de('web.provider_invoice.title', { number: NUMBER }) }).waitFor();
    await page.getByRole('heading', { level: 2, name: de('web.provider_invoice.tieout.title') }).waitFor();
    await expect.poll(() => page.title()).toBe(`${de('web.provider_invoices.title')} · Partnerdesk`);
    await expect.poll(() => amountOf(page, de('web.provider_invoice.balance'))).toBe('234,56 €');

    // the dashboard card: what is left, due within 30 days, and the invoice to pay next
    await page.getByRole('navigation', { name: de('web.nav.label') }).getByRole('link', { name: de('web.nav.dashboard'), exact: true }).click();
    const due = page.getByRole('region', { name: de('web.dashboard.payables.title') });
    const eur = due.getByRole('table', { name: de('web.dashboard.payables.title') }).getByRole('row').filter({ hasText: 'EUR' });
    await eur.waitFor();
    expect((await eur.getByRole('cell').allTextContents()).map(flat)).toEqual(['0,00 €', '0,00 €', '234,56 €', '0,00 €', '234,56 €']);
    const next = due.getByRole('listitem').filter({ hasText: NUMBER });
    await expect.poll(async () => flat(await next.textContent())).toContain('234,56 €');
    await expect.poll(async () => flat(await next.textContent())).toContain(de('web.payables.due_in', { count: 20 }));
    await desk.screenshot(page, 'dashboard-payables');
    await next.getByRole('link', { name: NUMBER }).click();
    await page.getByRole('heading', { level: 1, name: de('web.provider_invoice.title', { number: NUMBER }) }).waitFor();
  }, 120_000);

  it('shows a viewer the invoice and what is owed, without the payment forms', async () => {
    const page = await desk.signIn(VIEWER);
    await page.goto(`${desk.url}/provider-billing/invoices`);
    await page.getByRole('heading', { level: 1, name: en('web.provider_invoices.title') }).waitFor();
    const row = page.getByRole('table', { name: en('web.provider_invoices.title') }).getByRole('row').filter({ hasText: NUMBER });
    await row.waitFor();
    expect(await page.getByRole('button', { name: en('web.provider_invoices.enter') }).count()).toBe(0);
    expect(await page.getByRole('button', { name: en('web.provider_invoices.sync_account', { account: 'Contoso Global' }) }).count()).toBe(0);
    await row.getByRole('link', { name: NUMBER }).click();
    await page.getByRole('heading', { level: 1, name: en('web.provider_invoice.title', { number: NUMBER }) }).waitFor();
    await page.getByText(en('web.provider_invoice.pay.read_only')).waitFor();
    expect(await page.getByRole('form', { name: en('web.provider_invoice.pay.record') }).count()).toBe(0);
    await expect.poll(() => amountOf(page, en('web.provider_invoice.balance'))).toBe('€234.56');
  }, 60_000);

  it('lists lines without a known customer or invoice, enters that invoice from there, and explains a one-cent difference as rounding', async () => {
    const page = await desk.signIn(CLERK);
    await page.getByRole('navigation', { name: en('web.nav.label') }).getByRole('link', { name: en('web.nav.unmatched_lines') }).click();
    await page.getByRole('heading', { level: 1, name: en('web.unmatched.title') }).waitFor();
    const groups = page.getByRole('table', { name: en('web.unmatched.groups_title') });
    const group = groups.getByRole('row').filter({ hasText: 'Fabrikam Ltd' }).filter({ hasText: 's-1' });
    await expect.poll(async () => (await group.getByRole('cell').allTextContents()).map(flat)).toEqual([
      'Contoso Global',
      'Fabrikam Ltdc-1',
      's-1',
      en('web.unmatched.reasons.customer'),
      LINES_NUMBER,
      '1',
      '€11.90',
    ]);
    const missing = page.getByRole('table', { name: en('web.unmatched.missing_title') }).getByRole('row').filter({ hasText: LINES_NUMBER });
    expect((await missing.getByRole('cell').allTextContents()).map(flat).slice(0, 4)).toEqual([LINES_NUMBER, 'Contoso Global', '2', '€23.80']);
    await desk.screenshot(page, 'unmatched-lines');

    // "Enter invoice" opens the form with the number, account and currency filled in
    await missing.getByRole('link', { name: en('web.unmatched.enter_invoice') }).click();
    const form = page.getByRole('form', { name: en('web.provider_invoices.form.title') });
    await expect.poll(() => form.getByLabel(en('web.provider_invoices.form.number')).inputValue()).toBe(LINES_NUMBER);
    expect(await form.getByLabel(en('web.provider_invoices.form.currency')).inputValue()).toBe('EUR');
    await form.getByLabel(en('web.provider_invoices.form.invoice_date')).fill(day(-40));
    await form.getByLabel(en('web.provider_invoices.form.total')).fill('23,81'); // a German decimal comma is understood
    await form.getByRole('button', { name: en('web.provider_invoices.form.submit') }).click();
    await form.waitFor({ state: 'detached' });
    expect(new URL(page.url()).search).not.toContain('enter=');

    // 60 days after an invoice date 40 days ago: due in 20 days, like the first one
    const row = page.getByRole('table', { name: en('web.provider_invoices.title') }).getByRole('row').filter({ hasText: LINES_NUMBER });
    await row.getByRole('link', { name: LINES_NUMBER }).click();
    await page.getByRole('heading', { level: 1, name: en('web.provider_invoice.title', { number: LINES_NUMBER }) }).waitFor();
    expect(await amountOf(page, en('web.provider_invoice.due_date'))).toBe(new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day(20)}T00:00:00Z`)));
    const tie = page.getByRole('region', { name: en('web.provider_invoice.tieout.title') });
    await tie.getByText(en('web.provider_invoice.tieout.status.explained'), { exact: true }).waitFor();
    await tie.getByText(en('web.provider_invoice.tieout.lines_total', { count: 2 }), { exact: true }).waitFor();
    await tie.getByText(en('web.provider_invoice.tieout.reasons.rounding'), { exact: true }).waitFor();
    await tie.getByText(en('web.provider_invoice.tieout.why.rounding', { count: 2 })).waitFor();
    const difference = tie.locator('dl > div', { has: page.getByText(en('web.provider_invoice.tieout.difference'), { exact: true }) }).locator('dd');
    expect(flat(await difference.textContent())).toBe('€0.01');

    const charges = page.getByRole('table', { name: en('web.provider_invoice.breakdown.title') }).getByRole('row').filter({ hasText: en('web.provider_invoice.charge_types.cycle_charge') });
    expect((await charges.getByRole('cell').allTextContents()).map(flat)).toEqual([en('web.provider_invoice.charge_types.cycle_charge'), '2', '€23.80']);
    const seats = page.getByRole('table', { name: en('web.provider_invoice.seats.title') });
    expect(await seats.getByRole('row').filter({ hasText: en('web.provider_invoice.seats.not_in_desk') }).count()).toBe(2);
    await page.getByRole('table', { name: en('web.provider_invoice.unmatched.title') }).getByRole('row').filter({ hasText: 's-2' }).waitFor();
    await desk.screenshot(page, 'provider-invoice-lines');

    // the group now links to the recorded invoice
    await page.goto(`${desk.url}/provider-billing/unmatched`);
    await page.getByRole('table', { name: en('web.unmatched.groups_title') }).getByRole('link', { name: LINES_NUMBER }).first().waitFor();
    await page.getByText(en('web.unmatched.missing_empty')).waitFor();
  }, 90_000);
});
