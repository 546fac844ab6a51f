import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv, runCli, storeEnv } from '../helpers/processes.js';
import { ROOT } from '../../src/paths.js';
import { canonicalColumns } from '../../src/modules/provider-billing/formats/columns.js';
import { writeCsvRow } from '../../src/modules/provider-billing/formats/csv.js';

const header = canonicalColumns('nce_invoice');
const row = (i: number, over: Record<string, string> = {}) => {
  const v: Record<string, string> = {
    CustomerId: `c-${i % 50}`,
    InvoiceNumber: 'G000000001',
    OrderId: `o-${i}`,
    ProductId: 'CFQ7TTC0LDPB',
    SkuId: '0001',
    AvailabilityId: 'CFQ7TTC0K5RQ',
    SkuName: 'Microsoft 365 E3',
    ChargeType: 'cycleCharge',
    UnitPrice: '33.60',
    EffectiveUnitPrice: '33.60',
    Quantity: '1',
    BillableQuantity: '1',
    Subtotal: '33.60',
    TaxTotal: '6.38',
    Total: '39.98',
    Currency: 'USD',
    PricingCurrency: 'USD',
    PCToBCExchangeRate: '1',
    SubscriptionId: `s-${i}`,
    ChargeStartDate: '2026-10-01',
    ChargeEndDate: '2026-10-31',
    ...over,
  };
  return writeCsvRow(header.map((c) => v[c] ?? ''), ',');
};

describe('partnerdesk import recon', () => {
  const s = storeEnv();
  afterAll(() => s.cleanup());
  const csv = (name: string, rows: string[]) => {
    const p = join(s.dataDir, name);
    writeFileSync(p, writeCsvRow(header, ',') + '\n' + rows.join('\n') + '\n');
    return p;
  };

  it('prints one JSON summary, and exits non-zero on a rejected file', () => {
    expect(runCli(['provider-account', 'add', '--name', 'G', '--cloud', 'global', '--tenant', 't', '--app-id', 'a'], s.env).code).toBe(0);
    const ok = runCli(['import', 'recon', csv('ok.csv', [row(1), row(2), row(3)]), '--json'], s.env);
    expect(ok.code).toBe(0);
    expect(ok.json()).toMatchObject({ format: 'nce_invoice', rows: 3, imported: 3, duplicates: 0, rejected: 0, errors: [], totals: [{ currency: 'USD', subtotal: '100.80', tax: '19.14', total: '119.94' }], unmatched: { customers: 3, subscriptions: 3 } });
    expect(String(ok.json().importId)).toMatch(/^rim_/);

    const bad = runCli(['import', 'recon', csv('bad.csv', [row(4), row(5, { ChargeEndDate: '31.13.2026' })]), '--json'], { ...s.env, PARTNERDESK_LOCALE: 'de' });
    expect(bad.code).toBe(2);
    const j = bad.json() as { rejected: number; errors: { line: number; column: string; message: string }[]; importId: null };
    expect(j.rejected).toBe(1);
    expect(j.importId).toBeNull();
    expect(j.errors[0]).toMatchObject({ line: 3, column: 'ChargeEndDate' });
    expect(j.errors[0]!.message).toContain('Zeile 3'); // the operator's language
  });

  it('leaves nothing when killed in the middle of an import', async () => {
    // ~150k rows take several seconds to import here; the kill lands inside the one transaction
    const n = 150_000;
    const big = csv('big.csv', Array.from({ length: n }, (_, i) => row(1000 + i)));
    const p = spawn(process.execPath, [join(ROOT, 'bin', 'partnerdesk.js'), 'import', 'recon', big, '--json'], { env: childEnv(s.env), stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 3000));
    p.kill('SIGKILL');
    await new Promise((r) => p.once('exit', r));
    const audit = runCli(['audit', '--json', '--limit', '1000'], s.env).json() as { items: { action: string }[] };
    expect(audit.items.filter((a) => a.action === 'recon.import')).toHaveLength(1); // only the first test's import
    const again = runCli(['import', 'recon', big, '--json'], s.env);
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ imported: n, duplicates: 0, duplicateOf: null });
  }, 180_000);
});
