import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { looksLikeMt940, parseMt940 } from './mt940.js';
import { parseDetails } from './mt940-86.js';
import { StatementError } from './types.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function errorOf(fn: () => unknown): StatementError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatementError) return e;
    throw e;
  }
  throw new Error('expected a StatementError');
}

const message = (lines: string[]) => [':20:REF1', ':25:DE31370501981930124578', ':28C:1/1', ':60F:C251230EUR100,00', ...lines, ':62F:C260102EUR110,00', '-'].join('\n');

describe('MT940, German savings bank style', () => {
  const statements = parseMt940(fixture('mt940_sparkasse.sta'));

  it('reads two messages with account, sequence and balances', () => {
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatchObject({
      format: 'mt940',
      version: null,
      statementId: 'STARTUMSE/00043/001',
      account: { iban: null, other: '37050198/1930124578', currency: 'EUR', servicer: null },
      fromDate: '2026-03-03',
      toDate: '2026-03-04',
      openingBalance: 1677110n,
      closingBalance: 1810985n,
    });
    expect(statements[1]).toMatchObject({ statementId: 'STARTUMSE/00044/001', openingBalance: 1810985n, closingBalance: 1739585n });
  });

  it('reads a SEPA credit with ?20 remittance wrapped over lines, EREF, payer name and IBAN', () => {
    const e = statements[0]!.entries[0]!;
    expect(e).toMatchObject({
      position: 1,
      bookingDate: '2026-03-04',
      valueDate: '2026-03-04',
      amount: 142800n,
      currency: 'EUR',
      direction: 'credit',
      reversal: false,
      status: 'booked',
      bankReference: '260304000311',
      endToEndId: 'INV-2026-000048',
      remittance: 'Rechnung INV-2026-000048 Kundennr K-10022',
      payer: { name: 'Kanzlei Weber', iban: 'DE09430609671187654300' },
      transactionCode: 'NTRF',
      returnReason: null,
    });
    expect(e.key).toMatch(/^37050198\/1930124578:h:[0-9a-f]{40}$/);
  });

  it('reads a direct debit (funds code R) with MREF and CRED keys left out of the remittance', () => {
    expect(statements[0]!.entries[1]).toMatchObject({
      amount: 8925n,
      direction: 'debit',
      transactionCode: 'NDDT',
      endToEndId: 'TK-2026-03-8812345',
      remittance: 'Telekom Rechnung 03/2026 Kundenkonto 4711',
      payer: { name: 'Telekom Deutschland GmbH', iban: 'DE08860555921090012345' },
    });
  });

  it('reads NOTPROVIDED as no end-to-end id and an RC reversal as a debit', () => {
    const [credit, reversal] = statements[1]!.entries;
    expect(credit).toMatchObject({ endToEndId: null, remittance: 'INV-2026-000049 klantnummer K-10031', payer: { name: 'De Vries Techniek', iban: 'NL39INGB0007093413' } });
    expect(reversal).toMatchObject({
      amount: 142800n,
      direction: 'debit',
      reversal: true,
      endToEndId: 'INV-2026-000048',
      remittance: 'Storno Gutschrift vom 04.03.2026 INV-2026-000048',
      payer: { name: 'Kanzlei Weber', iban: 'DE09430609671187654300' },
    });
  });

  it('reads the same with LF line ends and inside {1:}{2:}{4: … -} blocks', () => {
    const lf = fixture('mt940_sparkasse.sta').replace(/\r\n/g, '\n');
    const wrapped = lf
      .split('-\n')
      .filter((m) => m.trim())
      .map((m) => `{1:F01COLSDE33AXXX0000000000}{2:O9400512260305COLSDE33AXXX00000000002603050512N}{3:{108:MT940}}{4:\n${m}-}{5:{CHK:123456789ABC}}`)
      .join('\r\n');
    expect(looksLikeMt940(wrapped)).toBe(true);
    const strip = (ss: ReturnType<typeof parseMt940>) => ss.map((s) => s.entries);
    expect(strip(parseMt940(lf))).toEqual(strip(statements));
    expect(strip(parseMt940(wrapped))).toEqual(strip(statements));
  });
});

describe('MT940 fields', () => {
  it('takes the entry date across a year boundary, an IBAN with currency suffix, and RD as a credit reversal', () => {
    const [s] = parseMt940(
      message([':61:2601021231D5,00NMSCNONREF', ':86:Kontofuehrung Dezember', ':61:2512300102C15,00NTRFCUST-REF-1//BANKREF', ':61:251231RD0,50NCHGNONREF']).replace(
        ':25:DE31370501981930124578',
        ':25:DE31370501981930124578EUR',
      ),
    );
    expect(s!.account).toEqual({ iban: 'DE31370501981930124578', other: null, currency: 'EUR', servicer: null });
    expect(s!.entries.map((e) => [e.valueDate, e.bookingDate, e.direction, e.reversal, e.amount])).toEqual([
      ['2026-01-02', '2025-12-31', 'debit', false, 500n],
      ['2025-12-30', '2026-01-02', 'credit', false, 1500n],
      ['2025-12-31', '2025-12-31', 'credit', true, 50n],
    ]);
    expect(s!.entries[0]!.remittance).toBe('Kontofuehrung Dezember');
    expect(s!.entries[1]).toMatchObject({ endToEndId: 'CUST-REF-1', bankReference: 'BANKREF' });
  });

  it('reads a "BIC/IBAN" account', () => {
    const [s] = parseMt940(message([]).replace(':25:DE31370501981930124578', ':25:COLSDE33XXX/DE31370501981930124578').replace('EUR110,00', 'EUR100,00'));
    expect(s!.account).toEqual({ iban: 'DE31370501981930124578', other: null, currency: 'EUR', servicer: 'COLSDE33XXX' });
  });

  it('parses Dutch slash-coded :86: fields', () => {
    const d = parseDetails([
      '/EREF/INV-2026-000051//CNTP/NL39RABO0300065264/RABONL2U/Van der B',
      'erg Logistiek B.V./Rotterdam/REMI/USTD//INV-2026-000051 klantnr K-',
      '10031/RTRN/AC04/',
    ]);
    expect(d).toEqual({
      remittance: 'INV-2026-000051 klantnr K-10031',
      endToEndId: 'INV-2026-000051',
      payerName: 'Van der Berg Logistiek B.V.',
      payerIban: 'NL39RABO0300065264',
      returnReason: 'AC04',
      bookingText: null,
    });
  });

  it('keeps free text and ABWA+ as the payer when ?32 is missing', () => {
    expect(parseDetails(['Miete Maerz 2026', 'Objekt 12'])).toMatchObject({ remittance: 'Miete Maerz 2026 Objekt 12', endToEndId: null });
    expect(parseDetails(['166?00GUTSCHRIFT?20SVWZ+INV-2026-000050?21ABWA+Contoso Ltd'])).toMatchObject({
      remittance: 'INV-2026-000050',
      payerName: 'Contoso Ltd',
      payerIban: null,
      bookingText: 'GUTSCHRIFT',
    });
    expect(parseDetails(['166?00GUTSCHRIFT?20Rechnung 4711?21vom 01.03.'])).toMatchObject({ remittance: 'Rechnung 4711vom 01.03.' });
  });

  it.each([
    ['a bad :61: line', message([':61:2601XXD5,00NMSCNONREF']), { code: 'bank.bad_field', params: { field: ':61:', value: '2601XXD5,00NMSCNONREF' }, at: 'line 5' }],
    ['an impossible value date', message([':61:260230D5,00NMSCNONREF']), { code: 'bank.bad_date', params: { value: '260230' }, at: 'line 5' }],
    ['an amount without comma', message([':61:260102D5.00NMSCNONREF']), { code: 'bank.bad_field', params: { field: ':61:' } }],
    ['a zero amount', message([':61:260102D0,NMSCNONREF']), { code: 'bank.bad_amount', params: { value: '0,' }, at: 'line 5' }],
    ['too many decimals', message([':61:260102D1,005NMSCNONREF']), { code: 'bank.bad_amount', params: { value: '1,005' }, at: 'line 5' }],
    ['an unknown currency', message([]).replace('EUR100', 'EUX100'), { code: 'bank.bad_currency', params: { currency: 'EUX' }, at: 'line 4' }],
    ['a closing balance in another currency', message([]).replace('EUR110', 'USD110'), { code: 'bank.bad_currency', params: { currency: 'USD' }, at: 'line 5' }],
    ['a missing :25:', message([]).replace(':25:DE31370501981930124578\n', ''), { code: 'bank.missing_field', params: { field: ':25:' }, at: 'line 1' }],
    ['a bad opening balance', message([]).replace(':60F:C251230', ':60F:X251230'), { code: 'bank.bad_field', params: { field: ':60F:' }, at: 'line 4' }],
  ])('refuses %s', (_name, text, expected) => {
    expect(errorOf(() => parseMt940(text))).toMatchObject(expected);
  });
});
