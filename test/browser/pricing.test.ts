import { expect, it } from 'vitest';
import { browserSuite, catalog, useDesk } from '../helpers/browser.js';

/**
 * The price rules page in Chromium against `partnerdesk serve` (the BUILT dist): a billing user
 * creates a default markup rule through the form, enters an exchange rate, is told why a margin
 * of 100 % is refused, deactivates the rule and finds it among the inactive ones. A viewer reads
 * the page without the editing controls.
 */
const BILLING = { email: 'price@example.com', password: 'pricing-horse-battery', role: 'billing' as const };
const VIEWER = { email: 'look@example.com', password: 'viewer-horse-battery', role: 'viewer' as const };
const en = catalog('en');
const flat = (s: string | null) => (s ?? '').replace(/\s/g, ' ').trim();

browserSuite('price rules in Chromium', () => {
  const desk = useDesk({ users: [BILLING, VIEWER] });

  it('creates, refuses, deactivates rules and enters a rate', async () => {
    const page = await desk.signIn(BILLING);
    await page.getByRole('navigation', { name: en('web.nav.label') }).getByRole('link', { name: en('web.nav.price_rules') }).click();
    await page.getByRole('heading', { level: 1, name: en('web.pricing.title') }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/pricing');
    await page.getByText(en('web.pricing.rules.empty')).waitFor();

    // a target margin of 100 % is refused next to the value
    await page.getByRole('button', { name: en('web.pricing.new_rule') }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel(en('web.pricing.form.method')).selectOption('margin');
    await dialog.getByLabel(en('web.pricing.form.percent')).fill('100');
    await dialog.getByRole('button', { name: en('web.pricing.form.save') }).click();
    await dialog.getByText(en('errors.pricing.margin_too_high', { value: '100' })).first().waitFor();

    // a default markup of 15 %, keeping partner-earned credit
    await dialog.getByLabel(en('web.pricing.form.method')).selectOption('markup');
    await dialog.getByLabel(en('web.pricing.form.percent')).fill('15');
    await dialog.getByLabel(en('web.pricing.form.pec')).selectOption('keep');
    await dialog.getByRole('button', { name: en('web.pricing.form.save') }).click();
    await page.getByText(en('web.pricing.form.saved')).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    const rules = page.getByRole('table', { name: en('web.pricing.rules.title') });
    const row = rules.getByRole('row').filter({ hasText: en('web.pricing.method_value.markup', { value: '15' }) });
    await row.waitFor();
    const cells = (await row.getByRole('cell').allTextContents()).map(flat);
    expect(cells.slice(0, 6)).toEqual([
      en('web.pricing.levels.default'),
      en('web.pricing.scope.everyone'),
      en('web.pricing.scope.everything'),
      en('web.pricing.method_value.markup', { value: '15' }),
      en('web.pricing.pec.keep'),
      en('web.pricing.roundings.half_even'),
    ]);

    // an exchange rate
    const rates = page.getByRole('region', { name: en('web.pricing.rates.title') });
    await rates.getByText(en('web.pricing.rates.empty')).waitFor();
    await rates.getByLabel(en('web.pricing.rates.from'), { exact: true }).fill('USD');
    await rates.getByLabel(en('web.pricing.rates.to'), { exact: true }).fill('EUR');
    await rates.getByLabel(en('web.pricing.rates.rate'), { exact: true }).fill('0,92');
    await rates.getByLabel(en('web.pricing.rates.effective_date')).fill('2026-01-01');
    await rates.getByRole('button', { name: en('web.pricing.rates.add') }).click();
    await page.getByText(en('web.pricing.rates.saved')).waitFor();
    const rateRow = rates.getByRole('row').filter({ hasText: 'USD → EUR' });
    await rateRow.waitFor();
    expect(flat(await rateRow.getByRole('cell').nth(1).textContent())).toBe('0.92');

    // deactivate: gone from the active list, shown among the inactive ones
    await row.getByRole('button', { name: en('web.pricing.rules.deactivate') }).click();
    await page.getByText(en('web.pricing.rules.deactivated')).waitFor();
    await page.getByText(en('web.pricing.rules.empty')).waitFor();
    await page.getByLabel(en('web.pricing.rules.show_inactive')).check();
    await rules.getByText(en('web.pricing.rules.inactive'), { exact: true }).waitFor();
    await desk.screenshot(page, 'price-rules');

    // a viewer reads without editing controls
    const viewer = await desk.signIn(VIEWER);
    await viewer.goto(`${desk.url}/pricing`);
    await viewer.getByRole('heading', { level: 1, name: en('web.pricing.title') }).waitFor();
    await viewer.getByRole('region', { name: en('web.pricing.rates.title') }).getByRole('row').filter({ hasText: 'USD → EUR' }).waitFor();
    expect(await viewer.getByRole('button', { name: en('web.pricing.new_rule') }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: en('web.pricing.rates.add') }).count()).toBe(0);
  });
});
