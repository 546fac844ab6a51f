import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectStatementFormat, parseStatementFile } from './parse.js';
import { StatementError, type CsvMapping } from './types.js';

const bytes = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const fixture = (name: string) => bytes(name).toString('utf8');

function errorOf(fn: () => unknown): StatementError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatementError) return e;
    throw e;
  }
  throw new Error('expected a StatementError');
}

const mapping: CsvMapping = {
  delimiter: ';',
  decimalSeparator: ',',
  dateFormat: 'DD.MM.YYYY',
  columns: { bookingDate: 'Buchungstag', amount: 'Betrag', currency: 'Währung', remittance: 'Verwendungszweck', payerName: 'Auftraggeber/Empfänger' },
  accountIban: 'DE31370501981930124578',
};

describe('parseStatementFile', () => {
  it('detects and validates every good fixture (balances add up, reversals and pending entries counted right)', () => {
    const formats = (name: string, opts = {}) => parseStatementFile(bytes(name), opts).map((s) => [s.format, s.version, s.entries.length]);
    expect(formats('camt053_v02.xml')).toEqual([['camt.053', 'camt.053.001.02', 5]]);
    expect(formats('camt053_v06_multicurrency.xml')).toEqual([['camt.053', 'camt.053.001.06', 3]]);
    expect(formats('camt053_v08.xml')).toEqual([['camt.053', 'camt.053.001.08', 3]]);
    expect(formats('camt054_v08.xml')).toEqual([['camt.054', 'camt.054.001.08', 1]]);
    expect(formats('mt940_sparkasse.sta')).toEqual([
      ['mt940', null, 2],
      ['mt940', null, 2],
    ]);
    expect(formats('bank_sparkasse.csv', { mapping })).toEqual([['csv', null, 5]]);
  });

  it('decodes Windows-1252 bytes and UTF-8 with BOM', () => {
    const [s] = parseStatementFile(bytes('bank_sparkasse.csv'), { mapping });
    expect(s!.entries[0]!.payer.name).toBe('Müller Steuerberatung GmbH');
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes('camt053_v02.xml')]);
    expect(parseStatementFile(utf8)[0]!.entries[0]!.payer.name).toBe('Müller Steuerberatung GmbH');
  });

  it('detects the format from the content', () => {
    expect(detectStatementFormat('  \n<?xml version="1.0"?><Document/>')).toBe('camt');
    expect(detectStatementFormat(fixture('mt940_sparkasse.sta'))).toBe('mt940');
    expect(detectStatementFormat('{1:F01X}{2:O940}{4:\n:20:A\n:25:B\n:28C:1\n:60F:C260101EUR1,00\n-}')).toBe('mt940');
    expect(detectStatementFormat(':20:only a reference')).toBe('csv');
    expect(detectStatementFormat('a;b\n1;2')).toBe('csv');
  });

  it('refuses an account IBAN with a wrong checksum, pointing at it', () => {
    expect(errorOf(() => parseStatementFile(fixture('bad_iban_camt053_v02.xml')))).toMatchObject({
      code: 'bank.bad_iban',
      params: { iban: 'DE31370501981930124579' },
      at: 'Stmt[0]/Acct/Id/IBAN',
    });
    const mt = fixture('mt940_sparkasse.sta').replace(':25:37050198/1930124578', ':25:DE31370501981930124587');
    expect(errorOf(() => parseStatementFile(mt))).toMatchObject({ code: 'bank.bad_iban', params: { iban: 'DE31370501981930124587' }, at: 'line 2' });
    expect(errorOf(() => parseStatementFile(bytes('bank_sparkasse.csv'), { mapping: { ...mapping, accountIban: 'NL39RABO0300065265' } }))).toMatchObject({
      code: 'bank.bad_iban',
      at: 'mapping accountIban',
    });
  });

  it('refuses a statement whose balances do not add up, with the amounts as decimals', () => {
    expect(errorOf(() => parseStatementFile(fixture('bad_balance_camt053_v04.xml')))).toMatchObject({
      code: 'bank.balance_mismatch',
      params: { opening: '1000.00', sum: '210.00', closing: '1200.00', currency: 'EUR' },
      at: 'Stmt[0]/Bal',
    });
  });

  it('checks every currency of a multi-currency statement', () => {
    const xml = fixture('camt053_v06_multicurrency.xml').replace('<ns2:Amt Ccy="USD">3550.00</ns2:Amt>', '<ns2:Amt Ccy="USD">3700.00</ns2:Amt>');
    expect(errorOf(() => parseStatementFile(xml))).toMatchObject({
      code: 'bank.balance_mismatch',
      params: { opening: '1200.00', sum: '2350.00', closing: '3700.00', currency: 'USD' },
    });
  });

  it('signs a reversal by its own direction: counting the MD06 reversal as a credit would not balance', () => {
    const xml = fixture('camt053_v08.xml').replace('<Amt Ccy="EUR">476.00</Amt>\n        <CdtDbtInd>DBIT</CdtDbtInd>', '<Amt Ccy="EUR">476.00</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>');
    expect(errorOf(() => parseStatementFile(xml))).toMatchObject({ code: 'bank.balance_mismatch', params: { sum: '1666.00', closing: '16771.10' } });
  });

  it('checks MT940 balances too, pointing at the closing balance line', () => {
    const mt = fixture('mt940_sparkasse.sta').replace(':62F:C260305EUR17395,85', ':62F:C260305EUR17395,86');
    expect(errorOf(() => parseStatementFile(mt))).toMatchObject({
      code: 'bank.balance_mismatch',
      params: { opening: '18109.85', sum: '-714.00', closing: '17395.86', currency: 'EUR' },
      at: 'line 29',
    });
  });

  it.each([
    ['an empty file', '', {}, { code: 'bank.empty' }],
    ['a file of white space', Buffer.from(' \r\n\t\n'), { fileName: 'x.sta' }, { code: 'bank.empty', params: { file: 'x.sta' } }],
    ['a CSV without a mapping', 'Datum;Betrag\n01.03.2026;1,00\n', { fileName: 'export.csv' }, { code: 'bank.csv_needs_mapping', params: { file: 'export.csv' } }],
    ['malformed XML', '<Document><BkToCstmrStmt></Document>', {}, { code: 'bank.bad_xml' }],
    ['an unknown XML root', '<html><body/></html>', {}, { code: 'bank.unsupported_format', params: { root: 'html' } }],
  ])('refuses %s', (_name, content, opts, expected) => {
    expect(errorOf(() => parseStatementFile(content, opts))).toMatchObject(expected);
  });
});
