import { canonicalColumns } from '../../src/modules/provider-billing/formats/columns.js';
import { writeCsvRow } from '../../src/modules/provider-billing/formats/csv.js';

/** A small, valid new-commerce invoice reconciliation file for import tests. */
export const NCE_HEADER = canonicalColumns('nce_invoice');

export function nceRow(i: number, over: Record<string, string> = {}): Record<string, string> {
  return {
    CustomerId: 'c-1',
    InvoiceNumber: 'G1',
    OrderId: `o-${i}`,
    ProductId: 'P',
    SkuId: '0001',
    AvailabilityId: 'A',
    ChargeType: 'cycleCharge',
    UnitPrice: '5.00',
    EffectiveUnitPrice: '5.00',
    Quantity: '2',
    BillableQuantity: '2',
    Subtotal: '10.00',
    TaxTotal: '1.90',
    Total: '11.90',
    Currency: 'EUR',
    PCToBCExchangeRate: '1',
    SubscriptionId: `s-${i}`,
    ChargeStartDate: '2026-10-01',
    ChargeEndDate: '2026-10-31',
    ...over,
  };
}

export function nceCsv(rows: Record<string, string>[]): string {
  return [writeCsvRow(NCE_HEADER, ','), ...rows.map((v) => writeCsvRow(NCE_HEADER.map((c) => v[c] ?? ''), ','))].join('\n') + '\n';
}

/** Graph's camelCase spelling of a few columns whose names differ more than by case. */
const GRAPH_NAMES: Record<string, string> = { Total: 'totalForCustomer', PCToBCExchangeRate: 'pcToBCExchangeRate', MPNID: 'mpnId', ResellerMPNID: 'resellerMpnId' };

/**
 * One JSON line as in a Graph reconciliation export: camelCase keys, strings as JSON strings,
 * numbers as JSON numbers, `{ json }` spliced in as raw JSON text (e.g. a number with more digits
 * than a double holds).
 */
export function graphLine(values: Record<string, string | number | { json: string }>): string {
  const parts = Object.entries(values).map(([k, v]) => {
    const key = GRAPH_NAMES[k] ?? k[0]!.toLowerCase() + k.slice(1);
    const text = typeof v === 'object' ? v.json : JSON.stringify(v);
    return `${JSON.stringify(key)}:${text}`;
  });
  return `{${parts.join(',')}}`;
}
