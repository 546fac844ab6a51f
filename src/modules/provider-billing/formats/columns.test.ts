import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORMAT_COLUMNS, RECON_FORMATS, aliasTable, canonicalColumns, headerKey, requiredColumns, resolveHeader, type ReconFormat } from './columns.js';

/** Column names of the "| Column | Description |" table of a shared docs-reference page. */
function docColumns(page: string): string[] {
  const url = new URL(`../../../../../shared/reference/partner-center/docs-reference/${page}`, import.meta.url);
  const lines = readFileSync(url, 'utf8').split('\n');
  const start = lines.findIndex((l) => /^\|\s*Column\s*\|/.test(l));
  const out: string[] = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    out.push(l.split('|')[1]!.trim());
  }
  return out;
}

const PAGES: Record<ReconFormat, [page: string, count: number]> = {
  nce_invoice: ['modern-invoice-reconciliation-file.md', 46],
  nce_daily_usage: ['daily-rated-usage-recon-files.md', 55],
  legacy_license: ['license-based-recon-files.md', 28],
  legacy_usage: ['usage-based-recon-files.md', 42],
};

describe('column dictionaries', () => {
  for (const format of RECON_FORMATS) {
    const [page, count] = PAGES[format];
    it(`${format}: documented columns are exactly the ${count} columns of ${page}`, () => {
      const doc = docColumns(page);
      expect(doc).toHaveLength(count);
      const documented = FORMAT_COLUMNS[format].filter((c) => c.documented).map((c) => headerKey(c.name));
      expect(new Set(documented)).toEqual(new Set(doc.map(headerKey)));
      // Every doc header resolves to itself (modulo case) through the alias table.
      for (const h of doc) expect(headerKey(resolveHeader(format, h) ?? '')).toBe(headerKey(h));
    });

    it(`${format}: alias table is unambiguous and required columns are canonical`, () => {
      expect(() => aliasTable(format)).not.toThrow();
      const names = canonicalColumns(format);
      expect(new Set(names).size).toBe(names.length);
      for (const r of requiredColumns(format)) expect(names).toContain(r);
    });
  }

  it('matches drifting spellings case-insensitively, ignoring spaces and underscores', () => {
    expect(resolveHeader('nce_invoice', 'MpnId')).toBe('MPNID');
    expect(resolveHeader('nce_invoice', 'partner_mpn_id')).toBe('MPNID');
    expect(resolveHeader('nce_invoice', 'Tier2MpnId')).toBe('ResellerMPNID');
    expect(resolveHeader('nce_invoice', 'Reseller Mpn Id')).toBe('ResellerMPNID');
    expect(resolveHeader('nce_invoice', 'totalForCustomer')).toBe('Total');
    expect(resolveHeader('nce_invoice', 'taxTotal')).toBe('TaxTotal');
    expect(resolveHeader('nce_invoice', 'pcToBCExchangeRate')).toBe('PCToBCExchangeRate');
    expect(resolveHeader('nce_invoice', '\uFEFFPartnerId')).toBe('PartnerId');
    expect(resolveHeader('legacy_license', 'Syndication_Partner_Subscription_Number')).toBe('SyndicationPartnerSubscriptionNumber');
    expect(resolveHeader('legacy_license', 'Total')).toBe('TotalForCustomer');
    expect(resolveHeader('nce_daily_usage', 'unitOfMeasure')).toBe('Unit');
    expect(resolveHeader('nce_daily_usage', 'rateOfPartnerEarnedCredit')).toBe('PartnerEarnedCreditPercentage');
    expect(resolveHeader('legacy_usage', 'CustomerName')).toBe('CustomerCompanyName');
    expect(resolveHeader('nce_invoice', 'Nonsense')).toBeUndefined();
  });
});
