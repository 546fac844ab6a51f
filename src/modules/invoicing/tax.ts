import { divRound, parseDecimal, type Scaled } from '../../core/money.js';
import type { TaxSettings } from '../../db/types.js';

/**
 * The tax an invoice carries, from the customer's settings (pure).
 * - standard: the customer's own rate if set, else the standard VAT rate of the customer's country
 *   on the issue date (the table below, date-effective);
 * - reverse_charge: 0 %, with the EU legal note; needs the customer's VAT id;
 * - zero_rated (export of services outside the EU) and exempt: 0 %, with their note.
 * Tax is computed once per invoice on the net total (rounded half up), so net + tax = gross and
 * net = Σ lines hold exactly.
 */
export type TaxMode = TaxSettings['mode'];

export interface TaxDecision {
  mode: TaxMode;
  /** percentage, e.g. "19" or "8.1" */
  rate: string;
  /** the catalog key of the legal note printed on the invoice, if any */
  noteKey: string | null;
  vatId: string | null;
}

export interface TaxProblem {
  code: 'invoicing.hold.no_tax_rate' | 'invoicing.hold.no_vat_id';
}

/**
 * Standard VAT rates by country, each [from, rate] with the newest last. Only rates that changed
 * recently carry a history. Countries not listed need a rate on the customer (the invoice is held
 * until one is set), e.g. the United States, where sales tax depends on the state.
 */
const STANDARD_RATES: Record<string, [from: string, rate: string][]> = {
  AT: [['1900-01-01', '20']],
  AU: [['1900-01-01', '10']],
  BE: [['1900-01-01', '21']],
  BG: [['1900-01-01', '20']],
  CH: [['1900-01-01', '7.7'], ['2024-01-01', '8.1']],
  CN: [['1900-01-01', '6']],
  CY: [['1900-01-01', '19']],
  CZ: [['1900-01-01', '21']],
  DE: [['1900-01-01', '19']],
  DK: [['1900-01-01', '25']],
  EE: [['1900-01-01', '20'], ['2024-01-01', '22'], ['2025-07-01', '24']],
  ES: [['1900-01-01', '21']],
  FI: [['1900-01-01', '24'], ['2024-09-01', '25.5']],
  FR: [['1900-01-01', '20']],
  GB: [['1900-01-01', '20']],
  GR: [['1900-01-01', '24']],
  HR: [['1900-01-01', '25']],
  HU: [['1900-01-01', '27']],
  IE: [['1900-01-01', '23']],
  IT: [['1900-01-01', '22']],
  JP: [['1900-01-01', '10']],
  LT: [['1900-01-01', '21']],
  LU: [['1900-01-01', '17']],
  LV: [['1900-01-01', '21']],
  MT: [['1900-01-01', '18']],
  NL: [['1900-01-01', '21']],
  NO: [['1900-01-01', '25']],
  PL: [['1900-01-01', '23']],
  PT: [['1900-01-01', '23']],
  RO: [['1900-01-01', '19'], ['2025-08-01', '21']],
  RU: [['1900-01-01', '20'], ['2026-01-01', '22']],
  SE: [['1900-01-01', '25']],
  SI: [['1900-01-01', '22']],
  SK: [['1900-01-01', '20'], ['2025-01-01', '23']],
};

/** The standard rate of a country on a day (YYYY-MM-DD), or null when the table has none. */
export function standardRate(country: string | null, day: string): string | null {
  const history = country ? STANDARD_RATES[country.toUpperCase()] : undefined;
  if (!history) return null;
  let rate: string | null = null;
  for (const [from, r] of history) if (from <= day) rate = r;
  return rate;
}

const NOTE: Record<TaxMode, string | null> = {
  standard: null,
  reverse_charge: 'invoice_pdf.tax_note.reverse_charge',
  zero_rated: 'invoice_pdf.tax_note.zero_rated',
  exempt: 'invoice_pdf.tax_note.exempt',
};

export function decideTax(settings: TaxSettings, country: string | null, day: string): TaxDecision | TaxProblem {
  const vatId = settings.vatId?.trim() || null;
  if (settings.mode !== 'standard') {
    if (settings.mode === 'reverse_charge' && !vatId) return { code: 'invoicing.hold.no_vat_id' };
    return { mode: settings.mode, rate: '0', noteKey: NOTE[settings.mode], vatId };
  }
  const rate = settings.rate?.trim() || standardRate(country, day);
  if (rate === null) return { code: 'invoicing.hold.no_tax_rate' };
  return { mode: 'standard', rate, noteKey: null, vatId };
}

export const isTaxProblem = (d: TaxDecision | TaxProblem): d is TaxProblem => 'code' in d;

/** Tax on a net amount (minor units) at a percentage rate, rounded half up (away from zero). */
export function taxOn(net: bigint, rate: string): bigint {
  const r: Scaled = parseDecimal(rate);
  // net × rate / 100, with the rate's own scale
  return divRound(net * r.value, 100n * 10n ** BigInt(r.scale), 'half_up');
}
