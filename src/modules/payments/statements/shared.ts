import { createHash } from 'node:crypto';
import { currencyExponent, isCurrency } from '../../../core/currencies.js';
import { formatScaled, parseMoney } from '../../../core/money.js';
import { StatementError, type ParsedEntry, type ParsedStatement } from './types.js';

/**
 * Helpers the statement parsers share: exact amounts, dates, entry keys, and the places that
 * validation messages point at. Pure.
 */

/** A parsed statement with the places its parts came from, so validation can say where. */
export interface LocatedStatement {
  statement: ParsedStatement;
  at: {
    statement: string;
    iban: string;
    balance: string;
    /** one per entry, same order */
    entries: string[];
  };
  /** balances per currency when a statement has several (camt multi-currency accounts); else the statement's own */
  balances?: Map<string, { opening: bigint | null; closing: bigint | null }>;
}

/** Check a currency code: three upper-case letters that ISO 4217 knows. */
export function checkCurrency(code: string | null | undefined, at: string): string {
  const c = (code ?? '').trim();
  if (!/^[A-Z]{3}$/.test(c) || !isCurrency(c)) throw new StatementError('bank.bad_currency', { currency: c }, at);
  return c;
}

/**
 * A plain decimal ("1234.5", "0.00") in major units → exact minor units of the currency. Refuses
 * signs, exponents, grouping, and more decimals than the currency has (unless they are zeros).
 */
export function toMinor(text: string | null | undefined, currency: string, at: string, allowZero = false): bigint {
  const value = (text ?? '').trim();
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value)) throw new StatementError('bank.bad_amount', { value }, at);
  let minor: bigint;
  try {
    minor = parseMoney(value, currency).amount;
  } catch {
    throw new StatementError('bank.bad_amount', { value }, at);
  }
  if (minor === 0n && !allowZero) throw new StatementError('bank.bad_amount', { value }, at);
  return minor;
}

/** Minor units → "-12.34" with the currency's exponent (messages). */
export function formatMinor(amount: bigint, currency: string): string {
  return formatScaled({ value: amount, scale: currencyExponent(currency) });
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** "YYYY-MM-DD" from numbers, or a bank.bad_date error when there is no such day. */
export function isoDate(year: number, month: number, day: number, value: string, at: string): string {
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (!isIsoDate(text)) throw new StatementError('bank.bad_date', { value }, at);
  return text;
}

/** The date part of an ISO date or date-time as the bank wrote it ("2026-03-02T23:30:00+01:00" → "2026-03-02"). */
export function datePart(text: string, at: string): string {
  const d = text.trim().slice(0, 10);
  if (!isIsoDate(d) || (text.trim().length > 10 && text.trim()[10] !== 'T')) throw new StatementError('bank.bad_date', { value: text.trim() }, at);
  return d;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** An entry before its key is known; `refKey` is the bank's own reference for it (camt AcctSvcrRef), when there is one. */
export type KeylessEntry = Omit<ParsedEntry, 'key'> & { refKey: string | null };

/**
 * Give each entry its key. With a bank reference: "<account>:ref:<reference>" — equal for the same
 * booking in a camt.053 and a camt.054. Else "<account>:h:<sha256>" of what the booking says, plus
 * its position among entries that say exactly the same (two equal card payments on one day).
 * A reference the bank repeats within one statement gets "#2", "#3" … on later uses.
 */
export function withKeys(accountId: string, entries: KeylessEntry[]): ParsedEntry[] {
  const seen = new Map<string, number>();
  return entries.map(({ refKey, ...e }) => {
    const fields = refKey
      ? `ref|${refKey}`
      : [accountId, e.bookingDate, e.valueDate, e.direction, e.amount.toString(), e.currency, e.endToEndId, e.bankReference, e.remittance]
          .map((x) => x ?? '')
          .join('|');
    const n = (seen.get(fields) ?? 0) + 1;
    seen.set(fields, n);
    if (refKey) return { ...e, key: `${accountId}:ref:${refKey}${n === 1 ? '' : `#${n}`}` };
    return { ...e, key: `${accountId}:h:${sha256Hex(`${fields}|${n}`).slice(0, 40)}` };
  });
}

/** The id entry keys are prefixed with: the IBAN, else the bank's account id. */
export function accountId(account: ParsedStatement['account']): string {
  return account.iban ?? account.other ?? '';
}

/** Squash runs of white space to one space and trim (remittance lines, names). */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
