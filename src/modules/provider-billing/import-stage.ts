import { csvField, type CopyWriter } from '../../db/bulk.js';
import type { ReconFormat } from './formats/columns.js';
import { detectFormat, detectFormatAs, isDetectError, type DetectResult } from './formats/detect.js';
import { RowNormalizer, type LineText, type NormalizeError } from './formats/normalize.js';
import type { ReconSource, SourceKind } from './formats/sources.js';
import type { ImportError, ImportOptions, ImportSummary } from './import-recon.js';

/** What both import paths share: the recon_lines data columns as CSV, and source → normalizer → COPY. */

export const MAX_LISTED_ERRORS = 1000;

/** recon_lines columns filled from a line, in COPY order. */
export const DATA_COLUMNS = [
  'format',
  'invoice_number',
  'customer_tenant_id',
  'customer_name',
  'subscription_provider_id',
  'order_id',
  'product_id',
  'sku_id',
  'sku_name',
  'charge_type',
  'charge_type_raw',
  'charge_start',
  'charge_end',
  'quantity',
  'billable_quantity',
  'unit_price',
  'effective_unit_price',
  'exchange_rate',
  'currency',
  'subtotal',
  'tax',
  'total',
] as const;

const q = (v: string | null) => (v === null ? '' : csvField(v));
const n = (v: string | null) => v ?? '';

/** The DATA_COLUMNS of a line as CSV, ending the line. Numbers, dates and keys never need quoting. */
export function dataCsv(t: LineText): string {
  return `${t.format},${q(t.invoiceNumber)},${q(t.customerTenantId)},${q(t.customerName)},${q(t.subscriptionId)},${q(t.orderId)},${q(t.productId)},${q(t.skuId)},${q(t.skuName ?? t.productName)},${t.chargeType},${q(t.chargeTypeRaw)},${t.chargeStart},${t.chargeEnd},${t.quantity},${t.billableQuantity},${n(t.unitPrice)},${n(t.effectiveUnitPrice)},${n(t.pcToBcExchangeRate)},${t.currency},${n(t.subtotal)},${n(t.tax)},${n(t.total)}\n`;
}

export const emptySummary = (source: SourceKind, format: ReconFormat | null): ImportSummary => ({
  importId: null,
  format,
  source,
  rows: 0,
  imported: 0,
  replaced: 0,
  duplicates: 0,
  rejected: 0,
  duplicateOf: null,
  errors: [],
  totals: [],
  unmatched: { customers: 0, subscriptions: 0 },
});

/**
 * Source → normalizer → COPY: `csvLine` turns each good line, in file order, into the CSV line to
 * load. Stops writing at the first bad row but reads on to list them all (the COPY is then
 * abandoned). An exception (e.g. the COPY failing) abandons the COPY and propagates.
 */
export async function stage(source: ReconSource, copy: CopyWriter, opts: ImportOptions, csvLine: (t: LineText) => string): Promise<ImportSummary> {
  const summary = emptySummary(source.kind, null);
  const errors = summary.errors;
  let errorCount = 0;
  let lastBad = '';
  const fail = (e: ImportError) => {
    errorCount++;
    // a row's errors come together, and rows come in order: count each bad row once without a set
    const key = `${e.blob ?? ''}\u0000${e.line}`;
    if (key !== lastBad) summary.rejected++;
    lastBad = key;
    if (errors.length < MAX_LISTED_ERRORS) errors.push(e);
  };
  let normalizer: RowNormalizer | null = null;
  let format: ReconFormat | null = null;
  let headerFailed = false;
  const rowErrors: NormalizeError[] = [];
  const progress = () => opts.onProgress?.({ bytes: source.bytesRead, totalBytes: source.totalBytes, rows: summary.rows });
  try {
    for await (const batch of source.batches()) {
      for (const ev of batch) {
        if (ev.kind === 'row' && normalizer && errorCount === 0) {
          // the hot path: a row while all is well
          summary.rows++;
          const t = normalizer.run(ev.cells, ev.line, rowErrors);
          if (t) {
            const wait = copy.write(csvLine(t));
            if (wait) await wait;
          } else {
            for (const e of rowErrors) fail(ev.blob === undefined ? e : { ...e, blob: ev.blob });
            rowErrors.length = 0;
          }
          continue;
        }
        const blob = ev.blob === undefined ? {} : { blob: ev.blob };
        if (ev.kind === 'error') {
          fail({ line: ev.line, column: ev.column, value: ev.value, code: ev.code, message: ev.message, ...blob });
        } else if (ev.kind === 'columns') {
          if (headerFailed) continue;
          // one format per import (a later header of a Graph export must be the same format)
          const d: DetectResult = format ? detectFormatAs(format, ev.names) : opts.format ? detectFormatAs(opts.format, ev.names) : detectFormat(ev.names);
          if (isDetectError(d)) {
            headerFailed = true;
            fail({ line: ev.line, column: d.error.missing?.join(', ') ?? null, value: null, code: d.error.code, message: d.error.message, ...blob });
            continue;
          }
          format = d.format;
          normalizer = new RowNormalizer(d.format, d.mapping);
        } else {
          summary.rows++;
          if (!normalizer) continue;
          rowErrors.length = 0;
          const t = normalizer.run(ev.cells, ev.line, rowErrors);
          if (!t) {
            for (const e of rowErrors) fail({ ...e, ...blob });
          } else if (errorCount === 0) {
            const wait = copy.write(csvLine(t));
            if (wait) await wait;
          }
        }
      }
      progress();
      if (headerFailed) break;
    }
  } catch (e) {
    await copy.abort();
    throw e;
  }
  summary.format = format;
  summary.source = source.kind; // known for certain once read (a gzip says what it holds when opened)
  if (!format && errorCount === 0) fail({ line: 1, column: null, value: null, code: 'recon.empty', message: 'the file has no header line' });
  if (errorCount > 0) {
    await copy.abort();
    return summary;
  }
  await copy.end();
  progress();
  return summary;
}
