import { currencyExponent } from '../../core/currencies.js';
import { formatMoney, type Locale } from '../../core/i18n.js';
import { formatScaled, parseDecimal, type Scaled } from '../../core/money.js';

/**
 * Locale formatting for invoice documents. Numbers reach Intl.NumberFormat as exact decimal
 * strings (it formats strings without going through a float), never as JS numbers, so amounts
 * beyond 2^53 and unit prices with six decimals print exactly.
 */

/** Intl takes a decimal string where its types say number. */
const exact = (decimal: string) => decimal as unknown as number;

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function nf(locale: Locale, minFrac: number, maxFrac: number, style: 'decimal' | 'percent' = 'decimal'): Intl.NumberFormat {
  const key = `n|${locale}|${minFrac}|${maxFrac}|${style}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) {
    f = new Intl.NumberFormat(locale, { style, minimumFractionDigits: minFrac, maximumFractionDigits: maxFrac });
    cache.set(key, f);
  }
  return f;
}

/** Drop trailing fraction zeros, keeping at least `min` fraction digits. */
function trimScale(x: Scaled, min: number): Scaled {
  let { value, scale } = x;
  while (scale > min && value % 10n === 0n) {
    value /= 10n;
    scale--;
  }
  if (scale < min) return { value: value * 10n ** BigInt(min - scale), scale: min };
  return { value, scale };
}

/** A decimal text such as "25", "1.500000" → "25", "1.5" (de "1,5"), grouped. */
export function formatQuantity(locale: Locale, quantity: string): string {
  const x = trimScale(parseDecimal(quantity), 0);
  return nf(locale, x.scale, x.scale).format(exact(formatScaled(x)));
}

/** A unit price with its own scale, at least 2 decimals (or the currency's, if more); no symbol. */
export function formatUnitPrice(locale: Locale, price: Scaled, currency: string): string {
  const x = trimScale(price, Math.max(2, currencyExponent(currency)));
  return nf(locale, x.scale, x.scale).format(exact(formatScaled(x)));
}

/** Minor units as a grouped decimal without the currency symbol (table cells). */
export function formatAmount(locale: Locale, minor: bigint, currency: string): string {
  const exp = currencyExponent(currency);
  return nf(locale, exp, exp).format(exact(formatScaled({ value: minor, scale: exp })));
}

/** Minor units with the currency as the locale writes it (totals): de "1.234,56 €". */
export function formatTotal(locale: Locale, minor: bigint, currency: string): string {
  return formatMoney(locale, { amount: minor, currency });
}

/** A percentage given as decimal text ("19", "8.1") as the locale writes it: de "19 %", en "19%". */
export function formatRate(locale: Locale, rate: string): string {
  const x = parseDecimal(rate);
  const fraction = { value: x.value, scale: x.scale + 2 }; // 19 → 0.19
  const digits = trimScale(x, 0).scale;
  return nf(locale, 0, digits, 'percent').format(exact(formatScaled(fraction)));
}

/** A calendar day (YYYY-MM-DD): 'medium' → "31.10.2026", "Oct 31, 2026", "2026年10月31日"; 'numeric' → "31.10.2026", "10/31/2026", "2026/10/31". */
export function formatDay(locale: Locale, day: string, style: 'medium' | 'numeric' = 'medium'): string {
  const key = `d|${locale}|${style}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f =
      style === 'medium'
        ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' })
        : new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' });
    cache.set(key, f);
  }
  return f.format(new Date(`${day}T00:00:00Z`));
}
