import { newId } from '../../src/core/ids.js';
import { parseMoney } from '../../src/core/money.js';
import { cliActor } from '../../src/db/tx.js';
import type { Deps } from '../../src/deps.js';
import { issueInvoice } from '../../src/modules/invoicing/issue.js';
import { makeCustomer } from './fixtures.js';

const actor = cliActor('test');

/** A customer that can be invoiced: billing contact, address, German VAT at `rate`. */
export async function billableCustomer(deps: Deps, opts: { accountId?: string; currency?: string; rate?: string; terms?: number; name?: string; locale?: 'en' | 'de' | 'zh-CN' | 'ru' } = {}): Promise<string> {
  const id = await makeCustomer(deps, { ...(opts.accountId && { accountId: opts.accountId }), ...(opts.name && { companyName: opts.name }) });
  await deps.db
    .updateTable('customers')
    .set({
      country: 'DE',
      billing_currency: opts.currency ?? 'EUR',
      billing_email: `ap+${id}@example.com`,
      billing_address: JSON.stringify({ lines: ['Weg 1'], city: 'Köln', postalCode: '50667' }),
      tax_settings: JSON.stringify({ mode: 'standard', rate: opts.rate ?? '0' }),
      payment_terms_days: opts.terms ?? 30,
      ...(opts.locale && { locale: opts.locale }),
    })
    .where('id', '=', id)
    .execute();
  return id;
}

/**
 * An issued invoice of one line for `net` (decimal text), through the real issuing use case (its
 * number, due date, journal entry and event); the draft is written directly instead of by a run,
 * which the invoicing tests cover.
 */
export async function issuedInvoice(deps: Deps, customerId: string, net: string, currency = 'EUR'): Promise<{ id: string; number: string }> {
  const id = newId('inv');
  const now = deps.clock.now();
  const amount = parseMoney(net, currency).amount;
  await deps.db
    .insertInto('invoices')
    .values({ id, kind: 'invoice', run_id: null, customer_id: customerId, currency, status: 'draft', net: amount, tax: 0n, gross: amount, tax_mode: 'standard', tax_rate: '0', locale: 'en', created_by: 'test', created_at: now, updated_at: now })
    .execute();
  await deps.db
    .insertInto('invoice_lines')
    .values({ id: newId('inl'), invoice_id: id, position: 1, group_key: 'service', group_title: 'Services', description: 'Managed service', period_start: '2026-01-01', period_end: '2026-01-31', quantity: '1', unit_price: net, amount, proration: null, charges: 0, credits_line_id: null })
    .execute();
  const r = await issueInvoice(deps, actor, id);
  return { id, number: r.number };
}
