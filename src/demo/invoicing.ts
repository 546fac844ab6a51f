import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import { systemActor } from '../db/tx.js';
import { createFee } from '../modules/invoicing/charges.js';
import { standardRate } from '../modules/invoicing/tax.js';
import { DEFAULT_PROFILE, getPartnerProfile, setPartnerProfile, type PartnerProfileInput } from '../modules/invoicing/partner-profile.js';
import { issueRun, startRun, type RunSummary } from '../modules/invoicing/runs.js';
import { today } from '../modules/provider-billing/provider-invoices.js';

/**
 * Demo invoicing, after the first provider sync brought customers and provider invoices in: the
 * demo partner's profile, support plans for a few customers, then this month's invoice run, issued,
 * through the same use cases as real data. The demo customers span the clouds, so the invoices
 * come in their languages and currencies (EUR, USD, CNY). One customer is left without a tax rate
 * so the run shows a held draft. Runs once (system_state 'demo.invoicing').
 */
export const DEMO_PROFILE: PartnerProfileInput = {
  name: 'Nordlicht Cloud Solutions GmbH',
  addressLines: ['Leopoldstraße 244', '80807 München'],
  country: 'DE',
  taxId: 'DE298765432',
  email: 'billing@nordlicht-cloud.example',
  phone: '+49 89 1234 5670',
  website: 'nordlicht-cloud.example',
  logoBase64: null,
  bank: { accountHolder: 'Nordlicht Cloud Solutions GmbH', bankName: 'Stadtsparkasse München', iban: 'DE02701500001234567890', bic: 'SSKMDEMMXXX' },
  legalLines: ['Amtsgericht München HRB 234567 · Geschäftsführung: Lena Albers'],
  policyUrl: null,
  invoicePrefix: 'INV',
  creditNotePrefix: 'CN',
};

/** A support plan's monthly price per billing currency. */
const PLAN_PRICE: Record<string, string> = { EUR: '450', USD: '490', CNY: '3500', GBP: '390', RUB: '42000' };
const KEY = 'demo.invoicing';

export async function seedDemoInvoicing(deps: Deps): Promise<RunSummary | null> {
  // the marker first: a crash half way leaves some demo invoices missing, never fees billed twice
  const claimed = await sql`INSERT INTO system_state (key, value, updated_at) VALUES (${KEY}, ${JSON.stringify({ at: deps.clock.now() })}, ${deps.clock.now()}) ON CONFLICT (key) DO NOTHING`.execute(deps.db);
  if (Number(claimed.numAffectedRows ?? 0) === 0) return null;
  const profile = await getPartnerProfile(deps.db);
  if (profile.name === DEFAULT_PROFILE.name) await setPartnerProfile(deps, systemActor, DEMO_PROFILE);

  const day = today(deps.clock.now(), deps.config.businessTimeZone);
  const customers = await deps.db.selectFrom('customers').select(['id', 'country', 'billing_currency', 'tax_settings']).where('status', '=', 'active').orderBy('company_name').execute();
  // customers in a country without a known VAT rate get 0 %, except the first (held, to show why)
  let keptHeld = false;
  for (const c of customers) {
    if (c.tax_settings.mode !== 'standard' || c.tax_settings.rate || standardRate(c.country, day) !== null) continue;
    if (!keptHeld) {
      keptHeld = true;
      continue;
    }
    await deps.db.updateTable('customers').set({ tax_settings: JSON.stringify({ mode: 'standard', rate: '0' }) }).where('id', '=', c.id).execute();
  }
  // a support plan for every third customer, from the first of this month (a full month)
  const start = `${day.slice(0, 7)}-01`;
  for (const [i, c] of customers.entries()) {
    if (i % 3 !== 0 || !PLAN_PRICE[c.billing_currency]) continue;
    await createFee(deps, systemActor, { customerId: c.id, name: i % 2 ? 'Premier Support' : 'Managed Microsoft 365', unitPrice: PLAN_PRICE[c.billing_currency]!, interval: 'month', startDate: start });
  }
  const run = await startRun(deps, systemActor, day.slice(0, 7));
  return issueRun(deps, systemActor, run.runId);
}
