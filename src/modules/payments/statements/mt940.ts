import { ibanLength, normalizeIban } from './iban.js';
import { parseDetails } from './mt940-86.js';
import { accountId, checkCurrency, isoDate, toMinor, withKeys, type KeylessEntry, type LocatedStatement } from './shared.js';
import { isCurrency } from '../../../core/currencies.js';
import { StatementError, type ParsedStatement } from './types.js';

/**
 * SWIFT MT940 customer statements, bare or inside {1:}{2:}{4: … -} blocks, one or many messages
 * per file. A message starts at :20:. Amounts use a decimal comma; entries are in the currency of
 * the opening balance. Pure.
 */

interface Field {
  tag: string;
  lines: string[];
  line: number;
}

/** MT940 when a line starts with :20: and one with :60F: or :60M: (possibly right after a {4: block opener). */
export function looksLikeMt940(text: string): boolean {
  return /(^|[\r\n]|\{4:)\s*:20:/.test(text) && /(^|[\r\n]|\{4:)\s*:60[FM]:/.test(text);
}

export function parseMt940(text: string): ParsedStatement[] {
  return readMt940(text).map((s) => s.statement);
}

export function readMt940(text: string): LocatedStatement[] {
  const messages = splitMessages(text);
  if (messages.length === 0) throw new StatementError('bank.empty', {}, null);
  return messages.map(readMessage);
}

/** Fields grouped by message. Block headers and trailers are dropped; line numbers stay those of the file. */
function splitMessages(text: string): Field[][] {
  const messages: Field[][] = [];
  let current: Field[] | null = null;
  let field: Field | null = null;
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    let line = raw.replace(/^\uFEFF/, '');
    for (;;) {
      const block = /^\{[1235]:(?:[^{}]|\{[^{}]*\})*\}/.exec(line);
      if (block) line = line.slice(block[0].length);
      else if (line.startsWith('{4:')) line = line.slice(3);
      else break;
    }
    if (/^\s*-\s*(\}.*)?$/.test(line) && line.trim() !== '') {
      current = null; // end of message
      field = null;
      return;
    }
    const m = /^:([0-9A-Z]{2,3}):(.*)$/.exec(line);
    if (m) {
      field = { tag: m[1]!, lines: [m[2]!], line: i + 1 };
      if (m[1] === '20' || !current) messages.push((current = []));
      current.push(field);
    } else if (field && line.trim() !== '') field.lines.push(line);
  });
  return messages;
}

const twoDigitYear = (yy: number) => (yy >= 80 ? 1900 + yy : 2000 + yy);

function yymmdd(value: string, at: string): string {
  return isoDate(twoDigitYear(Number(value.slice(0, 2))), Number(value.slice(2, 4)), Number(value.slice(4, 6)), value, at);
}

/** An MMDD entry date takes the year that puts it closest to the value date (a booking on 31 Dec valued 2 Jan). */
function entryDate(mmdd: string, valueDate: string, at: string): string {
  const year = Number(valueDate.slice(0, 4));
  const [month, day] = [Number(mmdd.slice(0, 2)), Number(mmdd.slice(2, 4))];
  const valueDay = Date.parse(valueDate);
  let best: string | null = null;
  for (const y of [year, year - 1, year + 1]) {
    let candidate: string;
    try {
      candidate = isoDate(y, month, day, mmdd, at);
    } catch {
      continue; // 29 Feb exists in some years only
    }
    if (best === null || Math.abs(Date.parse(candidate) - valueDay) < Math.abs(Date.parse(best) - valueDay)) best = candidate;
  }
  if (best === null) throw new StatementError('bank.bad_date', { value: mmdd }, at);
  return best;
}

/** "1234,56" → minor units. */
function amount(text: string, currency: string, at: string, allowZero = false): bigint {
  const m = /^(\d+),(\d*)$/.exec(text);
  if (!m) throw new StatementError('bank.bad_amount', { value: text }, at);
  try {
    return toMinor(m[2] ? `${m[1]}.${m[2]}` : m[1], currency, at, allowZero);
  } catch (e) {
    // say it as the file does ("0,50"), not as converted
    throw e instanceof StatementError && e.code === 'bank.bad_amount' ? new StatementError('bank.bad_amount', { value: text }, at) : e;
  }
}

function balance(f: Field): { value: bigint; currency: string; date: string } {
  const at = `line ${f.line}`;
  const v = f.lines[0]!.trim();
  const m = /^([CD])(\d{6})([A-Z]{3})(.+)$/.exec(v);
  if (!m) throw new StatementError('bank.bad_field', { field: `:${f.tag}:`, value: v }, at);
  const currency = checkCurrency(m[3], at);
  return { value: amount(m[4]!, currency, at, true) * (m[1] === 'D' ? -1n : 1n), currency, date: yymmdd(m[2]!, at) };
}

/** :25: is an IBAN (sometimes followed by the currency), "BIC/IBAN", or "BLZ/account". */
function account(value: string): { iban: string | null; other: string | null; currency: string | null; servicer: string | null } {
  let compact = normalizeIban(value);
  let servicer: string | null = null;
  const withBic = /^([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\/([A-Z]{2}[0-9]{2}[A-Z0-9]+)$/.exec(compact);
  if (withBic) {
    servicer = withBic[1]!;
    compact = withBic[2]!;
  }
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(compact)) return { iban: null, other: value.trim(), currency: null, servicer: null };
  const length = ibanLength(compact.slice(0, 2));
  if (length && compact.length === length + 3 && isCurrency(compact.slice(length))) {
    return { iban: compact.slice(0, length), other: null, currency: compact.slice(length), servicer };
  }
  return { iban: compact, other: null, currency: null, servicer };
}

const LINE_61 = /^(\d{6})(\d{4})?(RC|RD|C|D)([A-Z])?(\d+,\d*)([NFS][A-Z0-9]{3})(.*)$/;

function readMessage(fields: Field[]): LocatedStatement {
  const first = fields[0]!;
  const at = `line ${first.line}`;
  const find = (...tags: string[]) => fields.find((f) => tags.includes(f.tag));
  const need = (...tags: string[]) => {
    const f = find(...tags);
    if (!f) throw new StatementError('bank.missing_field', { field: `:${tags[0]}:` }, at);
    return f;
  };
  const ref = need('20').lines[0]!.trim();
  const acctField = need('25');
  const seq = find('28C', '28')?.lines[0]?.trim();
  const opening = balance(need('60F', '60M'));
  const closingField = find('62F', '62M');
  const closing = closingField ? balance(closingField) : null;
  if (closing && closing.currency !== opening.currency) {
    throw new StatementError('bank.bad_currency', { currency: closing.currency }, `line ${closingField!.line}`);
  }
  const acct = account(acctField.lines[0]!);
  const currency = opening.currency;
  const keyless: KeylessEntry[] = [];
  const entryAt: string[] = [];
  fields.forEach((f, i) => {
    if (f.tag !== '61') return;
    const where = `line ${f.line}`;
    const head = f.lines[0]!.trim();
    const m = LINE_61.exec(head);
    if (!m) throw new StatementError('bank.bad_field', { field: ':61:', value: head }, where);
    const valueDate = yymmdd(m[1]!, where);
    const [customerRef, bankRef] = splitOnce(m[7]!, '//');
    const next = fields[i + 1];
    const details = parseDetails(next?.tag === '86' ? next.lines : []);
    const nonRef = (v: string | undefined) => (v && v.trim() && v.trim().toUpperCase() !== 'NONREF' ? v.trim() : null);
    keyless.push({
      position: keyless.length + 1,
      refKey: null,
      bookingDate: m[2] ? entryDate(m[2], valueDate, where) : valueDate,
      valueDate,
      amount: amount(m[5]!, currency, where),
      currency,
      // RC reverses a credit, so it is a debit; RD reverses a debit.
      direction: m[3] === 'C' || m[3] === 'RD' ? 'credit' : 'debit',
      reversal: m[3]!.startsWith('R'),
      status: 'booked',
      bankReference: nonRef(bankRef),
      endToEndId: details.endToEndId ?? nonRef(customerRef),
      remittance: details.remittance,
      payer: { name: details.payerName, iban: details.payerIban },
      transactionCode: m[6]!,
      returnReason: details.returnReason,
    });
    entryAt.push(where);
  });
  const acctInfo = { ...acct, currency: acct.currency ?? currency };
  const statement: ParsedStatement = {
    format: 'mt940',
    version: null,
    statementId: seq ? `${ref}/${seq}` : ref,
    account: acctInfo,
    // MT940 names no period; the statement runs from its opening balance's date to its closing balance's
    fromDate: opening.date,
    toDate: closing?.date ?? null,
    openingBalance: opening.value,
    closingBalance: closing?.value ?? null,
    entries: withKeys(accountId(acctInfo), keyless),
  };
  return {
    statement,
    at: { statement: at, iban: `line ${acctField.line}`, balance: `line ${closingField?.line ?? first.line}`, entries: entryAt },
  };
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + sep.length)];
}
