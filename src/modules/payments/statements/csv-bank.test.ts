import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { currencyExponent } from '../../../core/currencies.js';
import { parseBankCsv, parseCsvAmount, parseCsvDate } from './csv-bank.js';
import { decodeStatementText } from './parse.js';
import { formatMinor, toMinor } from './shared.js';
import { StatementError, type CsvMapping } from './types.js';

function errorOf(fn: () => unknown): StatementError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatementError) return e;
    throw e;
  }
  throw new Error('expected a StatementError');
}

const sparkasse: CsvMapping = {
  delimiter: ';',
  decimalSeparator: ',',
  dateFormat: 'DD.MM.YYYY',
  columns: {
    bookingDate: 'Buchungstag',
    valueDate: 'Valutadatum',
    amount: 'Betrag',
    currency: 'Währung',
    remittance: 'Verwendungszweck',
    payerName: 'Auftraggeber/Empfänger',
    payerIban: 'IBAN',
    endToEndId: 'Kundenreferenz',
  },
  accountIban: 'DE31 3705 0198 1930 1245 78',
};

describe('bank CSV', () => {
  // Windows-1252 with CRLF and account lines above the header, as German savings banks export it
  const text = decodeStatementText(readFileSync(new URL('./fixtures/bank_sparkasse.csv', import.meta.url)));
  const [s] = parseBankCsv(text, sparkasse);

  it('reads the rows after the preamble with decimal comma, thousands dots and DD.MM.YYYY', () => {
    expect(s).toMatchObject({
      format: 'csv',
      version: null,
      account: { iban: 'DE31370501981930124578', other: null, currency: null, servicer: null },
      openingBalance: null,
      closingBalance: null,
    });
    expect(s!.statementId).toMatch(/^csv:[0-9a-f]{32}$/);
    expect(s!.entries.map((e) => [e.bookingDate, e.valueDate, e.direction, e.amount])).toEqual([
      ['2026-03-06', '2026-03-06', 'credit', 123456n],
      ['2026-03-06', '2026-03-06', 'debit', 8925n],
      ['2026-03-05', '2026-03-05', 'credit', 1250000n],
      ['2026-03-05', '2026-03-04', 'credit', 25000n],
      ['2026-03-05', '2026-03-04', 'credit', 25000n],
    ]);
    expect(s!.entries[0]).toMatchObject({
      position: 1,
      currency: 'EUR',
      remittance: 'Rechnung INV-2026-000050; Kundennr. K-10017',
      endToEndId: 'INV-2026-000050',
      payer: { name: 'Müller Steuerberatung GmbH', iban: 'DE15500105175407324580' },
      status: 'booked',
      reversal: false,
    });
    expect(s!.entries[1]).toMatchObject({ endToEndId: null, payer: { iban: 'DE08860555921090012345' } });
    expect(s!.entries[2]!.endToEndId).toBeNull();
  });

  it('gives two identical rows different, stable keys', () => {
    const keys = s!.entries.map((e) => e.key);
    expect(new Set(keys).size).toBe(5);
    expect(keys[3]).toMatch(/^DE31370501981930124578:h:[0-9a-f]{40}$/);
    expect(parseBankCsv(text, sparkasse)[0]!.entries.map((e) => e.key)).toEqual(keys);
  });

  it('reads separate credit and debit columns, several remittance columns and a fixed currency', () => {
    const csv = 'Date,Description,Reference,Paid in,Paid out\n03/06/2026,INV-2026-000054,"Acme, Inc.","1,500.00",\n03/07/2026,Card fee,,,-2.50\n';
    const [t] = parseBankCsv(csv, {
      dateFormat: 'MM/DD/YYYY',
      currency: 'USD',
      columns: { bookingDate: 'Date', credit: 'Paid in', debit: 'Paid out', remittance: ['Description', 'Reference'] },
    });
    expect(t!.account.currency).toBe('USD');
    expect(t!.entries.map((e) => [e.bookingDate, e.direction, e.amount, e.currency, e.remittance])).toEqual([
      ['2026-03-06', 'credit', 150000n, 'USD', 'INV-2026-000054 Acme, Inc.'],
      ['2026-03-07', 'debit', 250n, 'USD', 'Card fee'],
    ]);
  });

  const base = { dateFormat: 'YYYY-MM-DD', currency: 'EUR', columns: { bookingDate: 'date', amount: 'amount', remittance: 'text' } } satisfies CsvMapping;

  it.each([
    ['a missing column', 'date,betrag,text\n2026-03-01,1.00,x\n', base, { code: 'bank.csv_missing_column', params: { column: 'amount' }, at: 'line 1' }],
    ['a bad date', 'date,amount,text\n2026-03-01,1.00,x\n01.03.2026,1.00,y\n', base, { code: 'bank.bad_date', params: { value: '01.03.2026' }, at: 'row 3, column date' }],
    ['an impossible date', 'date,amount,text\n2026-02-29,1.00,x\n', base, { code: 'bank.bad_date', params: { value: '2026-02-29' }, at: 'row 2, column date' }],
    ['a bad amount', 'date,amount,text\n2026-03-01,1.0.0,x\n', base, { code: 'bank.bad_amount', params: { value: '1.0.0' }, at: 'row 2, column amount' }],
    ['a zero amount', 'date,amount,text\n2026-03-01,0.00,x\n', base, { code: 'bank.bad_amount', params: { value: '0.00' }, at: 'row 2, column amount' }],
    ['a bad currency', 'date,amount,text\n2026-03-01,1.00,x\n', { ...base, currency: 'eur' }, { code: 'bank.bad_currency', params: { currency: 'eur' }, at: 'row 2' }],
    ['a short row', 'date,amount,text\n2026-03-01,1.00\n', base, { code: 'bank.csv_bad_row', params: { reason: 'cell_count', cells: 2, expected: 3 }, at: 'line 2' }],
    ['a broken quote', 'date,amount,text\n2026-03-01,1.00,"x"y\n', base, { code: 'bank.csv_bad_row', params: { reason: 'recon.bad_quote' }, at: 'line 2' }],
    ['no amount column', 'date,text\n', { ...base, columns: { bookingDate: 'date', remittance: 'text' } }, { code: 'bank.csv_bad_mapping', params: { field: 'amount' } }],
    ['a bad date format', 'date,amount,text\n', { ...base, dateFormat: 'DD.MM' }, { code: 'bank.csv_bad_mapping', params: { field: 'dateFormat', value: 'DD.MM' } }],
    [
      'both credit and debit on a row',
      'date,in,out,text\n2026-03-01,1.00,2.00,x\n',
      { ...base, columns: { bookingDate: 'date', credit: 'in', debit: 'out', remittance: 'text' } },
      { code: 'bank.bad_amount', params: { value: '1.00 / 2.00' }, at: 'row 2, column in' },
    ],
  ])('refuses %s', (_name, csv, mapping, expected) => {
    expect(errorOf(() => parseBankCsv(csv, mapping))).toMatchObject(expected);
  });
});

describe('CSV amounts and dates', () => {
  it('parses signs, grouping and trailing minus exactly', () => {
    expect(parseCsvAmount('1.234,56', ',', 'EUR', 'x')).toBe(123456n);
    expect(parseCsvAmount('-1.234.567,8', ',', 'EUR', 'x')).toBe(-123456780n);
    expect(parseCsvAmount('12,30-', ',', 'EUR', 'x')).toBe(-1230n);
    expect(parseCsvAmount('+1,234.5', '.', 'EUR', 'x')).toBe(123450n);
    expect(parseCsvAmount('1 234,56', ',', 'EUR', 'x')).toBe(123456n);
    expect(parseCsvAmount('1234', ',', 'JPY', 'x')).toBe(1234n);
    expect(parseCsvAmount('1.500', ',', 'KWD', 'x')).toBe(1500000n); // the dot groups thousands here
    expect(parseCsvAmount('99999999999999999.99', '.', 'EUR', 'x')).toBe(9999999999999999999n);
    for (const bad of ['1,234.56', '12.34.5', '1.23,4,5', '', '-', '1e3', '--1', '-1-', '1,5 EUR', '12,345']) {
      expect(() => parseCsvAmount(bad, ',', 'EUR', 'x'), bad).toThrow(StatementError);
    }
  });

  it('parses the listed date formats', () => {
    expect(parseCsvDate('06.03.2026', 'DD.MM.YYYY', 'x')).toBe('2026-03-06');
    expect(parseCsvDate('03/06/2026', 'MM/DD/YYYY', 'x')).toBe('2026-03-06');
    expect(parseCsvDate('6/3/2026', 'DD/MM/YYYY', 'x')).toBe('2026-03-06');
    expect(parseCsvDate('2026-03-06', 'YYYY-MM-DD', 'x')).toBe('2026-03-06');
    expect(parseCsvDate('06.03.26', 'DD.MM.YY', 'x')).toBe('2026-03-06');
    expect(parseCsvDate('20260306', 'YYYYMMDD', 'x')).toBe('2026-03-06');
    expect(() => parseCsvDate('2026-13-01', 'YYYY-MM-DD', 'x')).toThrow(StatementError);
  });

  const CURRENCIES = ['EUR', 'USD', 'JPY', 'KWD', 'CLF'];

  it('property: a formatted amount parses back to the same minor units, with either separator and grouping', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.constantFrom(...CURRENCIES), fc.constantFrom('.', ','), fc.boolean(), (minor, ccy, dec, group) => {
        const plain = formatMinor(minor < 0n ? -minor : minor, ccy); // "1234567.89"
        const [int, frac] = plain.split('.') as [string, string | undefined];
        const grouped = group ? int.replace(/\B(?=(\d{3})+$)/g, dec === ',' ? '.' : ',') : int;
        const text = (minor < 0n ? '-' : '') + grouped + (frac === undefined ? '' : dec + frac);
        expect(parseCsvAmount(text, dec, ccy, 'x')).toBe(minor);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: statement amounts (plain decimals) round-trip through toMinor and formatMinor, trailing zeros allowed', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 17n }), fc.constantFrom(...CURRENCIES), fc.nat({ max: 3 }), (minor, ccy, zeros) => {
        let text = formatMinor(minor, ccy);
        if (zeros > 0) text += (currencyExponent(ccy) === 0 ? '.' : '') + '0'.repeat(zeros);
        expect(toMinor(text, ccy, 'x')).toBe(minor);
        expect(formatMinor(toMinor(text, ccy, 'x'), ccy)).toBe(formatMinor(minor, ccy));
      }),
      { numRuns: 1000 },
    );
  });
});
