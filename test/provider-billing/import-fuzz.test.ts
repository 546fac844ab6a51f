import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeAccount } from '../helpers/fixtures.js';
import { cliActor } from '../../src/db/tx.js';
import { canonicalColumns } from '../../src/modules/provider-billing/formats/columns.js';
import { writeCsvRow } from '../../src/modules/provider-billing/formats/csv.js';
import { importRecon } from '../../src/modules/provider-billing/import-recon.js';

/**
 * Random mutations of a valid file: the importer either accepts it — and then its totals are the
 * sum of the lines it stored — or rejects it whole with row errors. It never throws, and a
 * rejected file changes nothing.
 */
const header = canonicalColumns('nce_invoice');
const valid = (n: number) =>
  [writeCsvRow(header, ',')]
    .concat(
      Array.from({ length: n }, (_, i) => {
        const v: Record<string, string> = {
          CustomerId: `c-${i % 3}`,
          InvoiceNumber: 'G1',
          OrderId: `o-${i}`,
          ProductId: 'P',
          SkuId: '0001',
          AvailabilityId: 'A',
          ChargeType: 'cycleCharge',
          UnitPrice: '10.50',
          EffectiveUnitPrice: '10.50',
          Quantity: String(1 + i),
          BillableQuantity: String(1 + i),
          Subtotal: `${(1 + i) * 10}.50`,
          TaxTotal: '1.00',
          Total: `${(1 + i) * 10 + 1}.50`,
          Currency: 'EUR',
          PCToBCExchangeRate: '1',
          SubscriptionId: `s-${i}`,
          ChargeStartDate: '2026-10-01',
          ChargeEndDate: '2026-10-31',
        };
        return writeCsvRow(header.map((c) => v[c] ?? ''), ',');
      }),
    )
    .join('\n') + '\n';

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 12, unit: fc.constantFrom(',', '"', '\n', '\r', 'x', '-', '.', '9', ';', '\t', 'é', '\u0000') }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
);

type Mutation = { kind: string; at?: number; len?: number; text?: string; a?: number; b?: number };

function apply(text: string, muts: Mutation[]): string {
  let s = text;
  for (const m of muts) {
    const at = (m.at ?? 0) % (s.length + 1);
    if (m.kind === 'delete') s = s.slice(0, at) + s.slice(at + (m.len ?? 1));
    else if (m.kind === 'insert') s = s.slice(0, at) + (m.text ?? '') + s.slice(at);
    else if (m.kind === 'truncate') s = s.slice(0, Math.max(at, 1));
    else if (m.kind === 'swap' && s.length > 1) {
      const a = (m.a ?? 0) % s.length;
      const b = (m.b ?? 0) % s.length;
      const chars = [...s];
      [chars[a], chars[b]] = [chars[b]!, chars[a]!];
      s = chars.join('');
    }
  }
  return s;
}

describe('importer under random mutations', () => {
  let deps: TestDeps;
  let accountId: string;
  const dir = mkdtempSync(join(tmpdir(), 'pd-fuzz-'));
  beforeAll(async () => {
    deps = await createTestDeps();
    accountId = (await makeAccount(deps)).id;
  });
  afterAll(async () => deps.dispose());

  it('accepts with matching totals or rejects cleanly, never crashing', async () => {
    let n = 0;
    const outcomes = { accepted: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (muts) => {
        const path = join(dir, `f${n++}.csv`);
        writeFileSync(path, apply(valid(6), muts));
        const before = Number((await deps.db.selectFrom('recon_lines').select(deps.db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n);
        const r = await importRecon(deps, cliActor('fuzz'), { path, providerAccountId: accountId });
        const after = Number((await deps.db.selectFrom('recon_lines').select(deps.db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n);
        outcomes[r.rejected > 0 ? 'rejected' : 'accepted']++;
        if (r.rejected > 0 || r.errors.length > 0) {
          expect(r.importId).toBeNull();
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) expect(e.line).toBeGreaterThanOrEqual(1);
          expect(after).toBe(before);
          return;
        }
        if (r.duplicateOf) return;
        expect(after).toBe(before + r.imported);
        // the reported totals are the sums of the lines this import stored (per currency, exact)
        const sums = await deps.db
          .selectFrom('recon_lines')
          .select(['currency', (eb) => eb.fn.sum<string>('subtotal').as('subtotal')])
          .where('import_id', '=', r.importId!)
          .groupBy('currency')
          .execute();
        if (r.replaced === 0 && r.duplicates === 0) {
          for (const t of r.totals) {
            const s = sums.find((x) => x.currency === t.currency);
            expect(BigInt(t.subtotal.replace('.', ''))).toBe(BigInt(s?.subtotal ?? '0'));
          }
        }
      }),
      { numRuns: 80, seed: 20261122 }, // fixed: CI explores the same 80 files every run
    );
    // both outcomes occur, or the property says little
    expect(outcomes.accepted).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(0);
  }, 120_000);
});
