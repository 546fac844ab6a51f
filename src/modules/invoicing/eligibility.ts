import type { CustomerBilling } from './invoices.repo.js';
import { decideTax, isTaxProblem, type TaxDecision } from './tax.js';

/**
 * Can a customer be invoiced, and at what tax (pure)? A customer that cannot is held with the
 * reason (a catalog key) and never blocks the rest of a run: no billing contact to send the
 * invoice to, no billing address to print, no tax rate for its country, reverse charge without a
 * VAT id.
 */
export interface Eligibility {
  tax: TaxDecision;
  holdCode: string | null;
}

export function eligibility(c: Pick<CustomerBilling, 'billingEmail' | 'billingAddress' | 'country' | 'taxSettings'>, supplyDay: string): Eligibility {
  const decided = decideTax(c.taxSettings, c.country, supplyDay);
  const tax: TaxDecision = isTaxProblem(decided) ? { mode: c.taxSettings.mode, rate: '0', noteKey: null, vatId: c.taxSettings.vatId ?? null } : decided;
  let holdCode: string | null = null;
  if (!c.billingEmail?.trim()) holdCode = 'invoicing.hold.no_billing_contact';
  else if (!c.billingAddress || (c.billingAddress.lines ?? []).filter((l) => l.trim()).length === 0) holdCode = 'invoicing.hold.no_billing_address';
  else if (isTaxProblem(decided)) holdCode = decided.code;
  return { tax, holdCode };
}
