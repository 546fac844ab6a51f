import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RECON_FORMATS, canonicalColumns, requiredColumns } from './columns.js';
import { detectFormat, detectFormatAs, isDetectError } from './detect.js';

describe('detectFormat', () => {
  for (const format of RECON_FORMATS) {
    it(`recognises the full documented ${format} header, and its required columns alone`, () => {
      const full = detectFormat(canonicalColumns(format));
      expect(isDetectError(full) ? full.error : full.format).toBe(format);
      const minimal = detectFormat(requiredColumns(format));
      expect(isDetectError(minimal) ? minimal.error : minimal.format).toBe(format);
    });

    it(`${format}: detection is by name, never position (any column order gives the same mapping)`, () => {
      const header = canonicalColumns(format);
      fc.assert(
        fc.property(fc.shuffledSubarray(header, { minLength: header.length }), (shuffled) => {
          const r = detectFormat(shuffled);
          if (isDetectError(r)) throw new Error(r.error.message);
          expect(r.format).toBe(format);
          for (const [name, index] of Object.entries(r.mapping)) expect(shuffled[index]).toBe(name);
        }),
        { numRuns: 30 },
      );
    });
  }

  it('accepts camelCase API spellings, a BOM on the first cell, and lists unknown columns', () => {
    const header = ['\uFEFFpartnerId', 'customerId', 'invoiceNumber', 'mpnId', 'tier2MpnId', 'orderId', 'productId', 'skuId', 'chargeType', 'unitPrice',
      'quantity', 'subtotal', 'taxTotal', 'totalForCustomer', 'currency', 'subscriptionId', 'chargeStartDate', 'chargeEndDate',
      'effectiveUnitPrice', 'billableQuantity', 'pcToBCExchangeRate', 'Our Note'];
    const r = detectFormat(header);
    if (isDetectError(r)) throw new Error(r.error.message);
    expect(r.format).toBe('nce_invoice');
    expect(r.mapping['PartnerId']).toBe(0);
    expect(r.mapping['ResellerMPNID']).toBe(4);
    expect(r.mapping['Total']).toBe(13);
    expect(r.unknownColumns).toEqual(['Our Note']);
  });

  it('reports missing columns for a near miss, unknown format otherwise', () => {
    const header = requiredColumns('nce_invoice').filter((c) => c !== 'BillableQuantity' && c !== 'Currency');
    expect(detectFormat(header)).toEqual({
      error: expect.objectContaining({ code: 'recon.missing_columns', format: 'nce_invoice', missing: ['Currency', 'BillableQuantity'] }),
    });
    expect(detectFormat(['Date', 'Amount', 'Description'])).toEqual({ error: expect.objectContaining({ code: 'recon.unknown_format' }) });
    expect(detectFormat([])).toEqual({ error: expect.objectContaining({ code: 'recon.unknown_format' }) });
  });

  it('forced format: maps against that format only', () => {
    const r = detectFormatAs('legacy_license', canonicalColumns('nce_invoice'));
    expect(isDetectError(r) && r.error.code).toBe('recon.missing_columns');
    const ok = detectFormatAs('nce_invoice', canonicalColumns('nce_invoice'));
    expect(!isDetectError(ok) && ok.format).toBe('nce_invoice');
  });

  it('a repeated column maps the first occurrence and lists the repeat as unknown', () => {
    const header = [...requiredColumns('legacy_usage'), 'TaxAmount'];
    const r = detectFormat(header);
    if (isDetectError(r)) throw new Error(r.error.message);
    expect(r.mapping['TaxAmount']).toBe(header.indexOf('TaxAmount'));
    expect(r.unknownColumns).toEqual(['TaxAmount']);
  });
});
