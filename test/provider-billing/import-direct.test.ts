import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDeps, testStoreKind, type TestDeps } from '../helpers/store.js';
import { makeAccount } from '../helpers/fixtures.js';
import { nceCsv, nceRow } from '../helpers/recon.js';
import { newId } from '../../src/core/ids.js';
import { cliActor } from '../../src/db/tx.js';
import { importDirect } from '../../src/modules/provider-billing/import-direct.js';
import { importRecon, openSource, type ImportSummary } from '../../src/modules/provider-billing/import-recon.js';

/**
 * The direct path (a file COPYed straight into recon_lines, import-direct.ts; PostgreSQL only)
 * against the staging + merge path it falls back to (and that records imports always take): same
 * keys, totals and unmatched counts; nothing stored on a bad row or a conflict. On PGlite every
 * import stages and merges, and the same assertions hold there.
 */
describe('direct import path', () => {
  let deps: TestDeps;
  const actor = cliActor('test');
  const dir = mkdtempSync(join(tmpdir(), 'pd-recon-direct-'));
  let files = 0;
  const file = (rows: Record<string, string>[], eol = '\n') => {
    const p = join(dir, `f${++files}.csv`);
    writeFileSync(p, nceCsv(rows).replaceAll('\n', eol));
    return p;
  };
  const keysOf = async (importId: string) =>
    (await deps.db.selectFrom('recon_lines').select(['line_key', 'order_id']).where('import_id', '=', importId).execute()).map((l) => `${l.order_id} ${l.line_key.replace(/^[^:]*:[^#]*/, 'K')}`).sort();
  const linesOf = async (accountId: string) =>
    (await deps.db.selectFrom('recon_lines').select(['line_key', 'total']).where('provider_account_id', '=', accountId).orderBy('line_key').execute()).map((l) => `${l.line_key}=${l.total}`);
  const counts = async () => ({
    lines: Number((await deps.db.selectFrom('recon_lines').select(deps.db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n),
    imports: Number((await deps.db.selectFrom('recon_imports').select(deps.db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n),
  });

  /** On PostgreSQL the direct path itself (null would mean it gave up for the merge), else importRecon. */
  const importFile = async (path: string, providerAccountId: string): Promise<ImportSummary> => {
    const opts = { path, providerAccountId };
    if (testStoreKind() !== 'postgres') return importRecon(deps, actor, opts);
    const r = await importDirect(deps, actor, providerAccountId, openSource(opts), opts);
    expect(r).not.toBeNull();
    return r!;
  };

  beforeAll(async () => {
    deps = await createTestDeps();
  });
  afterAll(async () => deps.dispose());

  it('numbers in-file repeats as the merge path does, so the same rows in another file are all duplicates', async () => {
    const same = nceRow(1);
    const other = nceRow(2);
    const rows = [same, other, same, nceRow(3), same, other];
    const direct = (await makeAccount(deps)).id;
    const merged = (await makeAccount(deps)).id;
    const d = await importFile(file(rows), direct);
    const m = await importRecon(deps, actor, { records: rows, sourceName: 'records', providerAccountId: merged });
    expect(d).toMatchObject({ rows: 6, imported: 6, duplicates: 0, replaced: 0 });
    expect(m).toMatchObject({ rows: 6, imported: 6 });
    expect(await keysOf(d.importId!)).toEqual(['o-1 K', 'o-1 K#2', 'o-1 K#3', 'o-2 K', 'o-2 K#2', 'o-3 K']);
    // the very same stored keys on both paths
    expect(await linesOf(direct)).toEqual(await linesOf(merged));
    // the same rows in a different file (other bytes): nothing new
    const again = await importRecon(deps, actor, { path: file(rows, '\r\n'), providerAccountId: direct });
    expect(again).toMatchObject({ rows: 6, imported: 0, duplicates: 6, replaced: 0, duplicateOf: null });
    // the same file: a duplicate of the first import
    const twice = await importRecon(deps, actor, { path: file(rows), providerAccountId: direct });
    expect(twice).toMatchObject({ duplicateOf: d.importId, imported: 0 });
    expect(await linesOf(direct)).toEqual(await linesOf(merged));
  });

  it('stores nothing when the last row of a large file is bad (after lines were already loaded)', async () => {
    const accountId = (await makeAccount(deps)).id;
    const before = await counts();
    // ~6 MB of lines: more than one COPY batch is loaded on either store before the bad row
    const rows = Array.from({ length: 15_000 }, (_, i) => nceRow(i, { CustomerName: 'x'.repeat(200) }));
    rows.push(nceRow(15_000, { Currency: 'XYZ' }));
    const r = await importFile(file(rows), accountId);
    expect(r).toMatchObject({ importId: null, rows: 15_001, rejected: 1 });
    expect(r.errors).toEqual([expect.objectContaining({ line: 15_002, column: 'Currency', value: 'XYZ', code: 'recon.unknown_currency' })]);
    expect(await counts()).toEqual(before);
    // and the account takes the file once corrected, in full
    rows.pop();
    expect(await importRecon(deps, actor, { path: file(rows), providerAccountId: accountId })).toMatchObject({ rows: 15_000, imported: 15_000 });
  });

  it('falls back to the merge when a stored line comes late in the file, keeping nothing of the attempt', async () => {
    const accountId = (await makeAccount(deps)).id;
    const first = await importRecon(deps, actor, { path: file([nceRow(1), nceRow(2)]), providerAccountId: accountId });
    expect(first).toMatchObject({ imported: 2 });
    const before = await counts();
    // many new lines first (loaded by the direct attempt before the conflict), then a stored line,
    // then a corrected one
    const fresh = Array.from({ length: 15_000 }, (_, i) => nceRow(100 + i, { CustomerName: 'y'.repeat(200) }));
    const rows = [...fresh, nceRow(1), nceRow(2, { Subtotal: '20.00', TaxTotal: '3.80', Total: '23.80', Quantity: '4', BillableQuantity: '4' })];
    const path = file(rows);
    if (testStoreKind() === 'postgres') {
      // the direct attempt alone gives up and keeps nothing
      expect(await importDirect(deps, actor, accountId, openSource({ path }), { path, providerAccountId: accountId })).toBeNull();
      expect(await counts()).toEqual(before);
    }
    const r = await importRecon(deps, actor, { path, providerAccountId: accountId });
    expect(r).toMatchObject({ rows: 15_002, imported: 15_000, replaced: 1, duplicates: 1, rejected: 0 });
    expect(await counts()).toEqual({ lines: before.lines + 15_000, imports: before.imports + 1 });
    // no trace of the abandoned attempt (its import row had a placeholder hash)
    expect(await deps.db.selectFrom('recon_imports').select('id').where('content_hash', 'like', 'pending:%').execute()).toEqual([]);
    expect(await deps.db.selectFrom('recon_lines').select('total').where('provider_account_id', '=', accountId).where('order_id', '=', 'o-2').executeTakeFirstOrThrow()).toEqual({ total: 2380n });
  });

  it('gives the same totals and unmatched counts as the merge path', async () => {
    const direct = (await makeAccount(deps)).id;
    const merged = (await makeAccount(deps)).id;
    const now = deps.clock.now();
    for (const accountId of [direct, merged]) {
      const customerId = newId('cus');
      await deps.db.insertInto('customers').values({ id: customerId, provider_account_id: accountId, tenant_id: 'Tenant-Known', company_name: 'Known', billing_currency: 'EUR', created_at: now, updated_at: now }).execute();
      for (const [providerId, entitlements] of [
        ['SUB-Known', []],
        ['ABO-ÄÖ', []],
        ['azure-plan', [{ id: 'az-1' }, { id: 'AZ-2' }]],
      ] as const) {
        await deps.db
          .insertInto('subscriptions')
          .values({ id: newId('sub'), customer_id: customerId, provider_subscription_id: providerId, offer_id: 'o', offer_name: 'o', billing_type: 'license', commerce: 'nce', status: 'active', auto_renew: true, azure_entitlements: JSON.stringify(entitlements), created_at: now, updated_at: now })
          .execute();
      }
    }
    const rows = [
      nceRow(1, { CustomerId: 'tenant-known', SubscriptionId: 'sub-KNOWN' }),
      nceRow(2, { CustomerId: 'tenant-known', SubscriptionId: 'abo-äö' }),
      nceRow(3, { CustomerId: 'tenant-known', SubscriptionId: 'ABO-ÄÖ' }),
      nceRow(4, { CustomerId: 'Tenant-Known', SubscriptionId: 'AZ-1' }),
      nceRow(5, { CustomerId: 'other', SubscriptionId: 'az-2' }),
      nceRow(6, { CustomerId: 'other', SubscriptionId: 'unknown-Ü' }),
      nceRow(7, { CustomerId: 'other', SubscriptionId: '' }),
      nceRow(8, { CustomerId: '', Currency: 'JPY', Subtotal: '1200', TaxTotal: '', Total: '1200' }),
      nceRow(9, { Currency: 'USD', Subtotal: '-12345678901234.56', TaxTotal: '-0.01', Total: '-12345678901234.57' }),
      nceRow(10, { Currency: 'USD', Subtotal: '99999999999999.99', TaxTotal: '0', Total: '99999999999999.99' }),
      nceRow(11, { Currency: 'USD', Subtotal: '99999999999999.99', TaxTotal: '0', Total: '99999999999999.99' }),
    ];
    const d = await importFile(file(rows), direct);
    const m = await importRecon(deps, actor, { records: rows, sourceName: 'records', providerAccountId: merged });
    expect(d.rejected).toBe(0);
    expect(d.totals).toEqual(m.totals);
    expect(d.totals).toEqual([
      { currency: 'EUR', subtotal: '70.00', tax: '13.30', total: '83.30' },
      { currency: 'JPY', subtotal: '1200', tax: '0', total: '1200' },
      { currency: 'USD', subtotal: '187654321098765.42', tax: '-0.01', total: '187654321098765.41' },
    ]);
    expect(d.unmatched).toEqual(m.unmatched);
    // 'tenant-known' matches lower(tenant_id); 'Tenant-Known' (not a GUID: kept as written), 'other' and 'c-1' do not
    expect(d.unmatched.customers).toBe(3);
    const stored = await deps.db.selectFrom('recon_imports').select(['totals', 'unmatched', 'content_hash', 'format', 'rows', 'imported']).where('id', '=', d.importId!).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ totals: d.totals, unmatched: d.unmatched, format: 'nce_invoice', rows: 11, imported: 11 });
    expect(stored.content_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
