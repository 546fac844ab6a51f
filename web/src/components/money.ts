// Money and exact decimals in the UI. The API sends amounts as exact decimal strings ("1234.56");
// they are formatted from the string (Intl.NumberFormat accepts numeric strings and keeps every
// digit) and never pass through a JS number.

type NumericString = `${number}`;

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** The number of digits after the point of a decimal string ("12.50" → 2, "7" → 0). */
function scaleOf(amount: string): number {
  const dot = amount.indexOf('.');
  return dot < 0 ? 0 : amount.length - dot - 1;
}

/**
 * An exact decimal string as money in the user's language ("1234.5" EUR → "€1,234.50" / "1.234,50 €").
 * The digits shown are the currency's usual ones or more, never fewer than the string has: the
 * desk's ISO 4217 table and Intl disagree on a few currencies (HUF), and nothing is rounded away.
 * An unknown currency or a malformed amount falls back to "1234.50 XYZ".
 */
export function formatMoney(locale: string, amount: string, currency: string): string {
  if (!DECIMAL.test(amount)) return `${amount} ${currency}`;
  try {
    const usual = new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions().minimumFractionDigits ?? 2;
    const digits = Math.min(20, Math.max(usual, scaleOf(amount)));
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount as NumericString);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** An exact decimal quantity ("2", "2.500000") in the user's language, trailing zeros dropped. */
export function formatDecimal(locale: string, value: string): string {
  if (!DECIMAL.test(value)) return value;
  try {
    return new Intl.NumberFormat(locale, { maximumFractionDigits: Math.min(20, scaleOf(value)) }).format(value as NumericString);
  } catch {
    return value;
  }
}

/** Whether an exact decimal string is zero ("0", "-0.00"). */
export const isZero = (amount: string) => /^-?0*(\.0*)?$/.test(amount.trim()) && /\d/.test(amount);

/** Whether an exact decimal string is below zero. */
export const isNegative = (amount: string) => amount.trim().startsWith('-') && !isZero(amount);

/**
 * What a person typed as an amount, as the API's decimal string ("1 234,50" → "1234.50"), or
 * undefined when it is not one. A comma is the decimal separator when there is no point.
 */
export function decimalInput(text: string): string | undefined {
  let s = text.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (s.includes(',') && !s.includes('.')) s = s.replace(',', '.');
  return /^-?\d{1,15}(\.\d{1,6})?$/.test(s) ? s : undefined;
}
