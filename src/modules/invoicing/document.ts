import { currencyExponent } from '../../core/currencies.js';
import type { Locale } from '../../core/i18n.js';
import type { Scaled } from '../../core/money.js';
import type { TaxSettings } from '../../db/types.js';

/**
 * A renderable invoice or credit note: everything the PDF (and the email) prints, already decided.
 * The renderer computes nothing that matters: it formats and lays out. Amounts are bigint minor
 * units of `currency` (ISO 4217 exponent), quantities and rates are decimal text, unit prices keep
 * their own scale. Dates are calendar days `YYYY-MM-DD` (printed as such, no time zone shift).
 *
 * On a credit note the amounts are the credited amounts as printed (normally positive).
 */
export interface InvoiceDocument {
  kind: DocumentKind;
  /** the issued number, e.g. "INV-2026-000123"; a draft may pass a placeholder such as "DRAFT" */
  number: string;
  /** YYYY-MM-DD */
  issueDate: string;
  /** YYYY-MM-DD; invoices only (a credit note has none) */
  dueDate?: string | null;
  /** the billing period the document covers */
  servicePeriod?: DayRange | null;
  locale: Locale;
  /** ISO 4217 code of every amount in the document */
  currency: string;
  issuer: DocumentIssuer;
  customer: DocumentCustomer;
  /** line groups in print order: one per subscription or product */
  groups: DocumentLineGroup[];
  tax: DocumentTax;
  totals: DocumentTotals;
  /** invoices: how to pay; credit notes may omit it */
  payment?: PaymentInstructions | null;
  /** the published collections policy the invoice refers to */
  collectionsPolicy?: { url: string } | null;
  /** credit notes: the invoice credited */
  credits?: { number: string; issueDate: string } | null;
  /** credit notes: why (free text, printed as is) */
  reason?: string | null;
  /** free-text notes printed under the totals, one paragraph each */
  notes?: string[];
  /** a draft (not issued): every page carries a "Draft" watermark */
  draft?: boolean;
  /** PDF metadata creation time (ISO 8601); defaults to the issue date at 00:00 UTC (reproducible output) */
  createdAt?: string | null;
}

export type DocumentKind = 'invoice' | 'credit_note';

/** The customer's tax treatment: the same modes as the customer's tax settings. */
export type TaxTreatment = TaxSettings['mode'];

/** Inclusive calendar days, YYYY-MM-DD. */
export interface DayRange {
  start: string;
  end: string;
}

export interface DocumentParty {
  name: string;
  /** postal address, one line each, already in the order the country writes them (incl. country) */
  addressLines: string[];
  /** VAT id / tax number */
  taxId?: string | null;
}

export interface DocumentIssuer extends DocumentParty {
  email?: string | null;
  phone?: string | null;
  website?: string | null;
  /** PNG or JPEG bytes, drawn top left (fit into 160 × 56 pt) */
  logo?: Buffer | null;
  /** footer lines: commercial register, managing directors, … */
  legalLines?: string[];
}

export interface DocumentCustomer extends DocumentParty {
  customerNumber?: string | null;
  /** the billing contact the document is addressed to ("Attn." line under the name) */
  contactName?: string | null;
}

export interface DocumentLineGroup {
  /** e.g. "Microsoft 365 Business Premium" */
  title: string;
  /** e.g. the subscription id or the product code, printed small after the title */
  subtitle?: string | null;
  lines: DocumentLine[];
}

export interface DocumentLine {
  description: string;
  period?: DayRange | null;
  /** decimal text, e.g. "25" or "1.5" (numeric(20,6) as text is fine: trailing zeros are dropped) */
  quantity: string;
  /** in major units of the document currency, with its own scale (at least 2 decimals are shown) */
  unitPrice: Scaled;
  /** minor units */
  amount: bigint;
  /** prorated charges: days charged out of the days in the period */
  proration?: { days: number; of: number } | null;
}

export interface DocumentTax {
  treatment: TaxTreatment;
  /** one line per rate; a reverse-charge or zero-rated document has one line at "0" */
  lines: DocumentTaxLine[];
}

export interface DocumentTaxLine {
  /** percentage as decimal text, e.g. "19" or "8.1" */
  rate: string;
  /** minor units */
  net: bigint;
  /** minor units */
  tax: bigint;
}

export interface DocumentTotals {
  net: bigint;
  tax: bigint;
  gross: bigint;
}

export interface PaymentInstructions {
  accountHolder: string;
  bankName?: string | null;
  iban: string;
  bic?: string | null;
  /** what the customer writes in the transfer, usually the invoice number */
  reference: string;
}

/**
 * Problems that make a document unfit to print (the renderer refuses it): totals that do not add
 * up, an unknown currency, malformed days. Returns [] when the document is consistent.
 */
export function documentProblems(doc: InvoiceDocument): string[] {
  const problems: string[] = [];
  const day = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
  const checkDay = (what: string, d: string | null | undefined) => {
    if (d != null && (!day.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)))) problems.push(`${what} is not a YYYY-MM-DD day: ${d}`);
  };
  try {
    currencyExponent(doc.currency);
  } catch {
    problems.push(`unknown currency ${doc.currency}`);
  }
  if (!doc.number.trim()) problems.push('number is empty');
  checkDay('issueDate', doc.issueDate);
  checkDay('dueDate', doc.dueDate);
  checkDay('servicePeriod.start', doc.servicePeriod?.start);
  checkDay('servicePeriod.end', doc.servicePeriod?.end);
  checkDay('credits.issueDate', doc.credits?.issueDate);
  if (doc.createdAt != null && Number.isNaN(Date.parse(doc.createdAt))) problems.push(`createdAt is not a timestamp: ${doc.createdAt}`);
  if (doc.kind === 'credit_note' && !doc.credits) problems.push('a credit note names the invoice it credits');
  let lines = 0n;
  doc.groups.forEach((g, gi) =>
    g.lines.forEach((l, li) => {
      lines += l.amount;
      checkDay(`groups[${gi}].lines[${li}].period.start`, l.period?.start);
      checkDay(`groups[${gi}].lines[${li}].period.end`, l.period?.end);
      if (!/^[+-]?\d+(\.\d+)?$/.test(l.quantity.trim())) problems.push(`groups[${gi}].lines[${li}].quantity is not a decimal: ${l.quantity}`);
      if (!Number.isInteger(l.unitPrice.scale) || l.unitPrice.scale < 0) problems.push(`groups[${gi}].lines[${li}].unitPrice has a bad scale`);
      if (l.proration && !(Number.isInteger(l.proration.days) && Number.isInteger(l.proration.of) && l.proration.of > 0)) {
        problems.push(`groups[${gi}].lines[${li}].proration is not whole days of a positive period`);
      }
    }),
  );
  const { net, tax, gross } = doc.totals;
  if (lines !== net) problems.push(`lines add up to ${lines}, net total is ${net}`);
  if (net + tax !== gross) problems.push(`net ${net} + tax ${tax} is not gross ${gross}`);
  const taxNet = doc.tax.lines.reduce((s, l) => s + l.net, 0n);
  const taxSum = doc.tax.lines.reduce((s, l) => s + l.tax, 0n);
  if (doc.tax.lines.length > 0 && taxNet !== net) problems.push(`tax lines cover a net of ${taxNet}, net total is ${net}`);
  if (taxSum !== tax) problems.push(`tax lines add up to ${taxSum}, tax total is ${tax}`);
  for (const l of doc.tax.lines) if (!/^\d+(\.\d+)?$/.test(l.rate.trim())) problems.push(`tax rate is not a decimal: ${l.rate}`);
  return problems;
}
