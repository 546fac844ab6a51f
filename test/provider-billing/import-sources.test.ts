import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeAccount } from '../helpers/fixtures.js';
import { graphLine, nceCsv, nceRow } from '../helpers/recon.js';
import { TestClock } from '../../src/core/clock.js';
import { cliActor } from '../../src/db/tx.js';
import { importRecon } from '../../src/modules/provider-billing/import-recon.js';
import { createPartnerCenterConnector } from '../../src/modules/providers/partner-center/client.js';
import { startSimulator, type Simulator } from '../../src/modules/providers/simulator/index.js';

/**
 * The importer's other sources: a Microsoft Graph reconciliation export (manifest + gzipped JSON
 * lines, or one JSON-lines file) and records (the provider API's invoice line items, fetched from
 * the simulator over HTTP). Same pipeline, same all-or-nothing rules as CSV.
 */
const actor = cliActor('test');

describe('Graph reconciliation export', () => {
  let deps: TestDeps;
  let accountId: string;
  const root = mkdtempSync(join(tmpdir(), 'pd-graph-'));
  let n = 0;
  const dir = () => {
    const d = join(root, `export-${++n}`);
    mkdirSync(d);
    return d;
  };
  const lineCount = async () => Number((await deps.db.selectFrom('recon_lines').select(deps.db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n);
  /** the manifest shape of Graph's billing manifest resource (and the recon-v2 sample) */
  const manifest = (blobs: string[], extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      id: 'e03e1882-ff59-4c09-882f-74e60b4d7743',
      schemaVersion: '2',
      dataFormat: 'compressedJSONLines',
      createdDateTime: '2026-11-02T22:40:57.1853571Z',
      eTag: '0x5B168C7B6E589D2',
      partnerTenantId: '14f593ad-1edc-474d-aaa0-83abbf9638da',
      rootDirectory: 'https://billing.blob.core.windows.net/reconciliation/2026-10',
      sasToken: '***',
      partitionType: 'ItemCount',
      blobCount: blobs.length,
      blobs: blobs.map((name, i) => ({ name, partitionValue: String(i + 1) })),
      ...extra,
    });
  const jsonl = (rows: Parameters<typeof graphLine>[0][]) => rows.map((r) => graphLine(r)).join('\n') + '\n';

  beforeAll(async () => {
    deps = await createTestDeps();
    accountId = (await makeAccount(deps, { cloud: 'germany' })).id;
  });
  afterAll(async () => deps.dispose());

  it('imports a manifest directory blob by blob, camelCase names through the alias table, numbers exact', async () => {
    const d = dir();
    // JSON numbers (not strings) for the amounts; one quantity with more digits than a double holds
    const rows = [1, 2, 3].map((i) => ({ ...nceRow(i), Quantity: 2, Subtotal: 10, TaxTotal: 1.9, Total: 11.9 }));
    const exact = { ...rows[2]!, BillableQuantity: { json: '1234567890.123456789012' } };
    writeFileSync(join(d, 'part-1.json.gz'), gzipSync(jsonl(rows.slice(0, 2))));
    writeFileSync(join(d, 'part-2.json.gz'), gzipSync(jsonl([exact])));
    writeFileSync(join(d, 'manifest.json'), manifest(['reconciliation/2026-10/part-1.json.gz', 'part-2.json.gz']));
    const r = await importRecon(deps, actor, { path: d, providerAccountId: accountId });
    expect(r).toMatchObject({ format: 'nce_invoice', source: 'graph', rows: 3, imported: 3, rejected: 0, errors: [] });
    expect(r.totals).toEqual([{ currency: 'EUR', subtotal: '30.00', tax: '5.70', total: '35.70' }]);
    const stored = await deps.db.selectFrom('recon_lines').select(['billable_quantity', 'subtotal']).where('order_id', '=', 'o-3').executeTakeFirstOrThrow();
    expect(stored).toEqual({ billable_quantity: '1234567890.123456789012', subtotal: 1000n });
    const imp = await deps.db.selectFrom('recon_imports').select(['source', 'file_name']).where('id', '=', r.importId!).executeTakeFirstOrThrow();
    expect(imp.source).toBe('graph');
    // the same export again, through its manifest file this time: recognised by content
    const again = await importRecon(deps, actor, { path: join(d, 'manifest.json'), providerAccountId: accountId });
    expect(again).toMatchObject({ duplicateOf: r.importId, imported: 0 });
  });

  it('imports one JSON-lines file, gzipped or not', async () => {
    const d = dir();
    writeFileSync(join(d, 'unbilled.jsonl'), jsonl([nceRow(10), nceRow(11)]));
    writeFileSync(join(d, 'unbilled.jsonl.gz'), gzipSync(jsonl([nceRow(12)])));
    expect(await importRecon(deps, actor, { path: join(d, 'unbilled.jsonl'), providerAccountId: accountId })).toMatchObject({ source: 'graph', format: 'nce_invoice', imported: 2 });
    expect(await importRecon(deps, actor, { path: join(d, 'unbilled.jsonl.gz'), providerAccountId: accountId })).toMatchObject({ source: 'graph', imported: 1 });
  });

  it('rejects a missing blob, a gzip that is not one, and a line that is not JSON, naming blob and line, storing nothing', async () => {
    const before = await lineCount();
    const missing = dir();
    writeFileSync(join(missing, 'a.json.gz'), gzipSync(jsonl([nceRow(20)])));
    writeFileSync(join(missing, 'manifest.json'), manifest(['a.json.gz', 'b.json.gz']));
    const m = await importRecon(deps, actor, { path: missing, providerAccountId: accountId });
    expect(m.importId).toBeNull();
    expect(m.errors).toEqual([expect.objectContaining({ code: 'recon.missing_blob', blob: 'b.json.gz', value: 'b.json.gz' })]);

    const notGzip = dir();
    writeFileSync(join(notGzip, 'a.json.gz'), jsonl([nceRow(21)]));
    writeFileSync(join(notGzip, 'manifest.json'), manifest(['a.json.gz']));
    expect((await importRecon(deps, actor, { path: notGzip, providerAccountId: accountId })).errors[0]).toMatchObject({ code: 'recon.not_gzip', blob: 'a.json.gz' });

    const corrupt = dir();
    const gz = gzipSync(jsonl(Array.from({ length: 50 }, (_, i) => nceRow(100 + i))));
    writeFileSync(join(corrupt, 'a.json.gz'), gz.subarray(0, gz.length - 40)); // truncated
    writeFileSync(join(corrupt, 'manifest.json'), manifest(['a.json.gz']));
    const c = await importRecon(deps, actor, { path: corrupt, providerAccountId: accountId });
    expect(c.rejected).toBeGreaterThan(0);
    expect(c.errors.map((e) => e.code)).toContain('recon.bad_gzip');

    const badLine = dir();
    writeFileSync(join(badLine, 'a.json.gz'), gzipSync(jsonl([nceRow(30)])));
    writeFileSync(join(badLine, 'b.json.gz'), gzipSync(graphLine(nceRow(31)) + '\n{"customerId": "c-1", "subtotal": 1.2.3}\n[1,2]\n'));
    writeFileSync(join(badLine, 'manifest.json'), manifest(['a.json.gz', 'b.json.gz']));
    const b = await importRecon(deps, actor, { path: badLine, providerAccountId: accountId });
    expect(b.rejected).toBe(2);
    expect(b.errors).toEqual([
      expect.objectContaining({ code: 'recon.bad_json', line: 2, blob: 'b.json.gz' }),
      expect.objectContaining({ code: 'recon.bad_json', line: 3, blob: 'b.json.gz' }),
    ]);

    const wrongCount = dir();
    writeFileSync(join(wrongCount, 'a.json.gz'), gzipSync(jsonl([nceRow(40)])));
    writeFileSync(join(wrongCount, 'manifest.json'), manifest(['a.json.gz'], { blobCount: 3 }));
    expect((await importRecon(deps, actor, { path: wrongCount, providerAccountId: accountId })).errors[0]).toMatchObject({ code: 'recon.bad_manifest' });

    expect((await importRecon(deps, actor, { path: dir(), providerAccountId: accountId })).errors[0]).toMatchObject({ code: 'recon.no_manifest' });
    expect(await lineCount()).toBe(before);
  });

  it('still reads a CSV, also gzipped', async () => {
    const d = dir();
    writeFileSync(join(d, 'recon.csv.gz'), gzipSync(nceCsv([nceRow(50), nceRow(51)])));
    expect(await importRecon(deps, actor, { path: join(d, 'recon.csv.gz'), providerAccountId: accountId })).toMatchObject({ source: 'csv', format: 'nce_invoice', imported: 2 });
  });
});

describe('records: invoice line items from the provider API (simulator over HTTP)', () => {
  let deps: TestDeps;
  let sim: Simulator;
  const clock = new TestClock('2026-11-20T09:00:00Z');
  beforeAll(async () => {
    deps = await createTestDeps();
    sim = await startSimulator({ seed: 'demo', clock });
  });
  afterAll(async () => {
    await sim.close();
    await deps.dispose();
  });

  /** Σ of decimal strings/numbers as exact cents. */
  const cents = (values: unknown[]) => values.reduce<bigint>((a, v) => {
    const [i, f = ''] = String(v).split('.');
    const neg = i!.startsWith('-');
    const c = BigInt(i!.replace('-', '') + f.padEnd(2, '0').slice(0, 2));
    return a + (neg ? -c : c);
  }, 0n);
  const totalCents = (t: { total: string }[]) => cents(t.map((x) => x.total));

  it('imports each kind of line item through the records source, detects its format, and the amounts add up to the invoice', async () => {
    const expectedFormat = { 'office/billinglineitems': 'legacy_license', 'azure/billinglineitems': 'legacy_usage', 'onetime/billinglineitems': 'nce_invoice' } as const;
    const seen = new Set<string>();
    for (const p of sim.partners()) {
      const account = await makeAccount(deps, { cloud: p.cloud });
      const connector = createPartnerCenterConnector(sim.connectorConfig(p.tenantId), { sleep: async () => {}, clock });
      for (const inv of await connector.listInvoices()) {
        const groups = inv.invoiceType === 'one_time' ? (['onetime/billinglineitems'] as const) : (['office/billinglineitems', 'azure/billinglineitems'] as const);
        let invoiceCents = 0n;
        for (const group of groups) {
          const [provider, type] = group.split('/') as ['office' | 'azure' | 'onetime', 'billinglineitems'];
          const items = await connector.listInvoiceLineItems(inv.id, provider, type);
          if (items.length === 0) continue;
          // license line items don't carry the invoice number: the caller knows it
          const records = items.map((it) => (it.invoiceNumber ? it : { ...it, invoiceNumber: inv.id }));
          async function* stream() {
            yield* records;
          }
          const r = await importRecon(deps, actor, { records: stream(), sourceName: `${inv.id}/${group}`, providerAccountId: account.id, providerInvoiceId: `pinv_${inv.id}` });
          expect(r, JSON.stringify(r.errors.slice(0, 3))).toMatchObject({ format: expectedFormat[group], source: 'api', rows: items.length, rejected: 0 });
          expect(r.imported).toBe(items.length);
          // every line item's own total, summed exactly, is what the import reports
          const own = cents(items.map((it) => it.totalForCustomer ?? it.postTaxTotal));
          expect(totalCents(r.totals)).toBe(own);
          invoiceCents += own;
          seen.add(group);
          const imp = await deps.db.selectFrom('recon_imports').select(['source', 'provider_invoice_id', 'file_name']).where('id', '=', r.importId!).executeTakeFirstOrThrow();
          expect(imp).toEqual({ source: 'api', provider_invoice_id: `pinv_${inv.id}`, file_name: `${inv.id}/${group}` });
          // the same line items again add nothing (canonical hash of the records)
          const again = await importRecon(deps, actor, { records: records, sourceName: `${inv.id}/${group}`, providerAccountId: account.id });
          expect(again.duplicateOf).toBe(r.importId);
        }
        if (invoiceCents !== 0n) expect(invoiceCents).toBe(cents([inv.totalCharges]));
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(expectedFormat).sort());
  });

  it('rejects Azure usage line items (unrated usage: no prices) with the missing columns named, storing nothing', async () => {
    const p = sim.partners().find((x) => x.cloud === 'global')!;
    const account = await makeAccount(deps, { cloud: p.cloud });
    const connector = createPartnerCenterConnector(sim.connectorConfig(p.tenantId), { sleep: async () => {}, clock });
    const recurring = (await connector.listInvoices()).find((i) => i.invoiceType === 'recurring')!;
    const usage = await connector.listInvoiceLineItems(recurring.id, 'azure', 'usagelineitems');
    expect(usage.length).toBeGreaterThan(0);
    const r = await importRecon(deps, actor, { records: usage, sourceName: 'usage', providerAccountId: account.id });
    expect(r.importId).toBeNull();
    expect(r.errors[0]).toMatchObject({ code: 'recon.missing_columns', line: 1 });
    expect(r.errors[0]!.column).toContain('PretaxCharges');
  });

  it('says which floating-point number it cannot trust', async () => {
    const account = await makeAccount(deps);
    const rec = { ...nceRow(1), Subtotal: 0.1 + 0.2, Total: 0.30000000000000004 };
    const r = await importRecon(deps, actor, { records: [rec], sourceName: 'floats', providerAccountId: account.id });
    expect(r.rejected).toBe(1);
    expect(r.errors.slice(0, 2)).toEqual([
      expect.objectContaining({ code: 'recon.imprecise_number', column: 'Subtotal', value: '0.30000000000000004', line: 1 }),
      expect.objectContaining({ code: 'recon.imprecise_number', column: 'Total', line: 1 }),
    ]);
  });
});
