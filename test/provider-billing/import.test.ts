import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeAccount } from '../helpers/fixtures.js';
import { cliActor } from '../../src/db/tx.js';
import { canonicalColumns } from '../../src/modules/provider-billing/formats/columns.js';
import { writeCsvRow } from '../../src/modules/provider-billing/formats/csv.js';
import { importRecon } from '../../src/modules/provider-billing/import-recon.js';

const BASE: Record<string, string> = {
  CustomerId: 'org:196E2273-9651-43A3-BA7E-7CBCD918FC40',
  CustomerName: 'Contoso GmbH',
  CustomerDomainName: 'contoso.onmicrosoft.com',
  InvoiceNumber: 'G002297372',
  MPNID: '6034453',
  ProductId: 'CFQ7TTC0LDPB',
  SkuId: '0001',
  AvailabilityId: 'CFQ7TTC0K5RQ',
  SkuName: 'Microsoft 365 Business Standard',
  ProductName: 'Microsoft 365 Business Standard',
  ChargeType: 'new',
  UnitPrice: '10.08',
  Quantity: '12',
  TaxTotal: '0',
  Currency: 'EUR',
  SubscriptionId: '284b0ff0-0e74-4f65-cb23-f8ad95867994',
  ChargeStartDate: '2021-06-20',
  ChargeEndDate: '2021-07-19',
  EffectiveUnitPrice: '9.408',
  BillableQuantity: '12',
  PricingCurrency: 'EUR',
  PCToBCExchangeRate: '1',
};

const header = canonicalColumns('nce_invoice');
function line(i: number, over: Record<string, string> = {}): string {
  const v: Record<string, string> = { ...BASE, OrderId: `order-${i}`, ReferenceId: `ref-${i}`, Subtotal: `${100 + i}.50`, Total: `${100 + i}.50`, ...over };
  return writeCsvRow(header.map((c) => v[c] ?? ''), ',');
}
const file = (lines: string[]) => {
  const dir = mkdtempSync(join(tmpdir(), 'pd-recon-'));
  const p = join(dir, 'recon.csv');
  writeFileSync(p, '\ufeff' + writeCsvRow(header, ',') + '\r\n' + lines.join('\r\n') + '\r\n');
  return p;
};

describe('reconciliation import', () => {
  let deps: TestDeps;
  let accountId: string;
  const actor = cliActor('test');
  const count = async () => Number((await deps.db.selectFrom('recon_lines').select(deps.db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n);
  const imports = async () => Number((await deps.db.selectFrom('recon_imports').select(deps.db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n);
  beforeAll(async () => {
    deps = await createTestDeps();
    accountId = (await makeAccount(deps, { cloud: 'germany' })).id;
  });
  afterAll(async () => deps.dispose());

  const lines = Array.from({ length: 40 }, (_, i) => line(i));

  it('imports a file whole, with exact totals per currency', async () => {
    const r = await importRecon(deps, actor, { path: file(lines), providerAccountId: accountId });
    expect(r).toMatchObject({ format: 'nce_invoice', rows: 40, imported: 40, replaced: 0, duplicates: 0, rejected: 0, errors: [] });
    // Σ (100 + i).50 for i < 40 = 40 × 100.50 + 780
    expect(r.totals).toEqual([{ currency: 'EUR', subtotal: '4800.00', tax: '0.00', total: '4800.00' }]);
    expect(r.unmatched).toEqual({ customers: 1, subscriptions: 1 });
    expect(await count()).toBe(40);
    // lines are stored in line-key order, not file order: find the first line by its order id
    const stored = await deps.db.selectFrom('recon_lines').selectAll().where('line_key', 'like', 'nce_invoice:%').where('order_id', '=', 'order-0').executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ customer_tenant_id: '196e2273-9651-43a3-ba7e-7cbcd918fc40', subtotal: 10050n, currency: 'EUR', effective_unit_price: '9.408' });
  });

  it('adds nothing when the same file comes again, and says so', async () => {
    const first = await deps.db.selectFrom('recon_imports').select('id').executeTakeFirstOrThrow();
    const r = await importRecon(deps, actor, { path: file(lines), providerAccountId: accountId });
    expect(r).toMatchObject({ duplicateOf: first.id, imported: 0, duplicates: 40 });
    expect(await count()).toBe(40);
    expect(await imports()).toBe(1);
  });

  it('takes only the new lines of an overlapping export, and replaces corrected ones', async () => {
    const overlap = [...lines.slice(20), line(40), line(41), line(3, { Subtotal: '999.99', Total: '999.99' })];
    const r = await importRecon(deps, actor, { path: file(overlap), providerAccountId: accountId });
    expect(r).toMatchObject({ rows: 23, imported: 2, replaced: 1, duplicates: 20 });
    expect(await count()).toBe(42);
    const audit = await deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'recon.import').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ replaced: 1, imported: 2 });
  });

  it('keeps genuinely identical rows apart (#2, #3 in file order), on the first import of an account and on a later one', async () => {
    const fresh = (await makeAccount(deps)).id;
    const same = line(500);
    const r = await importRecon(deps, actor, { path: file([same, line(501), same, same]), providerAccountId: fresh });
    expect(r).toMatchObject({ rows: 4, imported: 4, duplicates: 0 });
    const keys = (await deps.db.selectFrom('recon_lines').select('line_key').where('import_id', '=', r.importId!).where('order_id', '=', 'order-500').execute()).map((x) => x.line_key).sort();
    expect(keys).toHaveLength(3);
    expect(keys[1]).toBe(`${keys[0]}#2`);
    expect(keys[2]).toBe(`${keys[0]}#3`);
    // the same rows in another file (one more repeat): the three are there, the fourth is new
    const again = await importRecon(deps, actor, { path: file([same, same, line(501), same, same]), providerAccountId: fresh });
    expect(again).toMatchObject({ rows: 5, imported: 1, duplicates: 4, replaced: 0 });
  });

  it('rejects a file with bad rows whole, naming line, column and value, and stores nothing', async () => {
    const before = [await count(), await imports()];
    const bad = [line(100), line(101, { ChargeStartDate: 'yesterday' }), line(102), line(103, { Currency: 'XYZ' }), line(104, { Quantity: '-3', BillableQuantity: '-3' })];
    const r = await importRecon(deps, actor, { path: file(bad), providerAccountId: accountId });
    expect(r.rejected).toBe(3);
    expect(r.importId).toBeNull();
    expect(r.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 3, column: 'ChargeStartDate', value: 'yesterday', code: 'recon.bad_date' }),
        expect.objectContaining({ line: 5, column: 'Currency', value: 'XYZ', code: 'recon.unknown_currency' }),
        expect.objectContaining({ line: 6, code: 'recon.negative_quantity' }),
      ]),
    );
    expect([await count(), await imports()]).toEqual(before);
  });

  it('rejects other formats, truncated files and what is not text, storing nothing', async () => {
    const before = [await count(), await imports()];
    const dir = mkdtempSync(join(tmpdir(), 'pd-recon-'));
    const other = join(dir, 'other.csv');
    writeFileSync(other, 'Date,Amount,Payee\n2026-01-01,10.00,Someone\n');
    expect((await importRecon(deps, actor, { path: other, providerAccountId: accountId })).errors[0]).toMatchObject({ line: 1, code: 'recon.unknown_format' });
    const truncated = join(dir, 'truncated.csv');
    writeFileSync(truncated, writeCsvRow(header, ',') + '\n' + line(200) + '\n' + line(201).slice(0, 40) + ',"unterminated');
    const t = await importRecon(deps, actor, { path: truncated, providerAccountId: accountId });
    expect(t.rejected).toBeGreaterThan(0);
    expect(t.errors.map((e) => e.code)).toContain('recon.unterminated_quote');
    const binary = join(dir, 'binary.csv.gz');
    writeFileSync(binary, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0xfd, 0x00, 0x80, 0x81]));
    expect((await importRecon(deps, actor, { path: binary, providerAccountId: accountId })).rejected).toBeGreaterThan(0);
    expect([await count(), await imports()]).toEqual(before);
  });
});

describe('recon_lines references (statement-level check instead of per-row foreign keys)', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps();
  });
  afterAll(async () => deps.dispose());

  it('refuses a line whose import or account does not exist, and an import delete that would orphan lines', async () => {
    const accountId = (await makeAccount(deps)).id;
    const p = file([line(1)]);
    const r = await importRecon(deps, cliActor('test'), { path: p, providerAccountId: accountId });
    const row = (id: string, account: string) => ({ provider_account_id: account, import_id: id, line_key: `k-${id}-${account}`, format: 'nce_invoice', charge_type: 'new', charge_type_raw: 'new', quantity: '1', billable_quantity: '1', currency: 'EUR' });
    const code = async (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);
    expect(await code(deps.db.insertInto('recon_lines').values(row('rim_missing', accountId)).execute())).toBe('23503');
    const other = (await makeAccount(deps)).id;
    expect(await code(deps.db.insertInto('recon_lines').values(row(r.importId!, other)).execute())).toBe('23503');
    expect(await code(deps.db.insertInto('recon_lines').values(row(r.importId!, accountId)).execute())).toBe('ok');
    expect(await code(deps.db.updateTable('recon_lines').set({ import_id: 'rim_missing' }).where('import_id', '=', r.importId!).execute())).toBe('23503');
    expect(await code(deps.db.deleteFrom('recon_imports').where('id', '=', r.importId!).execute())).toBe('23503');
  });
});
