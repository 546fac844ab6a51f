import { currencyExponent } from './currencies.js';

/**
 * Exact money. Amounts are bigint minor units of an ISO 4217 currency; unit prices keep their
 * own scale as scaled bigints. No JavaScript number ever holds an amount.
 */
export interface Money {
  readonly amount: bigint; // minor units
  readonly currency: string;
}

/** Named rounding modes. `down` is Excel's ROUNDDOWN (toward zero), as Microsoft's formulas use. */
export type Rounding = 'down' | 'up' | 'floor' | 'ceiling' | 'half_up' | 'half_even';

/** A decimal held exactly as `value × 10^-scale`. */
export interface Scaled {
  readonly value: bigint;
  readonly scale: number;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?$/;

/** Parse a decimal string exactly ("-12.3400", "1e2" is refused). */
export function parseDecimal(text: string): Scaled {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  const frac = m[3] ?? '';
  const digits = BigInt((m[2] ?? '0') + frac);
  return { value: m[1] === '-' ? -digits : digits, scale: frac.length };
}

export function pow10(n: number): bigint {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`bad exponent ${n}`);
  return 10n ** BigInt(n);
}

/** Divide exactly and round the quotient with a named mode. */
export function divRound(num: bigint, den: bigint, mode: Rounding): bigint {
  if (den === 0n) throw new RangeError('division by zero');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const q = num / den; // truncates toward zero
  const r = num % den;
  if (r === 0n) return q;
  const negative = num < 0n;
  const twice = (r < 0n ? -r : r) * 2n;
  switch (mode) {
    case 'down':
      return q;
    case 'up':
      return negative ? q - 1n : q + 1n;
    case 'floor':
      return negative ? q - 1n : q;
    case 'ceiling':
      return negative ? q : q + 1n;
    case 'half_up':
      return twice >= den ? (negative ? q - 1n : q + 1n) : q;
    case 'half_even': {
      if (twice > den || (twice === den && (q & 1n) !== 0n)) return negative ? q - 1n : q + 1n;
      return q;
    }
  }
}

/** Change the scale of a decimal, rounding with `mode` when digits are dropped. */
export function rescale(x: Scaled, scale: number, mode: Rounding): Scaled {
  if (scale >= x.scale) return { value: x.value * pow10(scale - x.scale), scale };
  return { value: divRound(x.value, pow10(x.scale - scale), mode), scale };
}

export function mulScaled(a: Scaled, b: Scaled): Scaled {
  return { value: a.value * b.value, scale: a.scale + b.scale };
}

/** Render a scaled decimal as a plain string with exactly `scale` fraction digits. */
export function formatScaled(x: Scaled): string {
  const neg = x.value < 0n;
  const digits = (neg ? -x.value : x.value).toString().padStart(x.scale + 1, '0');
  const int = x.scale === 0 ? digits : digits.slice(0, -x.scale);
  const frac = x.scale === 0 ? '' : '.' + digits.slice(-x.scale);
  return (neg ? '-' : '') + int + frac;
}

export function money(amount: bigint, currency: string): Money {
  currencyExponent(currency); // validates the code
  return { amount, currency };
}

/** Parse a decimal amount in major units into minor units; refuses extra digits unless a rounding is named. */
export function parseMoney(text: string, currency: string, mode?: Rounding): Money {
  const exp = currencyExponent(currency);
  const x = parseDecimal(text);
  if (x.scale > exp && !mode) {
    const trimmed = rescale(x, exp, 'down');
    if (rescale(trimmed, x.scale, 'down').value !== x.value) {
      throw new RangeError(`${text} has more than ${exp} decimals for ${currency}`);
    }
  }
  return { amount: rescale(x, exp, mode ?? 'down').value, currency };
}

/** "12.34" for 1234n EUR; no grouping, no symbol (for files, APIs and Intl input). */
export function moneyToDecimalString(m: Money): string {
  return formatScaled({ value: m.amount, scale: currencyExponent(m.currency) });
}

function same(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new RangeError(`currency mismatch: ${a.currency} vs ${b.currency}`);
}

export function addMoney(a: Money, b: Money): Money {
  same(a, b);
  return { amount: a.amount + b.amount, currency: a.currency };
}

export function subMoney(a: Money, b: Money): Money {
  same(a, b);
  return { amount: a.amount - b.amount, currency: a.currency };
}

export function sumMoney(items: readonly Money[], currency: string): Money {
  let total = 0n;
  for (const m of items) {
    if (m.currency !== currency) throw new RangeError(`currency mismatch: ${m.currency} vs ${currency}`);
    total += m.amount;
  }
  return { amount: total, currency };
}

export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  same(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}
