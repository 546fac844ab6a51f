import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCamt } from './camt.js';
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

/** A minimal camt.053 around one entry, for error cases. */
function camt053(ntry: string, version = '08', sts = version >= '06' ? '<Sts><Cd>BOOK</Cd></Sts>' : '<Sts>BOOK</Sts>'): string {
  return `<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>DE31370501981930124578</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>${sts}<BookgDt><Dt>2026-03-02</Dt></BookgDt>${ntry}</Ntry>
</Stmt></BkToCstmrStmt></Document>`;
}

describe('camt.053.001.02', () => {
  const [s] = parseCamt(fixture('camt053_v02.xml'));

  it('reads the statement, account and balances (PRCD as opening)', () => {
    expect(s).toMatchObject({
      format: 'camt.053',
      version: 'camt.053.001.02',
      statementId: '0042-2026-03-02#42',
      account: { iban: 'DE31370501981930124578', other: null, currency: 'EUR', servicer: 'COLSDE33XXX' },
      fromDate: '2026-03-02',
      toDate: '2026-03-02',
      openingBalance: 1250000n,
      closingBalance: 1605710n,
    });
  });

  it('reads a single credit with payer, references and bank transaction code', () => {
    expect(s!.entries[0]).toEqual({
      position: 1,
      key: 'DE31370501981930124578:ref:2026030200001234',
      bookingDate: '2026-03-02',
      valueDate: '2026-03-02',
      amount: 119000n,
      currency: 'EUR',
      direction: 'credit',
      reversal: false,
      status: 'booked',
      bankReference: '2026030200001234',
      endToEndId: 'INV-2026-000042',
      remittance: 'INV-2026-000042 Kundennr. K-10017',
      payer: { name: 'Müller Steuerberatung GmbH', iban: 'DE15500105175407324580' },
      transactionCode: 'PMNT/RCDT/ESCT',
      returnReason: null,
    });
  });

  it('splits a batch booking into its two transactions when their amounts add up', () => {
    const [a, b] = [s!.entries[1]!, s!.entries[2]!];
    expect(a).toMatchObject({
      position: 2,
      amount: 142800n,
      endToEndId: null, // NOTPROVIDED
      remittance: 'Rechnung INV-2026-000043',
      payer: { name: 'Fischer & Söhne KG', iban: 'DE48120300001022334455' },
      bankReference: '2026030200001235',
      key: 'DE31370501981930124578:ref:2026030200001235/1',
    });
    expect(b).toMatchObject({
      position: 3,
      amount: 95200n,
      endToEndId: 'E2E-77812',
      remittance: 'INV-2026-000044 Kundennr. K-10020',
      payer: { name: 'Bäckerei Schmidt', iban: 'DE60700202700015820731' },
      key: 'DE31370501981930124578:ref:2026030200001235/2',
    });
  });

  it('reads a fee without details (AddtlNtryInf as remittance) and a pending credit', () => {
    expect(s!.entries[3]).toMatchObject({
      amount: 1290n,
      direction: 'debit',
      valueDate: '2026-02-28',
      remittance: 'Kontoführungsentgelt Februar 2026',
      payer: { name: null, iban: null },
      transactionCode: 'ACMT/MDOP/CHRG',
    });
    expect(s!.entries[4]).toMatchObject({ amount: 59500n, status: 'pending', payer: { name: 'Fischer & Söhne KG', iban: null } });
    expect(s!.entries).toHaveLength(5);
  });

  it('keeps one entry when the batch parts do not add up to the booking', () => {
    const xml = fixture('camt053_v02.xml').replace('<Amt Ccy="EUR">952.00</Amt>', '<Amt Ccy="EUR">951.00</Amt>');
    const [t] = parseCamt(xml);
    expect(t!.entries).toHaveLength(4);
    expect(t!.entries[1]).toMatchObject({
      amount: 238000n,
      key: 'DE31370501981930124578:ref:2026030200001235',
      endToEndId: 'E2E-77812',
      remittance: 'Rechnung INV-2026-000043 INV-2026-000044 Kundennr. K-10020',
      payer: { name: 'Fischer & Söhne KG' },
    });
  });
});

describe('camt.053.001.06 with a multi-currency account', () => {
  const [s] = parseCamt(fixture('camt053_v06_multicurrency.xml'));

  it('reads namespace-prefixed XML, BICFI, Sts/Cd and entries in EUR and USD', () => {
    expect(s).toMatchObject({
      version: 'camt.053.001.06',
      statementId: 'FX-2026-062#62',
      account: { iban: 'DE64100500006603158472', currency: 'EUR', servicer: 'BELADEBEXXX' },
      fromDate: '2026-03-03',
      toDate: '2026-03-03',
      openingBalance: 500000n,
      closingBalance: 580000n,
    });
    expect(s!.entries.map((e) => [e.amount, e.currency, e.direction])).toEqual([
      [80000n, 'EUR', 'credit'],
      [250000n, 'USD', 'credit'],
      [15000n, 'USD', 'debit'],
    ]);
    expect(s!.entries[1]).toMatchObject({
      valueDate: '2026-03-04',
      endToEndId: 'NWT-PO-4471',
      remittance: 'Payment INV-2026-000052 PO 4471',
      payer: { name: 'Northwind Traders Inc.', iban: null },
      transactionCode: 'PMNT/RCDT/XBCT',
    });
    expect(s!.entries[2]).toMatchObject({ bookingDate: '2026-03-03', transactionCode: 'FEE-WIRE-IN', remittance: 'Incoming wire fee FX20260303-000418' });
  });
});

describe('camt.053.001.08 and camt.054.001.08', () => {
  const [s] = parseCamt(fixture('camt053_v08.xml'));
  const [n] = parseCamt(fixture('camt054_v08.xml'));

  it('reads v08 parties (Dbtr/Pty/Nm) and structured remittance (RF creditor reference)', () => {
    expect(s!.entries[0]).toMatchObject({
      amount: 297500n,
      endToEndId: 'K10017-2026-03',
      remittance: 'INV-2026-000046 RF43INV2026000046 Microsoft 365 Business Premium Februar',
      payer: { name: 'Kanzlei Weber', iban: 'DE09430609671187654300' },
    });
  });

  it('reads a reversal: a debit with RvslInd, the original payer and the return reason', () => {
    expect(s!.entries[1]).toMatchObject({
      amount: 47600n,
      direction: 'debit',
      reversal: true,
      returnReason: 'MD06',
      endToEndId: 'SDD-INV-2026-000047',
      payer: { name: 'Bäckerei Schmidt', iban: 'DE60700202700015820731' },
      transactionCode: 'PMNT/IDDT/UPDD',
    });
  });

  it('names the creditor as the other party of an ordinary debit', () => {
    expect(s!.entries[2]).toMatchObject({ direction: 'debit', reversal: false, payer: { name: 'TD SYNNEX Germany GmbH', iban: 'DE08860555921090012345' } });
  });

  it('gives the camt.054 notification the same key as the statement entry with the same AcctSvcrRef', () => {
    expect(n).toMatchObject({ format: 'camt.054', version: 'camt.054.001.08', statementId: 'NTF-2026-03-03-0007#7', openingBalance: null, closingBalance: null });
    expect(n!.entries[0]).toMatchObject({ bookingDate: '2026-03-03', amount: 297500n, remittance: 'INV-2026-000046 RF43INV2026000046' });
    expect(n!.entries[0]!.key).toBe(s!.entries[0]!.key);
    expect(n!.entries[0]!.key).toBe('DE31370501981930124578:ref:2026030300002001');
  });
});

describe('camt structure', () => {
  it('reads several statements in one file', () => {
    const one = fixture('camt053_v08.xml');
    const stmt = one.slice(one.indexOf('<Stmt>'), one.indexOf('</Stmt>') + '</Stmt>'.length);
    const two = one.replace('</Stmt>', `</Stmt>${stmt.replace('<Id>0043-2026-03-03</Id>', '<Id>0044-2026-03-04</Id>')}`);
    expect(parseCamt(two).map((s) => s.statementId)).toEqual(['0043-2026-03-03#43', '0044-2026-03-04#43']);
  });

  it('accepts a document without namespace (version unknown) and both Sts forms', () => {
    const xml = camt053('').replace(/ xmlns="[^"]*"/, '');
    expect(parseCamt(xml)[0]).toMatchObject({ version: null, entries: [{ amount: 1000n, status: 'booked' }] });
    expect(parseCamt(camt053('', '04'))[0]!.entries[0]!.status).toBe('booked');
    expect(parseCamt(camt053('', '08', '<Sts><Cd>INFO</Cd></Sts>'))[0]!.entries[0]!.status).toBe('info');
  });

  it('hashes the key when there is no AcctSvcrRef, stable and distinct for equal bookings', () => {
    const entry = '</Ntry><Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt>';
    const [s] = parseCamt(camt053(entry));
    const [k1, k2] = s!.entries.map((e) => e.key);
    expect(k1).toMatch(/^DE31370501981930124578:h:[0-9a-f]{40}$/);
    expect(k2).not.toBe(k1);
    expect(parseCamt(camt053(entry))[0]!.entries.map((e) => e.key)).toEqual([k1, k2]);
  });

  it.each([
    ['unsupported version', camt053('', '09'), { code: 'bank.unsupported_version', params: { version: 'camt.053.001.09' }, at: 'line 2' }],
    [
      'camt.052',
      camt053('').replace('camt.053.001.08', 'camt.052.001.08').replace(/BkToCstmrStmt/g, 'BkToCstmrAcctRpt'),
      { code: 'bank.unsupported_format', params: { root: 'BkToCstmrAcctRpt' } },
    ],
    [
      'a pain.001',
      '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn/></Document>',
      { code: 'bank.unsupported_format', params: { root: 'CstmrCdtTrfInitn' }, at: 'line 1' },
    ],
    [
      'namespace for another message',
      camt053('').replace('camt.053.001.08', 'camt.054.001.08'),
      { code: 'bank.unsupported_format', params: { root: 'BkToCstmrStmt', namespace: 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.08' } },
    ],
    ['malformed XML', camt053('').replace('</Stmt>', ''), { code: 'bank.bad_xml' }],
    ['a DTD', '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]><Document/>', { code: 'bank.bad_xml', at: 'line 2' }],
    ['an unknown currency', camt053('').replace('Ccy="EUR">10.00', 'Ccy="EUX">10.00'), { code: 'bank.bad_currency', params: { currency: 'EUX' }, at: 'Stmt[0]/Ntry[0]/Amt/@Ccy' }],
    ['a decimal comma', camt053('').replace('10.00', '10,00'), { code: 'bank.bad_amount', params: { value: '10,00' }, at: 'Stmt[0]/Ntry[0]/Amt' }],
    ['a negative amount', camt053('').replace('10.00', '-10.00'), { code: 'bank.bad_amount', params: { value: '-10.00' } }],
    ['too many decimals', camt053('').replace('10.00', '10.001'), { code: 'bank.bad_amount', params: { value: '10.001' } }],
    ['a zero amount', camt053('').replace('10.00', '0.00'), { code: 'bank.bad_amount', params: { value: '0.00' } }],
    ['an entry without amount', camt053('').replace('<Amt Ccy="EUR">10.00</Amt>', ''), { code: 'bank.missing_field', params: { field: 'Amt' }, at: 'Stmt[0]/Ntry[0]' }],
    ['no status', camt053('', '08', ''), { code: 'bank.missing_field', params: { field: 'Sts' }, at: 'Stmt[0]/Ntry[0]/Sts' }],
    ['an unknown status', camt053('', '08', '<Sts><Cd>XXXX</Cd></Sts>'), { code: 'bank.bad_field', params: { field: 'Sts', value: 'XXXX' } }],
    ['a bad direction', camt053('').replace('<CdtDbtInd>CRDT', '<CdtDbtInd>CR'), { code: 'bank.bad_field', params: { field: 'CdtDbtInd', value: 'CR' }, at: 'Stmt[0]/Ntry[0]/CdtDbtInd' }],
    ['an impossible date', camt053('').replace('2026-03-02', '2026-02-30'), { code: 'bank.bad_date', params: { value: '2026-02-30' }, at: 'Stmt[0]/Ntry[0]/BookgDt' }],
    ['no Stmt', '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr/></BkToCstmrStmt></Document>', { code: 'bank.empty' }],
  ])('refuses %s', (_name, xml, expected) => {
    const e = errorOf(() => parseCamt(xml));
    expect(e).toMatchObject(expected);
    if (e.code === 'bank.missing_field') expect(Object.keys(e.params)).toEqual(['field']);
  });

  it('reports malformed XML with line and column', () => {
    const e = errorOf(() => parseCamt('<Document>\n  <BkToCstmrStmt>\n</Document>'));
    expect(e.code).toBe('bank.bad_xml');
    expect(e.at).toMatch(/^line 3, column \d+$/);
    expect(String(e.params['message'])).toContain('BkToCstmrStmt');
  });
});
