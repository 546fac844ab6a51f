import { notFound } from '../../core/errors.js';
import { isLocale, type I18n, type Locale } from '../../core/i18n.js';
import { parseDecimal, type Scaled } from '../../core/money.js';
import type { Executor } from '../../db/store.js';
import type { DocumentLineGroup, InvoiceDocument } from './document.js';
import { customerSnapshot, issuerSnapshot, type CustomerSnapshot } from './issue.js';
import { customersForBilling, findInvoice, invoiceLines, type Invoice } from './invoices.repo.js';
import { getPartnerProfile, type PartnerProfile } from './partner-profile.js';

/**
 * What an invoice or credit note prints, from the database: an issued document from the copies
 * it keeps (customer and partner as they were at issue), a draft from the live records with a
 * "draft" number. Lines are grouped by their group (subscription, product, fee) in line order.
 */
const COUNTRY_NAMES = new Map<string, Intl.DisplayNames>();
export function countryName(locale: Locale, code: string | null | undefined): string | null {
  if (!code) return null;
  let names = COUNTRY_NAMES.get(locale);
  if (!names) COUNTRY_NAMES.set(locale, (names = new Intl.DisplayNames([locale], { type: 'region' })));
  try {
    return names.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** A unit price with trailing zeros dropped, keeping at least two decimals. */
export function displayPrice(text: string): Scaled {
  let { value, scale } = parseDecimal(text);
  while (scale > 2 && value % 10n === 0n) {
    value /= 10n;
    scale--;
  }
  return { value, scale };
}

/** "19.0000" → "19", "8.1000" → "8.1" */
export const displayRate = (rate: string) => (rate.includes('.') ? rate.replace(/0+$/, '').replace(/\.$/, '') : rate);

export interface BuildOptions {
  i18n: I18n;
  publicUrl: string;
  /** a customer user: only their own documents */
  customerId?: string | undefined;
}

export async function buildDocument(db: Executor, invoiceId: string, opts: BuildOptions): Promise<{ invoice: Invoice; doc: InvoiceDocument }> {
  const invoice = await findInvoice(db, invoiceId, opts.customerId ? { customerId: opts.customerId } : {});
  if (!invoice || (opts.customerId && invoice.status === 'draft')) throw notFound('invoice', invoiceId);
  const lines = await invoiceLines(db, invoiceId);
  const profile = await getPartnerProfile(db);
  const locale: Locale = isLocale(invoice.locale) ? invoice.locale : 'en';
  const t = opts.i18n.formatter(locale);
  let customer: CustomerSnapshot;
  let issuer: Omit<PartnerProfile, 'logoBase64'>;
  if (invoice.status === 'draft') {
    const [c] = await customersForBilling(db, [invoice.customerId]);
    customer = customerSnapshot(c!);
    issuer = issuerSnapshot(profile);
  } else {
    customer = invoice.customerSnapshot as CustomerSnapshot;
    issuer = invoice.issuerSnapshot as Omit<PartnerProfile, 'logoBase64'>;
  }
  const groups: DocumentLineGroup[] = [];
  const byKey = new Map<string, DocumentLineGroup>();
  for (const l of lines) {
    let g = byKey.get(l.groupKey);
    if (!g) {
      g = { title: l.groupTitle || t.t('invoice_pdf.other_charges'), lines: [] };
      byKey.set(l.groupKey, g);
      groups.push(g);
    }
    g.lines.push({
      description: l.description,
      period: { start: l.periodStart, end: l.periodEnd },
      quantity: l.quantity,
      unitPrice: displayPrice(l.unitPrice),
      amount: l.amount,
      proration: l.proration,
    });
  }
  let credits: InvoiceDocument['credits'] = null;
  if (invoice.kind === 'credit_note' && invoice.creditsInvoiceId) {
    const original = await findInvoice(db, invoice.creditsInvoiceId);
    credits = { number: original?.number ?? '', issueDate: original?.issueDate ?? invoice.issueDate! };
  }
  const withCountry = (lines: string[], code: string | null | undefined) => {
    const name = countryName(locale, code);
    return name ? [...lines, name] : lines;
  };
  const bank = issuer.bank;
  const number = invoice.number ?? t.t('invoice_pdf.draft_number');
  const doc: InvoiceDocument = {
    kind: invoice.kind,
    number,
    issueDate: invoice.issueDate ?? invoice.createdAt.toISOString().slice(0, 10),
    dueDate: invoice.dueDate,
    servicePeriod: invoice.periodStart && invoice.periodEnd ? { start: invoice.periodStart, end: invoice.periodEnd } : null,
    locale,
    currency: invoice.currency,
    issuer: {
      name: issuer.name,
      addressLines: withCountry(issuer.addressLines, issuer.country),
      taxId: issuer.taxId,
      email: issuer.email,
      phone: issuer.phone,
      website: issuer.website,
      logo: profile.logoBase64 ? Buffer.from(profile.logoBase64, 'base64') : null,
      legalLines: issuer.legalLines ?? [],
    },
    customer: { name: customer.name, addressLines: withCountry(customer.addressLines, customer.country), taxId: customer.vatId, customerNumber: customer.customerNumber, contactName: customer.contactName },
    groups,
    tax: { treatment: invoice.taxMode as InvoiceDocument['tax']['treatment'], lines: [{ rate: displayRate(invoice.taxRate), net: invoice.net, tax: invoice.tax }] },
    totals: { net: invoice.net, tax: invoice.tax, gross: invoice.gross },
    payment:
      invoice.kind === 'invoice' && bank.accountHolder && bank.bankName && bank.iban
        ? { accountHolder: bank.accountHolder, bankName: bank.bankName, iban: bank.iban, bic: bank.bic, reference: number }
        : null,
    collectionsPolicy: { url: issuer.policyUrl ?? `${opts.publicUrl}/policies/collections?lang=${locale}` },
    credits,
    reason: invoice.reason,
    notes: invoice.note ? [invoice.note] : [],
    createdAt: (invoice.issuedAt ?? invoice.createdAt).toISOString(),
    draft: invoice.status === 'draft',
  };
  return { invoice, doc };
}
