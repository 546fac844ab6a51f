import { parseCsv } from '../../provider-billing/formats/csv.js';
import { normalizeIban } from './iban.js';
import { accountId, checkCurrency, isoDate, sha256Hex, squash, toMinor, withKeys, type KeylessEntry, type LocatedStatement } from './shared.js';
import { StatementError, type CsvMapping, type ParsedStatement } from './types.js';

/**
 * A bank's CSV export read with a saved column mapping. Cells come from the shared tokenizer; the
 * header is the first row that holds every mapped column (banks put account details above it).
 * Errors say "row <line>, column <header>", the line being the file's line.
 */

/** A signed amount in major units with the given decimal separator; the other of "." and "," may group thousands ("1.234,56"). */
export function parseCsvAmount(text: string, decimalSeparator: '.' | ',', currency: string, at: string): bigint {
  const value = text.trim();
  const group = decimalSeparator === ',' ? '\\.' : ',';
  const dec = decimalSeparator === ',' ? ',' : '\\.';
  const m = new RegExp(`^([+-])?(\\d{1,3}(?:${group}\\d{3})+|\\d+)(?:${dec}(\\d+))?(-)?$`).exec(value.replace(/[\u00a0\u202f ]/g, ''));
  if (!m || (m[1] && m[4])) throw new StatementError('bank.bad_amount', { value }, at);
  const plain = m[2]!.replace(/[.,]/g, '') + (m[3] ? `.${m[3]}` : '');
  let minor: bigint;
  try {
    minor = toMinor(plain, currency, at, true);
  } catch (e) {
    if (e instanceof StatementError && e.code === 'bank.bad_amount') throw new StatementError('bank.bad_amount', { value }, at);
    throw e;
  }
  return m[1] === '-' || m[4] ? -minor : minor;
}

/** A date in a format made of YYYY, YY, MM, M, DD, D and literal separators ("DD.MM.YYYY", "MM/DD/YYYY"). */
export function parseCsvDate(text: string, format: string, at: string): string {
  const value = text.trim();
  const m = dateRegex(format).exec(value);
  if (!m?.groups) throw new StatementError('bank.bad_date', { value, format }, at);
  const g = m.groups;
  const year = g['y4'] ? Number(g['y4']) : 2000 + Number(g['y2']);
  return isoDate(year, Number(g['m']), Number(g['d']), value, at);
}

function dateRegex(format: string): RegExp {
  let source = '';
  const seen = new Set<string>();
  for (const [, token, literal] of format.matchAll(/(YYYY|YY|MM|M|DD|D)|([^YMD]+|[YMD])/g)) {
    if (literal !== undefined) {
      if (/[YMD]/.test(literal)) throw new StatementError('bank.csv_bad_mapping', { field: 'dateFormat', value: format }, null);
      source += literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      continue;
    }
    const group = token === 'YYYY' ? 'y4' : token === 'YY' ? 'y2' : token!.startsWith('M') ? 'm' : 'd';
    if (seen.has(group[0]!)) throw new StatementError('bank.csv_bad_mapping', { field: 'dateFormat', value: format }, null);
    seen.add(group[0]!);
    source += `(?<${group}>\\d{${token === 'YYYY' ? 4 : token === 'YY' ? 2 : '1,2'}})`;
  }
  if (seen.size !== 3) throw new StatementError('bank.csv_bad_mapping', { field: 'dateFormat', value: format }, null);
  return new RegExp(`^${source}$`);
}

export function parseBankCsv(text: string, mapping: CsvMapping): ParsedStatement[] {
  return readBankCsv(text, mapping).map((s) => s.statement);
}

/** How many rows may come before the header (account name, period, opening balance lines). */
const MAX_PREAMBLE = 30;

export function readBankCsv(text: string, mapping: CsvMapping): LocatedStatement[] {
  const cols = mapping.columns;
  if (!cols.amount && !cols.credit && !cols.debit) throw new StatementError('bank.csv_bad_mapping', { field: 'amount', value: '' }, null);
  if (cols.amount && (cols.credit || cols.debit)) throw new StatementError('bank.csv_bad_mapping', { field: 'amount', value: cols.amount }, null);
  const remittanceCols = Array.isArray(cols.remittance) ? cols.remittance : [cols.remittance];
  const optional = [cols.valueDate, cols.amount, cols.credit, cols.debit, cols.currency, cols.payerName, cols.payerIban, cols.reference, cols.endToEndId];
  const wanted = [cols.bookingDate, ...remittanceCols, ...optional].filter((c): c is string => !!c);
  dateRegex(mapping.dateFormat); // a bad format is the mapping's fault, say so before any row
  const decimal = mapping.decimalSeparator ?? '.';

  const rows: { line: number; cells: string[] }[] = [];
  for (const ev of parseCsv(text, { delimiter: mapping.delimiter, checkCellCount: false })) {
    if (ev.kind === 'error') throw new StatementError('bank.csv_bad_row', { reason: ev.code }, `line ${ev.line}`);
    rows.push(ev);
  }
  if (rows.length === 0) throw new StatementError('bank.empty', {}, null);

  // The header: the first row naming every mapped column; else report against the row that names most.
  let best = { index: 0, found: -1 };
  for (let i = 0; i < Math.min(rows.length, MAX_PREAMBLE + 1); i++) {
    const names = new Set(rows[i]!.cells.map((c) => c.trim()));
    const found = wanted.filter((w) => names.has(w)).length;
    if (found > best.found) best = { index: i, found };
    if (found === wanted.length) break;
  }
  const header = rows[best.index]!;
  const names = header.cells.map((c) => c.trim());
  const missing = wanted.find((w) => !names.includes(w));
  if (missing) throw new StatementError('bank.csv_missing_column', { column: missing }, `line ${header.line}`);
  const index = new Map<string, number>();
  names.forEach((n, i) => index.has(n) || index.set(n, i));

  const keyless: KeylessEntry[] = [];
  const entryAt: string[] = [];
  const data: string[][] = [];
  for (const { line, cells } of rows.slice(best.index + 1)) {
    if (cells.every((c) => c.trim() === '')) continue;
    if (cells.length !== names.length) {
      throw new StatementError('bank.csv_bad_row', { reason: 'cell_count', cells: cells.length, expected: names.length }, `line ${line}`);
    }
    data.push(cells);
    const cell = (col: string | undefined) => (col ? cells[index.get(col)!]!.trim() : '');
    const at = (col: string) => `row ${line}, column ${col}`;
    const currency = cols.currency ? checkCurrency(cell(cols.currency), at(cols.currency)) : checkCurrency(mapping.currency, `row ${line}`);
    let signed: bigint;
    if (cols.amount) {
      signed = parseCsvAmount(cell(cols.amount), decimal, currency, at(cols.amount));
    } else {
      const credit = cell(cols.credit) ? parseCsvAmount(cell(cols.credit), decimal, currency, at(cols.credit!)) : 0n;
      const debit = cell(cols.debit) ? parseCsvAmount(cell(cols.debit), decimal, currency, at(cols.debit!)) : 0n;
      if (credit < 0n) throw new StatementError('bank.bad_amount', { value: cell(cols.credit) }, at(cols.credit!));
      if (credit !== 0n && debit !== 0n) throw new StatementError('bank.bad_amount', { value: `${cell(cols.credit)} / ${cell(cols.debit)}` }, at(cols.credit!));
      signed = credit !== 0n ? credit : debit < 0n ? debit : -debit;
    }
    if (signed === 0n) throw new StatementError('bank.bad_amount', { value: cell(cols.amount ?? cols.credit ?? cols.debit) }, at((cols.amount ?? cols.credit ?? cols.debit)!));
    const e2e = cell(cols.endToEndId);
    const iban = normalizeIban(cell(cols.payerIban));
    keyless.push({
      position: keyless.length + 1,
      refKey: null,
      bookingDate: parseCsvDate(cell(cols.bookingDate), mapping.dateFormat, at(cols.bookingDate)),
      valueDate: cell(cols.valueDate) ? parseCsvDate(cell(cols.valueDate), mapping.dateFormat, at(cols.valueDate!)) : null,
      amount: signed < 0n ? -signed : signed,
      currency,
      direction: signed < 0n ? 'debit' : 'credit',
      reversal: false,
      status: 'booked',
      bankReference: cell(cols.reference) || null,
      endToEndId: e2e && e2e.toUpperCase() !== 'NOTPROVIDED' ? e2e : null,
      remittance: squash(remittanceCols.map(cell).join(' ')),
      payer: { name: squash(cell(cols.payerName)) || null, iban: iban || null },
      transactionCode: null,
      returnReason: null,
    });
    entryAt.push(`row ${line}`);
  }
  const account = { iban: mapping.accountIban ? normalizeIban(mapping.accountIban) : null, other: null, currency: mapping.currency ?? null, servicer: null };
  const statement: ParsedStatement = {
    format: 'csv',
    version: null,
    statementId: `csv:${sha256Hex(JSON.stringify(data)).slice(0, 32)}`,
    account,
    fromDate: null,
    toDate: null,
    openingBalance: null,
    closingBalance: null,
    entries: withKeys(accountId(account), keyless),
  };
  return [{ statement, at: { statement: `line ${header.line}`, iban: 'mapping accountIban', balance: `line ${header.line}`, entries: entryAt } }];
}
