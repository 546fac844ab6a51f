import { readCamt } from './camt.js';
import { readBankCsv } from './csv-bank.js';
import { isValidIban } from './iban.js';
import { looksLikeMt940, readMt940 } from './mt940.js';
import { checkCurrency, formatMinor, type LocatedStatement } from './shared.js';
import { StatementError, type CsvMapping, type ParsedStatement } from './types.js';

/**
 * One entry point for an uploaded bank statement: find the format, parse, and check every
 * statement before anything is stored — a file that does not add up is refused as a whole, with
 * the place to look. Pure (no I/O); the caller reads the file.
 */

export type DetectedFormat = 'camt' | 'mt940' | 'csv';

/** Bytes → text: UTF-8 when the bytes are valid UTF-8, else Windows-1252 (older German bank exports); a BOM is dropped. */
export function decodeStatementText(content: string | Buffer): string {
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    } catch {
      text = new TextDecoder('windows-1252').decode(content);
    }
  }
  return text.replace(/^\uFEFF/, '');
}

/** XML by its first character, MT940 by its :20: and :60F:/:60M: tags, CSV otherwise. */
export function detectStatementFormat(text: string): DetectedFormat {
  if (text.trimStart().startsWith('<')) return 'camt';
  if (looksLikeMt940(text)) return 'mt940';
  return 'csv';
}

export function parseStatementFile(content: string | Buffer, opts: { mapping?: CsvMapping; fileName?: string } = {}): ParsedStatement[] {
  const text = decodeStatementText(content);
  if (text.trim() === '') throw new StatementError('bank.empty', opts.fileName ? { file: opts.fileName } : {}, null);
  let located: LocatedStatement[];
  switch (detectStatementFormat(text)) {
    case 'camt':
      located = readCamt(text);
      break;
    case 'mt940':
      located = readMt940(text);
      break;
    case 'csv':
      if (!opts.mapping) throw new StatementError('bank.csv_needs_mapping', opts.fileName ? { file: opts.fileName } : {}, null);
      located = readBankCsv(text, opts.mapping);
      break;
  }
  for (const s of located) validateStatement(s);
  return located.map((s) => s.statement);
}

/**
 * The checks every statement passes whatever its format: a given account IBAN is valid, entry
 * amounts are positive in a known currency, and per currency opening + booked credits − booked
 * debits = closing when both balances are given. A reversal is signed by its own direction
 * (a reversed credit is booked as a debit).
 */
export function validateStatement({ statement, at, balances }: LocatedStatement): void {
  const iban = statement.account.iban;
  if (iban !== null && !isValidIban(iban)) throw new StatementError('bank.bad_iban', { iban }, at.iban);
  statement.entries.forEach((e, i) => {
    const where = at.entries[i] ?? at.statement;
    checkCurrency(e.currency, where);
    if (e.amount <= 0n) throw new StatementError('bank.bad_amount', { value: formatMinor(e.amount, e.currency) }, where);
  });
  const perCurrency =
    balances ??
    new Map(statement.account.currency ? [[statement.account.currency, { opening: statement.openingBalance, closing: statement.closingBalance }]] : []);
  for (const [currency, { opening, closing }] of perCurrency) {
    if (opening === null || closing === null) continue;
    let sum = 0n;
    for (const e of statement.entries) {
      if (e.status === 'booked' && e.currency === currency) sum += e.direction === 'credit' ? e.amount : -e.amount;
    }
    if (opening + sum !== closing) {
      const f = (v: bigint) => formatMinor(v, currency);
      throw new StatementError('bank.balance_mismatch', { opening: f(opening), sum: f(sum), closing: f(closing), currency }, at.balance);
    }
  }
}
